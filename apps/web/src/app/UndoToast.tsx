import { useEffect, useRef } from 'react';
import { NOTICE_TIMEOUT_MS } from './Notices';

/** "Deleted “CPU” · Undo": shown after this person deletes a widget, for a few seconds (in the editor's chunk). */
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
