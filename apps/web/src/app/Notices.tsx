import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Dashboard } from '@pulseboard/model';
import type { SyncNotice } from '@pulseboard/client';
import { describeNotice } from './notice-text';

/** How long a notice stays up unless hovered or focused. */
export const NOTICE_TIMEOUT_MS = 12_000;

/** Props of the toast stack. */
export interface NoticesProps {
  notices: readonly SyncNotice[];
  dashboard: Dashboard | null;
  onDismiss: (id: string) => void;
  onRetry: (id: string) => void;
  /** Local toasts of the page (such as "Widget deleted · Undo"), shown below the notices. */
  children?: ReactNode;
}

/** The toast stack for a dashboard's sync notices (rejected, overwritten, conflicting edits). */
export function Notices({ notices, dashboard, onDismiss, onRetry, children }: NoticesProps) {
  // Newest at the bottom, at most four on screen.
  const shown = notices.slice(-4);
  return (
    <div className="pb-toasts" aria-live="polite" data-testid="notices">
      {shown.map((notice) => (
        <Notice key={notice.id} notice={notice} dashboard={dashboard} onDismiss={onDismiss} onRetry={onRetry} />
      ))}
      {children}
    </div>
  );
}

function Notice({ notice, dashboard, onDismiss, onRetry }: { notice: SyncNotice; dashboard: Dashboard | null; onDismiss: (id: string) => void; onRetry: (id: string) => void }) {
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
            <button className="pb-btn pb-btn--sm pb-btn--primary" type="button" onClick={() => onRetry(notice.id)} data-testid="notice-retry">
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

/** "Deleted “CPU” · Undo": shown after this person deletes a widget, for a few seconds. */
export function UndoToast({ title, onUndo, onClose }: { title: string; onUndo: () => void; onClose: () => void }) {
  const undoRef = useRef<HTMLButtonElement>(null);
  // The deleted widget had focus (or its panel did): Undo is where a keyboard user goes next.
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) undoRef.current?.focus();
  }, []);
  useEffect(() => {
    const timer = setTimeout(onClose, NOTICE_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [onClose]);
  return (
    <div className="pb-toast" role="status" data-testid="undo-toast">
      <div className="pb-toast__content">
        <div className="pb-toast__title">Widget deleted</div>
        <div className="pb-toast__message">“{title || 'Untitled'}” was removed for everyone.</div>
        <div className="pb-toast__actions">
          <button ref={undoRef} className="pb-btn pb-btn--sm pb-btn--primary" type="button" onClick={onUndo} data-testid="undo-delete">
            Undo
          </button>
          <button className="pb-btn pb-btn--sm pb-btn--ghost" type="button" onClick={onClose}>
            Dismiss
          </button>
        </div>
      </div>
    </div>
  );
}
