import { useCallback, useMemo, useRef, type KeyboardEvent } from 'react';
import { ReactGridLayout, useContainerWidth, type EventCallback, type LayoutItem } from 'react-grid-layout';
import { breakpointColumns, breakpointForWidth, layoutsFor, type Breakpoint, type Dashboard, type Layout as ModelLayout } from '@pulseboard/model';
import type { PresenceEntry } from '@pulseboard/client';
import type { DashboardActions } from '@pulseboard/react';
import { GRID_MARGIN_PX, ROW_HEIGHT_PX, gridItems, keyEdit } from './grid-layout';
import { PhoneLayoutControls } from './PhoneLayoutControls';
import { presenceColour } from './presence-colour';
import { WidgetCell } from './WidgetCell';

/** How often a drag in progress is shown to other viewers. */
export const PREVIEW_INTERVAL_MS = 80;

/** Props of the grid. */
export interface DashboardGridProps {
  dashboard: Dashboard;
  editing: boolean;
  pendingWidgetIds: ReadonlySet<string>;
  presence: Readonly<Record<string, PresenceEntry>>;
  selectedId: string | null;
  onSelect: (id: string) => void;
  actions: Pick<DashboardActions, 'mutate' | 'previewLayout'>;
}

function toModel(item: LayoutItem): ModelLayout {
  return { x: item.x, y: item.y, w: item.w, h: item.h };
}

/**
 * The dashboard's widgets on a react-grid-layout grid driven by the model's layout for the
 * breakpoint the grid's width falls in (lg/md/sm/xs; see the model's breakpoints.ts). While
 * a widget is dragged or resized the grid previews it locally (and tells other viewers);
 * on drop exactly one mutation is committed: moveWidget or resizeWidget, for that breakpoint.
 * On a phone (xs) dragging is off; the phone layout bar moves and resizes with buttons.
 */
export function DashboardGrid({ dashboard, editing, pendingWidgetIds, presence, selectedId, onSelect, actions }: DashboardGridProps) {
  const { width, containerRef, mounted } = useContainerWidth({ measureBeforeMount: true });
  const breakpoint: Breakpoint = mounted ? breakpointForWidth(width) : 'lg';
  const columns = breakpointColumns(dashboard.columns, breakpoint);
  const phone = breakpoint === 'xs';
  const canEdit = editing && !phone;
  const lastPreview = useRef(0);

  const remoteByWidget = useMemo(() => {
    const map: Record<string, PresenceEntry> = {};
    for (const entry of Object.values(presence)) if (entry.widgetId) map[entry.widgetId] = entry;
    return map;
  }, [presence]);
  // The widget each other editor has selected, outlined in their colour.
  const selectedBy = useMemo(() => {
    const map: Record<string, PresenceEntry> = {};
    for (const entry of Object.values(presence)) if (entry.editing && entry.selectedId) map[entry.selectedId] = entry;
    return map;
  }, [presence]);
  const overrides = useMemo(() => {
    const map: Record<string, ModelLayout> = {};
    for (const [id, entry] of Object.entries(remoteByWidget)) if (entry.layout && dashboard.widgets[id]) map[id] = entry.layout;
    return map;
  }, [remoteByWidget, dashboard.widgets]);
  const { widgets, columns: lgColumns, layouts: stored } = dashboard;
  const layouts = useMemo(() => layoutsFor({ widgets, columns: lgColumns, ...(stored ? { layouts: stored } : {}) }, breakpoint), [widgets, lgColumns, stored, breakpoint]);
  // Remote drag previews are in lg coordinates.
  const layout = useMemo(() => gridItems(layouts, breakpoint === 'lg' ? overrides : undefined), [layouts, breakpoint, overrides]);

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
      layout.map(({ i: id, x, y, w, h }) => {
        const widget = widgets[id]!;
        const pending = pendingWidgetIds.has(id);
        const by = selectedBy[id];
        return (
          <div
            key={id}
            data-testid={`widget-${id}`}
            data-pending={pending ? 'true' : 'false'}
            data-title={widget.title}
            data-type={widget.type}
            data-layout={`${x},${y},${w},${h}`}
            data-selected-by={by ? (by.name ?? by.clientId) : undefined}
            style={by ? { outline: `3px solid ${presenceColour(by.clientId)}`, outlineOffset: 2, borderRadius: 8 } : undefined}
            onDoubleClick={canEdit ? () => onSelect(id) : undefined}
            tabIndex={canEdit ? 0 : undefined}
            aria-keyshortcuts={canEdit ? 'ArrowLeft ArrowRight ArrowUp ArrowDown Shift+ArrowRight Shift+ArrowDown Enter' : undefined}
            title={canEdit ? 'Drag the header to move, the corner to resize. Focused: arrows move, Shift+arrows resize, Enter edits.' : undefined}
            onKeyDown={canEdit ? (e) => onKey(e, id) : undefined}
          >
            <WidgetCell widget={widget} pending={pending} editing={editing} selected={editing && selectedId === id} remote={remoteByWidget[id]} onSelect={onSelect} />
          </div>
        );
      }),
    [layout, widgets, pendingWidgetIds, canEdit, editing, selectedId, remoteByWidget, selectedBy, onSelect, onKey],
  );

  return (
    <div
      ref={containerRef}
      className={`pb-grid ${canEdit ? 'pb-editing' : ''}`}
      data-testid="dashboard-grid"
      data-editing={canEdit ? 'true' : 'false'}
      data-breakpoint={mounted ? breakpoint : ''}
      data-columns={columns}
    >
      {mounted && editing && phone ? (
        <PhoneLayoutControls layouts={layouts} columns={columns} titles={widgets} moveWidget={moveWidget} resizeWidget={resizeWidget} />
      ) : null}
      {mounted ? (
        <ReactGridLayout
          layout={layout}
          width={width}
          gridConfig={{ cols: columns, rowHeight: ROW_HEIGHT_PX, margin: [GRID_MARGIN_PX, GRID_MARGIN_PX], containerPadding: [0, 0] }}
          dragConfig={{ enabled: canEdit, handle: '.pb-widget__header', cancel: '.pb-no-drag, button, input, a' }}
          resizeConfig={{ enabled: canEdit, handles: ['se'] }}
          onDrag={onInteract}
          onResize={onInteract}
          onDragStop={onGestureStop}
          onResizeStop={onGestureStop}
        >
          {children}
        </ReactGridLayout>
      ) : null}
    </div>
  );
}
