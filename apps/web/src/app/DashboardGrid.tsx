import { useCallback, useMemo, useRef, type KeyboardEvent } from 'react';
import { ReactGridLayout, useContainerWidth, type EventCallback, type LayoutItem } from 'react-grid-layout';
import type { Dashboard, Layout as ModelLayout } from '@pulseboard/model';
import type { PresenceEntry } from '@pulseboard/client';
import type { DashboardActions } from '@pulseboard/react';
import { GRID_MARGIN_PX, ROW_HEIGHT_PX, STACK_BELOW_PX, gridItems, keyEdit } from './grid-layout';
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
  actions: Pick<DashboardActions, 'moveWidget' | 'resizeWidget' | 'previewLayout' | 'commitLayout'>;
}

function toModel(item: LayoutItem): ModelLayout {
  return { x: item.x, y: item.y, w: item.w, h: item.h };
}

/**
 * The dashboard's widgets on a react-grid-layout grid driven by the model's layout. While
 * a widget is dragged or resized the grid previews it locally (and tells other viewers);
 * on drop exactly one mutation is committed: moveWidget or resizeWidget.
 */
export function DashboardGrid({ dashboard, editing, pendingWidgetIds, presence, selectedId, onSelect, actions }: DashboardGridProps) {
  const { width, containerRef, mounted } = useContainerWidth({ measureBeforeMount: true });
  const stacked = mounted && width < STACK_BELOW_PX;
  const canEdit = editing && !stacked;
  const lastPreview = useRef(0);

  const remoteByWidget = useMemo(() => {
    const map: Record<string, PresenceEntry> = {};
    for (const entry of Object.values(presence)) if (entry.widgetId) map[entry.widgetId] = entry;
    return map;
  }, [presence]);
  const overrides = useMemo(() => {
    const map: Record<string, ModelLayout> = {};
    for (const [id, entry] of Object.entries(remoteByWidget)) if (entry.layout && dashboard.widgets[id]) map[id] = entry.layout;
    return map;
  }, [remoteByWidget, dashboard.widgets]);
  const layout = useMemo(() => gridItems(dashboard.widgets, { stacked, overrides }), [dashboard.widgets, stacked, overrides]);

  const { moveWidget, resizeWidget, previewLayout, commitLayout } = actions;
  const widgets = dashboard.widgets;
  const onInteract: EventCallback = useCallback(
    (current, _old, item) => {
      if (!item) return;
      const now = performance.now();
      if (now - lastPreview.current < PREVIEW_INTERVAL_MS) return;
      lastPreview.current = now;
      const placed = current.find((l) => l.i === item.i) ?? item;
      previewLayout(item.i, toModel(placed));
    },
    [previewLayout],
  );
  // The client ends the preview and commits the drop as one move and/or resize (nothing
  // when the widget ended where it started).
  const onGestureStop: EventCallback = useCallback(
    (current, _old, item) => {
      if (!item) return;
      const placed = current.find((l) => l.i === item.i) ?? item;
      commitLayout(item.i, toModel(placed));
    },
    [commitLayout],
  );

  const columns = dashboard.columns;
  const onKey = useCallback(
    (event: KeyboardEvent<HTMLDivElement>, id: string) => {
      if (event.target !== event.currentTarget) return;
      const layout = widgets[id]?.layout;
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
    [widgets, columns, onSelect, moveWidget, resizeWidget],
  );

  const children = useMemo(
    () =>
      layout.map(({ i: id, x, y, w, h }) => {
        const widget = widgets[id]!;
        const pending = pendingWidgetIds.has(id);
        return (
          <div
            key={id}
            data-testid={`widget-${id}`}
            data-pending={pending ? 'true' : 'false'}
            data-title={widget.title}
            data-type={widget.type}
            data-layout={`${x},${y},${w},${h}`}
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
    [layout, widgets, pendingWidgetIds, canEdit, editing, selectedId, remoteByWidget, onSelect, onKey],
  );

  return (
    <div ref={containerRef} className={`pb-grid ${canEdit ? 'pb-editing' : ''}`} data-testid="dashboard-grid" data-editing={canEdit ? 'true' : 'false'}>
      {mounted ? (
        <ReactGridLayout
          layout={layout}
          width={width}
          gridConfig={{ cols: stacked ? 1 : dashboard.columns, rowHeight: ROW_HEIGHT_PX, margin: [GRID_MARGIN_PX, GRID_MARGIN_PX], containerPadding: [0, 0] }}
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
