import { useMemo, useSyncExternalStore } from 'react';
import type { BackgroundSyncSnapshot } from '@pulseboard/client';
import { usePulseboardClient } from './context';

/** Background refresh status, last sync time, offline queue length, plus `refreshNow`. */
export interface BackgroundSyncStatus extends BackgroundSyncSnapshot {
  /** Refreshes every dashboard and stream in use over HTTP now. */
  refreshNow: () => Promise<void>;
}

/** The client's background sync (the seed plan's useBackgroundSync). */
export function useBackgroundSync(): BackgroundSyncStatus {
  const { sync } = usePulseboardClient();
  const snapshot = useSyncExternalStore(sync.subscribe, sync.getSnapshot, sync.getSnapshot);
  return useMemo(() => ({ ...snapshot, refreshNow: () => sync.refreshNow() }), [snapshot, sync]);
}
