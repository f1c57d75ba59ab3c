import { useMemo, useSyncExternalStore } from 'react';
import type { DashboardHandle, DashboardHandleOptions, DashboardSnapshot, PulseboardClient } from '@pulseboard/client';
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

/** A lease on one dashboard handle of `client`; stable for a (client, id, options.streams). */
export function useDashboardLease(client: PulseboardClient, id: string, options: DashboardHandleOptions = {}): HandleLease<DashboardHandle, DashboardSnapshot> {
  const streams = options.streams ?? false;
  return useMemo(() => new HandleLease(() => client.dashboard(id, { streams }), emptyDashboardSnapshot(id), () => client.peekDashboard(id)), [client, id, streams]);
}

/**
 * One dashboard's live snapshot: `view` (confirmed state with this client's pending edits
 * applied), `confirmed`, `pending`, `notices`, `presence`, `status`, `loaded`, `error`,
 * `lastSyncedAt`. Subscribes while mounted; read-only (see `useRealtimeUpdates` to edit).
 * `{ streams: true }` also subscribes its widgets' streams as soon as the document is known
 * (see `DashboardHandleOptions`), for a page that renders every widget.
 */
export function useDashboard(id: string, options?: DashboardHandleOptions): DashboardSnapshot {
  const lease = useDashboardLease(usePulseboardClient(), id, options);
  return useSyncExternalStore(lease.subscribe, lease.getSnapshot, lease.getSnapshot);
}
