import { useMemo, useSyncExternalStore } from 'react';
import type { ConnectionSnapshot } from '@pulseboard/client';
import { usePulseboardClient } from './context';

/** The connection's state, last error, latency and retry schedule, plus `reconnectNow`. */
export interface WebSocketStatus extends ConnectionSnapshot {
  /** Skips the backoff wait (or leaves offline/fatal) and connects now. */
  reconnectNow: () => void;
}

/** The client's WebSocket connection (the seed plan's useWebSocket). */
export function useWebSocket(): WebSocketStatus {
  const { connection } = usePulseboardClient();
  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot, connection.getSnapshot);
  return useMemo(() => ({ ...snapshot, reconnectNow: () => connection.reconnectNow() }), [snapshot, connection]);
}
