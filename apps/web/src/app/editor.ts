/** The editor's parts (and the top bar's edit controls and undo toasts), loaded as one chunk through lazy-parts.ts: viewers and wallboards never fetch it. */
export { AddWidgetPicker } from './AddWidgetPicker';
export { DashboardTitleInput } from './DashboardTitleInput';
export { EditControls } from './EditControls';
export { EditableGrid } from './EditableGrid';
export { ShareButton } from './ShareButton';
export { ShareDialog } from './ShareDialog';
export { WidgetEditor } from './WidgetEditor';
export { UndoEngine } from './undo-engine';
export { UndoRefusedToast } from './UndoRefusedToast';
export { UndoToast } from './UndoToast';
// Edits are made here: the mutators come with the editor, so the first edit shows at once.
import './mutation-runner';
