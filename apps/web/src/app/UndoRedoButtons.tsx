import type { UndoRedo } from './useUndoRedo';

const MOD = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';

/** Undo and Redo for the top bar; each tooltip names the edit it would revert or re-apply. */
export function UndoRedoButtons({ history }: { history: Pick<UndoRedo, 'undo' | 'redo' | 'undoLabel' | 'redoLabel'> }) {
  const undoTip = history.undoLabel ? `Undo ${history.undoLabel} (${MOD}Z)` : 'Nothing to undo';
  const redoTip = history.redoLabel ? `Redo ${history.redoLabel} (${MOD}Shift+Z)` : 'Nothing to redo';
  return (
    <>
      <button className="pb-btn pb-btn--sm" type="button" onClick={history.undo} disabled={!history.undoLabel} title={undoTip} aria-label={undoTip} data-testid="undo">
        ↶ Undo
      </button>
      <button className="pb-btn pb-btn--sm" type="button" onClick={history.redo} disabled={!history.redoLabel} title={redoTip} aria-label={redoTip} data-testid="redo">
        ↷ Redo
      </button>
    </>
  );
}
