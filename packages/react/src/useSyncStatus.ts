import { useMemo } from 'react';
import type { ConnectionState, DashboardSnapshot, SyncStatus } from '@pulseboard/client';
import { usePulseboardClient } from './context';
import { HandleLease } from './handle-lease';
import { emptyDashboardSnapshot } from './useDashboard';
import { useStoreSelector } from './use-store-selector';

/** Everything a sync indicator shows, in one object that changes only when a shown value does. */
export interface SyncStatusInfo {
  /** synced, pending, offline or error: the dashboard's own when an id is given. */
  status: SyncStatus;
  connection: ConnectionState;
  /** The socket is open (edits and data flow live). */
  live: boolean;
  /** Unconfirmed edits: of the dashboard when an id is given, else of the whole client. */
  pendingCount: number;
  /** Unconfirmed edits of the whole client (the offline queue). */
  queueLength: number;
  /** When the state last matched the server (ms since epoch). */
  lastSyncedAt: number | null;
  /** Heartbeat round trip (update latency: see `usePerformance`). */
  latencyMs: number | null;
  refreshing: boolean;
  httpFallback: boolean;
  lastError: { code: string; message: string } | null;
}

const NO_DASHBOARD = emptyDashboardSnapshot('');
const noDashboardStore = { subscribe: () => () => {}, getSnapshot: () => NO_DASHBOARD };

/**
 * The sync indicator's data, combining the connection, background sync and (with
 * `dashboardId`) one dashboard. Each store is read through a selector, so the indicator
 * re-renders only when a shown value changed.
 */
export function useSyncStatus(dashboardId?: string): SyncStatusInfo {
  const client = usePulseboardClient();
  const lease = useMemo(
    () => (dashboardId ? new HandleLease(() => client.dashboard(dashboardId), emptyDashboardSnapshot(dashboardId), () => client.peekDashboard(dashboardId)) : null),
    [client, dashboardId],
  );
  const connection = useStoreSelector(client.connection, (s) => ({ state: s.state, latencyMs: s.latencyMs, lastError: s.lastError }));
  const sync = useStoreSelector(client.sync, (s) => s);
  const dashboard = useStoreSelector<DashboardSnapshot, Pick<DashboardSnapshot, 'status' | 'pending' | 'lastSyncedAt' | 'loaded'>>(
    lease ?? noDashboardStore,
    (s) => ({ status: s.status, pending: s.pending, lastSyncedAt: s.lastSyncedAt, loaded: s.loaded }),
  );

  return useMemo(() => {
    const live = connection.state === 'open';
    const status: SyncStatus = lease
      ? dashboard.status
      : !live
        ? 'offline'
        : sync.queueLength > 0
          ? 'pending'
          : sync.lastError
            ? 'error'
            : 'synced';
    return {
      status,
      connection: connection.state,
      live,
      pendingCount: lease ? dashboard.pending.length : sync.queueLength,
      queueLength: sync.queueLength,
      lastSyncedAt: (lease ? dashboard.lastSyncedAt : null) ?? sync.lastSyncedAt,
      latencyMs: connection.latencyMs,
      refreshing: sync.refreshing,
      httpFallback: sync.httpFallback,
      lastError: connection.lastError ? { code: connection.lastError.code, message: connection.lastError.message } : sync.lastError,
    };
  }, [connection, sync, dashboard, lease]);
}
