import type { ConnectionSnapshot } from '@pulseboard/client';
import { usePulseboardClient, useStoreSelector } from '@pulseboard/react';
import { useOnline } from './useOnline';

/** Whether the first connection attempt is over: opened, failed, or past it already. */
export function firstConnectSettled(s: ConnectionSnapshot): boolean {
  return (s.state !== 'idle' && s.state !== 'connecting') || s.attempt > 0 || s.reconnects > 0;
}

/**
 * True once the client's first connection attempt has settled: the socket opened, or it
 * failed (offline, reconnecting, refused). Stays true through later reconnects.
 *
 * The dashboard list waits for it before its first read: until the socket has vouched for
 * the token, a read could only fail with a refused token, and the browser logs each failed
 * request as a console error.
 */
export function useFirstConnectSettled(): boolean {
  const { connection } = usePulseboardClient();
  return useStoreSelector(connection, firstConnectSettled);
}

/** Whether the client gave up connecting (offline, refused for good, closed). */
function gaveUp(state: ConnectionSnapshot['state']): boolean {
  return state === 'offline' || state === 'fatal' || state === 'closed';
}

const selectGaveUp = (s: ConnectionSnapshot) => gaveUp(s.state);

/** Whether no update can reach the page: the browser is offline or the client gave up. */
export function updatesPaused(state: ConnectionSnapshot['state'], online: boolean): boolean {
  return !online || gaveUp(state);
}

/**
 * True while no stream update can arrive. While merely reconnecting it stays false: the
 * client then polls streams over HTTP, so data may still be live. Every widget uses it, so
 * it selects only the yes/no: connecting → open re-renders no widget.
 */
export function useUpdatesPaused(): boolean {
  const { connection } = usePulseboardClient();
  const online = useOnline();
  const gaveUpNow = useStoreSelector(connection, selectGaveUp);
  return !online || gaveUpNow;
}
