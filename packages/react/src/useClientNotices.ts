import { useSyncExternalStore } from 'react';
import type { SyncNotice } from '@pulseboard/client';
import { usePulseboardClient } from './context';

/** What `useClientNotices` gives: the client's own notices and a way to dismiss one. */
export interface ClientNotices {
  notices: readonly SyncNotice[];
  dismiss: (id: string) => void;
}

/**
 * Notices about edits of dashboards no handle holds (e.g. an edit refused while the page
 * was reloading, reported with the server's reason); a held dashboard's own notices are in
 * `useRealtimeUpdates`/`useDashboard`.
 */
export function useClientNotices(): ClientNotices {
  const { notices: store } = usePulseboardClient();
  const notices = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  return { notices, dismiss: store.dismiss };
}
