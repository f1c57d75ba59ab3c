import { useCallback, useMemo, useRef, type HTMLAttributes, type KeyboardEvent, type ReactElement } from 'react';
import { ReactGridLayout, type EventCallback, type LayoutItem } from 'react-grid-layout';
import type { Breakpoint, Layout as ModelLayout, Widget } from '@pulseboard/model';
import type { DashboardActions } from '@pulseboard/react';
import { keyEdit } from './grid-keyboard';
import { GRID_MARGIN_PX, ROW_HEIGHT_PX } from './grid-layout';
import { PhoneLayoutControls } from './PhoneLayoutControls';

/** How often a drag in progress is shown to other viewers. */
export const PREVIEW_INTERVAL_MS = 80;

/** Props of the editable grid: what DashboardGrid measured and worked out, and the edit actions. */
export interface EditableGridProps {
  /** The grid items (the breakpoint's layout, remote previews applied). */
  layout: readonly LayoutItem[];
  /** The breakpoint's own layout (widget id → layout), before previews. */
  layouts: Readonly<Record<string, ModelLayout>>;
  breakpoint: Breakpoint;
  columns: number;
  width: number;
  /** Edit mode is on (on a phone the phone layout bar edits; nothing drags). */
  editing: boolean;
  widgets: Readonly<Record<string, Widget>>;
  onSelect: (id: string) => void;
  actions: Pick<DashboardActions, 'mutate' | 'previewLayout'>;
  /** The cell of one widget (DashboardGrid's), with the extra attributes edit mode gives it. */
  renderCell: (item: LayoutItem, extra: HTMLAttributes<HTMLDivElement>) => ReactElement;
}

function toModel(item: LayoutItem): ModelLayout {
  return { x: item.x, y: item.y, w: item.w, h: item.h };
}

/**
 * The grid of someone who may edit: react-grid-layout, always (so toggling edit mode never
 * remounts the widgets), draggable only in edit mode. While a widget is dragged or resized
 * the grid previews it locally (and tells other viewers); on drop exactly one mutation is
 * committed for that breakpoint. On a phone (xs) dragging is off; the phone layout bar moves
 * and resizes with buttons.
 */
export function EditableGrid({ layout, layouts, breakpoint, columns, width, editing, widgets, onSelect, actions, renderCell }: EditableGridProps) {
  const phone = breakpoint === 'xs';
  const canDrag = editing && !phone;
  const lastPreview = useRef(0);
  const { mutate, previewLayout } = actions;
  const at = breakpoint === 'lg' ? {} : { breakpoint };
  const moveWidget = useCallback((id: string, x: number, y: number) => mutate('moveWidget', { id, x, y, ...at }), [mutate, breakpoint]); // eslint-disable-line react-hooks/exhaustive-deps
  const resizeWidget = useCallback((id: string, w: number, h: number) => mutate('resizeWidget', { id, w, h, ...at }), [mutate, breakpoint]); // eslint-disable-line react-hooks/exhaustive-deps
  const onInteract: EventCallback = useCallback(
    (current, _old, item) => {
      if (!item) return;
      const now = performance.now();
      if (now - lastPreview.current < PREVIEW_INTERVAL_MS) return;
      lastPreview.current = now;
      const placed = current.find((l) => l.i === item.i) ?? item;
      // Previews are in lg coordinates (the model's own layout); other breakpoints preview locally only.
      if (breakpoint === 'lg') previewLayout(item.i, toModel(placed));
    },
    [previewLayout, breakpoint],
  );
  // The drop ends the preview and commits one mutation (nothing when the widget ended where it started).
  const onGestureStop: EventCallback = useCallback(
    (current, old, item) => {
      if (!item) return;
      const placed = current.find((l) => l.i === item.i) ?? item;
      previewLayout(item.i, null);
      // Compare with the item as it was when the gesture started: the view already shows the preview.
      const before = old ?? layouts[item.i];
      const layout = toModel(placed);
      // One setLayout for the whole gesture (a corner drag may change position and size).
      if (before && (before.x !== layout.x || before.y !== layout.y || before.w !== layout.w || before.h !== layout.h)) {
        mutate('setLayout', { id: item.i, layout, ...(breakpoint === 'lg' ? {} : { breakpoint }) });
      }
    },
    [layouts, mutate, previewLayout, breakpoint],
  );

  const onKey = useCallback(
    (event: KeyboardEvent<HTMLDivElement>, id: string) => {
      if (event.target !== event.currentTarget) return;
      const layout = layouts[id];
      if (!layout) return;
      if (event.key === 'Enter') {
        event.preventDefault();
        onSelect(id);
        return;
      }
      const edit = keyEdit(event.key, event.shiftKey, layout, columns);
      if (!edit) return;
      event.preventDefault();
      if (edit.kind === 'move') moveWidget(id, edit.x, edit.y);
      else resizeWidget(id, edit.w, edit.h);
    },
    [layouts, columns, onSelect, moveWidget, resizeWidget],
  );

  const children = useMemo(
    () =>
      layout.map((item) =>
        renderCell(
          item,
          canDrag
            ? {
                onDoubleClick: () => onSelect(item.i),
                tabIndex: 0,
                'aria-keyshortcuts': 'ArrowLeft ArrowRight ArrowUp ArrowDown Shift+ArrowRight Shift+ArrowDown Enter',
                title: 'Drag the header to move, the corner to resize. Focused: arrows move, Shift+arrows resize, Enter edits.',
                onKeyDown: (e) => onKey(e, item.i),
              }
            : {},
        ),
      ),
    [layout, renderCell, canDrag, onSelect, onKey],
  );

  return (
    <>
      {editing && phone ? <PhoneLayoutControls layouts={layouts} columns={columns} titles={widgets} moveWidget={moveWidget} resizeWidget={resizeWidget} /> : null}
      <ReactGridLayout
        layout={layout as LayoutItem[]}
        width={width}
        gridConfig={{ cols: columns, rowHeight: ROW_HEIGHT_PX, margin: [GRID_MARGIN_PX, GRID_MARGIN_PX], containerPadding: [0, 0] }}
        dragConfig={{ enabled: canDrag, handle: '.pb-widget__header', cancel: '.pb-no-drag, button, input, a' }}
        resizeConfig={{ enabled: canDrag, handles: ['se'] }}
        onDrag={onInteract}
        onResize={onInteract}
        onDragStop={onGestureStop}
        onResizeStop={onGestureStop}
      >
        {children}
      </ReactGridLayout>
    </>
  );
}
