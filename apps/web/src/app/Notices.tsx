import type { ReactNode } from 'react';
import type { Dashboard } from '@pulseboard/model';
import type { SyncNotice } from '@pulseboard/client';
import { LoadBoundary } from './LoadBoundary';
import { NoticeToast, type NoticeActions } from './lazy-parts';

/** How long a notice (and the page's own toasts) stays up unless hovered or focused. */
export const NOTICE_TIMEOUT_MS = 12_000;

/** Props of the toast stack. */
export interface NoticesProps {
  notices: readonly SyncNotice[];
  dashboard: Dashboard | null;
  /** Dismiss, and what Retry uses to resend or restore an edit. */
  actions: NoticeActions;
  /** Local toasts of the page (such as "Widget deleted · Undo"), shown below the notices. */
  children?: ReactNode;
}

/**
 * The toast stack for a dashboard's sync notices (rejected, overwritten, conflicting edits).
 * The live region is always there (so screen readers announce what appears in it); the
 * toasts' code (NoticeToast) loads with the first notice, or with the editor.
 */
export function Notices({ notices, dashboard, actions, children }: NoticesProps) {
  // Newest at the bottom, at most four on screen.
  const shown = notices.slice(-4);
  return (
    <div className="pb-toasts" aria-live="polite" data-testid="notices">
      {shown.length > 0 ? (
        <LoadBoundary fallback={null}>
          {shown.map((notice) => (
            <NoticeToast key={notice.id} notice={notice} dashboard={dashboard} actions={actions} />
          ))}
        </LoadBoundary>
      ) : null}
      {children}
    </div>
  );
}
