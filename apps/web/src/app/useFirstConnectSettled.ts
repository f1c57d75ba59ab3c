import type { ConnectionSnapshot } from '@pulseboard/client';
import { usePulseboardClient, useStoreSelector } from '@pulseboard/react';

/** Whether the first connection attempt is over: opened, failed, or past it already. */
export function firstConnectSettled(s: ConnectionSnapshot): boolean {
  return (s.state !== 'idle' && s.state !== 'connecting') || s.attempt > 0 || s.reconnects > 0;
}

/**
 * True once the client's first connection attempt has settled: the socket opened, or it
 * failed (offline, reconnecting, refused). Stays true through later reconnects.
 *
 * Widgets wait for it before holding their stream: a stream held while the socket is
 * still connecting is also fetched over HTTP, and for a stream nothing was pushed to yet
 * that fetch is a 404, which the browser logs as a console error on every page load.
 * Once the socket failed, holding the stream is what lets the HTTP fallback feed it.
 */
export function useFirstConnectSettled(): boolean {
  const { connection } = usePulseboardClient();
  return useStoreSelector(connection, firstConnectSettled);
}
