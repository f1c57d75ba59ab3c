import { useEffect, useState } from 'react';
import type { Dashboard } from '@pulseboard/model';
import type { SyncNotice } from '@pulseboard/client';
import type { DashboardActions } from '@pulseboard/react';
import { restoreEditOf } from './notice-restore';
import { describeNotice } from './notice-text';
import { NOTICE_TIMEOUT_MS } from './Notices';

/** What a notice's buttons do: dismiss it, resend its edit, or restore what was overwritten. */
export type NoticeActions = Pick<DashboardActions, 'dismissNotice' | 'retry' | 'updateWidget' | 'setMeta'>;

/** Props of one notice toast. */
export interface NoticeToastProps {
  notice: SyncNotice;
  dashboard: Dashboard | null;
  actions: NoticeActions;
}

/**
 * Retry: an overwritten value with no pending mutation is put back as a new edit expecting
 * today's values (notice-restore.ts); anything else resends its edit. The notice goes either way.
 */
export function retryNotice(notice: SyncNotice, dashboard: Dashboard | null, actions: NoticeActions): void {
  const restore = restoreEditOf(notice, dashboard);
  if (restore?.target === 'widget') actions.updateWidget(restore.id, restore.set, { expect: restore.expect });
  else if (restore?.target === 'meta') actions.setMeta(restore.set, { expect: restore.expect });
  else actions.retry(notice.id);
  actions.dismissNotice(notice.id);
}

/** One sync notice: what happened to which edit, by whom, with Retry where it makes sense. */
export function NoticeToast({ notice, dashboard, actions }: NoticeToastProps) {
  const onDismiss = actions.dismissNotice;
  const [held, setHeld] = useState(false);
  const text = describeNotice(notice, dashboard);
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(() => onDismiss(notice.id), NOTICE_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [held, notice.id, onDismiss]);
  return (
    <div
      className={`pb-toast pb-toast--${text.tone}`}
      role={text.tone === 'error' ? 'alert' : 'status'}
      data-testid="notice"
      data-kind={notice.kind}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <div className="pb-toast__content">
        <div className="pb-toast__title" data-testid="notice-title">
          {text.title}
        </div>
        <div className="pb-toast__message" data-testid="notice-message">
          {text.message}
        </div>
        <div className="pb-toast__actions">
          {text.canRetry ? (
            <button className="pb-btn pb-btn--sm pb-btn--primary" type="button" onClick={() => retryNotice(notice, dashboard, actions)} data-testid="notice-retry">
              Retry
            </button>
          ) : null}
          <button className="pb-btn pb-btn--sm pb-btn--ghost" type="button" onClick={() => onDismiss(notice.id)} data-testid="notice-dismiss">
            Dismiss
          </button>
        </div>
      </div>
    </div>
  );
}
