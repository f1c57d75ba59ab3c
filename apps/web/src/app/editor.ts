/** The editor's parts, loaded as one chunk through lazy-parts.ts: viewers and wallboards never fetch it. */
export { AddWidgetPicker } from './AddWidgetPicker';
export { DashboardTitleInput } from './DashboardTitleInput';
export { EditableGrid } from './EditableGrid';
export { ShareDialog } from './ShareDialog';
export { WidgetEditor } from './WidgetEditor';
export { UndoEngine } from './undo-engine';
