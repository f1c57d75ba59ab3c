import { ColumnsSelect } from './ColumnsSelect';
import { UndoRedoButtons } from './UndoRedoButtons';
import type { UndoRedo } from './useUndoRedo';

/** Props of the edit-mode controls. */
export interface EditControlsProps {
  history: Pick<UndoRedo, 'undo' | 'redo' | 'undoLabel' | 'redoLabel'>;
  columns: number;
  onColumnsChange: (columns: number) => void;
  onAddWidget: () => void;
}

/**
 * The top bar's controls in edit mode: undo/redo, the grid's columns and "+ Add widget".
 * In the editor's chunk (lazy-parts.ts): a viewer or a wallboard never downloads them.
 */
export function EditControls({ history, columns, onColumnsChange, onAddWidget }: EditControlsProps) {
  return (
    <>
      <UndoRedoButtons history={history} />
      <ColumnsSelect columns={columns} onChange={onColumnsChange} />
      <button className="pb-btn pb-btn--sm" type="button" onClick={onAddWidget} data-testid="add-widget">
        + Add widget
      </button>
    </>
  );
}
