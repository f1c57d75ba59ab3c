/** Says why an undo or redo was not applied (someone else changed that field since), naming them. */
export function UndoRefusedToast({ message, onClose }: { message: string; onClose: () => void }) {
  return (
    <div className="pb-toast pb-toast--warning" role="alert" data-testid="undo-refused">
      <div className="pb-toast__content">
        <div className="pb-toast__title">Not undone</div>
        <div className="pb-toast__message" data-testid="undo-refused-message">
          {message}
        </div>
        <div className="pb-toast__actions">
          <button className="pb-btn pb-btn--sm pb-btn--ghost" type="button" onClick={onClose}>
            Dismiss
          </button>
        </div>
      </div>
    </div>
  );
}
