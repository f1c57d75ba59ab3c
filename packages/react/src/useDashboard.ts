import { useMemo, useSyncExternalStore } from 'react';
import type { DashboardHandle, DashboardSnapshot, PulseboardClient } from '@pulseboard/client';
import { usePulseboardClient } from './context';
import { HandleLease } from './handle-lease';

/** What a dashboard hook reads before its handle is subscribed (one commit at most). */
export function emptyDashboardSnapshot(id: string): DashboardSnapshot {
  return Object.freeze({
    id,
    confirmed: null,
    view: null,
    pending: Object.freeze([]),
    notices: Object.freeze([]),
    presence: Object.freeze({}),
    status: 'synced',
    loaded: false,
    error: null,
    lastSyncedAt: null,
  });
}

/** A lease on one dashboard handle of `client`; stable for a (client, id) pair. */
export function useDashboardLease(client: PulseboardClient, id: string): HandleLease<DashboardHandle, DashboardSnapshot> {
  return useMemo(() => new HandleLease(() => client.dashboard(id), emptyDashboardSnapshot(id)), [client, id]);
}

/**
 * One dashboard's live snapshot: `view` (confirmed state with this client's pending edits
 * applied), `confirmed`, `pending`, `notices`, `presence`, `status`, `loaded`, `error`,
 * `lastSyncedAt`. Subscribes while mounted; read-only (see `useRealtimeUpdates` to edit).
 */
export function useDashboard(id: string): DashboardSnapshot {
  const lease = useDashboardLease(usePulseboardClient(), id);
  return useSyncExternalStore(lease.subscribe, lease.getSnapshot, lease.getSnapshot);
}
