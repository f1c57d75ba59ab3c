/** The editor's parts, loaded as one chunk through lazy-parts.ts: viewers and wallboards never fetch it. */
export { AddWidgetPicker } from './AddWidgetPicker';
export { EditableGrid } from './EditableGrid';
export { ShareDialog } from './ShareDialog';
export { WidgetEditor } from './WidgetEditor';
