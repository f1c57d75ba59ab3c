import { useCallback, useEffect, useMemo, type CSSProperties, type HTMLAttributes } from 'react';
import type { LayoutItem } from 'react-grid-layout';
import { breakpointColumns, breakpointForWidth, layoutsFor, type Breakpoint, type Dashboard, type Layout as ModelLayout } from '@pulseboard/model';
import type { PresenceEntry } from '@pulseboard/client';
import type { DashboardActions } from '@pulseboard/react';
import { GRID_MARGIN_PX, ROW_HEIGHT_PX, gridItems, type GridGeometry } from './grid-layout';
import { EditableGrid, preloadEditor } from './lazy-parts';
import { LoadBoundary } from './LoadBoundary';
import { presenceColour } from './presence-colour';
import { StaticGrid } from './StaticGrid';
import { useContainerWidth } from './useContainerWidth';
import { WidgetCell } from './WidgetCell';

/** Props of the grid. */
export interface DashboardGridProps {
  dashboard: Dashboard;
  /** This identity may edit the dashboard: the grid is the draggable one (loaded on demand). */
  mayEdit: boolean;
  editing: boolean;
  pendingWidgetIds: ReadonlySet<string>;
  presence: Readonly<Record<string, PresenceEntry>>;
  selectedId: string | null;
  onSelect: (id: string) => void;
  actions: Pick<DashboardActions, 'mutate' | 'previewLayout'>;
}

/**
 * The dashboard's widgets, laid out by the model's layout for the breakpoint the grid's width
 * falls in (lg/md/sm/xs; see the model's breakpoints.ts), with other viewers' drag previews
 * and selections. Someone who may edit gets the react-grid-layout grid (EditableGrid, its own
 * chunk; the static grid stands in while it loads); a viewer gets the static grid, which
 * places the widgets the same way without react-grid-layout's code.
 */
export function DashboardGrid({ dashboard, mayEdit, editing, pendingWidgetIds, presence, selectedId, onSelect, actions }: DashboardGridProps) {
  const { width, containerRef, mounted } = useContainerWidth();
  const breakpoint: Breakpoint = mounted ? breakpointForWidth(width) : 'lg';
  const columns = breakpointColumns(dashboard.columns, breakpoint);
  const dragging = editing && breakpoint !== 'xs';
  useEffect(() => {
    if (mayEdit) preloadEditor();
  }, [mayEdit]);

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

  // One widget's cell, the same in both grids; `style` places it (the static grid's) or is merged in (react-grid-layout's).
  const renderCell = useCallback(
    ({ i: id, x, y, w, h }: LayoutItem, extra: HTMLAttributes<HTMLDivElement>, place?: CSSProperties) => {
      const widget = widgets[id]!;
      const pending = pendingWidgetIds.has(id);
      const by = selectedBy[id];
      const outline: CSSProperties | undefined = by ? { outline: `3px solid ${presenceColour(by.clientId)}`, outlineOffset: 2, borderRadius: 8 } : undefined;
      return (
        <div
          key={id}
          className="pb-grid__item"
          data-testid={`widget-${id}`}
          data-pending={pending ? 'true' : 'false'}
          data-title={widget.title}
          data-type={widget.type}
          data-layout={`${x},${y},${w},${h}`}
          data-selected-by={by ? (by.name ?? by.clientId) : undefined}
          style={outline || place ? { ...place, ...outline } : undefined}
          {...extra}
        >
          <WidgetCell widget={widget} pending={pending} editing={editing} selected={editing && selectedId === id} remote={remoteByWidget[id]} onSelect={onSelect} />
        </div>
      );
    },
    [widgets, pendingWidgetIds, selectedBy, remoteByWidget, editing, selectedId, onSelect],
  );

  const geometry: GridGeometry = { cols: columns, width, rowHeight: ROW_HEIGHT_PX, margin: GRID_MARGIN_PX };
  const previewed = breakpoint === 'lg' ? Object.keys(overrides)[0] : undefined;
  const staticGrid = <StaticGrid layout={layout} geometry={geometry} priority={previewed} renderItem={(item, place) => renderCell(item, {}, place)} />;
  return (
    <div
      ref={containerRef}
      className={`pb-grid ${dragging ? 'pb-editing' : ''}`}
      data-testid="dashboard-grid"
      data-editing={dragging ? 'true' : 'false'}
      data-breakpoint={mounted ? breakpoint : ''}
      data-columns={columns}
    >
      {!mounted ? null : mayEdit ? (
        // While the editor's chunk loads (or if it cannot), the static grid shows the same widgets.
        <LoadBoundary fallback={staticGrid} failed={staticGrid}>
          <EditableGrid
            layout={layout}
            layouts={layouts}
            breakpoint={breakpoint}
            columns={columns}
            width={width}
            editing={editing}
            widgets={widgets}
            onSelect={onSelect}
            actions={actions}
            renderCell={renderCell}
          />
        </LoadBoundary>
      ) : (
        staticGrid
      )}
    </div>
  );
}
