import { useMemo, useSyncExternalStore } from 'react';
import type { Dashboard, Layout, MutatorArgs, MutatorName } from '@pulseboard/model';
import type {
  DashboardHandle,
  DashboardHandleOptions,
  DashboardMetaChanges,
  DashboardSnapshot,
  EditOptions,
  PendingMutation,
  WidgetChanges,
  WidgetInput,
} from '@pulseboard/client';
import { usePulseboardClient } from './context';
import type { HandleLease } from './handle-lease';
import { useDashboardLease } from './useDashboard';

/** The edit functions of a dashboard; each is optimistic and returns the mutationId (null when not mounted). */
export interface DashboardActions {
  mutate<N extends MutatorName>(name: N, args: MutatorArgs<N>, options?: EditOptions): number | null;
  addWidget(widget: WidgetInput): number | null;
  moveWidget(id: string, x: number, y: number, options?: EditOptions): number | null;
  resizeWidget(id: string, w: number, h: number, options?: EditOptions): number | null;
  updateWidget(id: string, set: WidgetChanges, options?: EditOptions): number | null;
  removeWidget(id: string, options?: EditOptions): number | null;
  setMeta(set: DashboardMetaChanges, options?: EditOptions): number | null;
  previewLayout(widgetId: string, layout: Layout | null): void;
  commitLayout(widgetId: string, layout: Layout): number | null;
  /** Announces this viewer (editing, selected widget) to the others; see DashboardHandle. */
  setPresence(state: { editing: boolean; selectedId: string | null }): void;
  dismissNotice(noticeId: string): void;
  retry(noticeId: string): number | null;
}

/** A dashboard with its optimistic state, pending and conflict information, and edit functions. */
export interface RealtimeUpdates extends DashboardActions {
  /** What to render: the confirmed state with pending edits (and drag previews) applied. */
  dashboard: Dashboard | null;
  snapshot: DashboardSnapshot;
  pendingCount: number;
  /** Widgets that an unconfirmed edit of this client touches. */
  pendingWidgetIds: ReadonlySet<string>;
}

/** The widget a pending mutation is about, if any. */
export function widgetIdOf(mutation: Pick<PendingMutation, 'name' | 'args'>): string | null {
  const args = mutation.args as { id?: unknown; widget?: { id?: unknown } } | null;
  if (!args || typeof args !== 'object') return null;
  if (typeof args.id === 'string') return args.id;
  if (args.widget && typeof args.widget.id === 'string') return args.widget.id;
  return null;
}

function bindActions(lease: HandleLease<DashboardHandle, DashboardSnapshot>): DashboardActions {
  // Edits go to whichever handle the lease holds now; before mount there is none (null).
  const h = () => lease.current;
  return {
    mutate: (name, args, options) => h()?.mutate(name, args, options) ?? null,
    addWidget: (widget) => h()?.addWidget(widget) ?? null,
    moveWidget: (id, x, y, options) => h()?.moveWidget(id, x, y, options) ?? null,
    resizeWidget: (id, w, hh, options) => h()?.resizeWidget(id, w, hh, options) ?? null,
    updateWidget: (id, set, options) => h()?.updateWidget(id, set, options) ?? null,
    removeWidget: (id, options) => h()?.removeWidget(id, options) ?? null,
    setMeta: (set, options) => h()?.setMeta(set, options) ?? null,
    previewLayout: (widgetId, layout) => h()?.previewLayout(widgetId, layout),
    commitLayout: (widgetId, layout) => h()?.commitLayout(widgetId, layout) ?? null,
    setPresence: (state) => h()?.setPresence(state),
    dismissNotice: (noticeId) => h()?.dismissNotice(noticeId),
    retry: (noticeId) => h()?.retry(noticeId) ?? null,
  };
}

/**
 * Live, optimistic editing of one dashboard (the seed plan's useRealtimeUpdates): the
 * dashboard as it should be shown, pending edits, notices about rejected or overwritten
 * edits, and stable edit functions. `options.streams`: see `useDashboard`.
 */
export function useRealtimeUpdates(dashboardId: string, options?: DashboardHandleOptions): RealtimeUpdates {
  const lease = useDashboardLease(usePulseboardClient(), dashboardId, options);
  const snapshot = useSyncExternalStore(lease.subscribe, lease.getSnapshot, lease.getSnapshot);
  const actions = useMemo(() => bindActions(lease), [lease]);
  const pendingWidgetIds = useMemo(() => {
    const ids = new Set<string>();
    for (const mutation of snapshot.pending) {
      const id = widgetIdOf(mutation);
      if (id) ids.add(id);
    }
    return ids;
  }, [snapshot.pending]);
  return useMemo(
    () => ({ ...actions, dashboard: snapshot.view, snapshot, pendingCount: snapshot.pending.length, pendingWidgetIds }),
    [actions, snapshot, pendingWidgetIds],
  );
}
