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
 * Widgets wait for it before holding their stream: a stream held while the socket is
 * still connecting is also fetched over HTTP, and for a stream nothing was pushed to yet
 * that fetch is a 404, which the browser logs as a console error on every page load.
 * Once the socket failed, holding the stream is what lets the HTTP fallback feed it.
 */
export function useFirstConnectSettled(): boolean {
  const { connection } = usePulseboardClient();
  return useStoreSelector(connection, firstConnectSettled);
}

const selectState = (s: ConnectionSnapshot) => s.state;

/** Whether no update can reach the page: the browser is offline or the client gave up. */
export function updatesPaused(state: ConnectionSnapshot['state'], online: boolean): boolean {
  return !online || state === 'offline' || state === 'fatal' || state === 'closed';
}

/**
 * True while no stream update can arrive. While merely reconnecting it stays false: the
 * client then polls streams over HTTP, so data may still be live.
 */
export function useUpdatesPaused(): boolean {
  const { connection } = usePulseboardClient();
  const online = useOnline();
  const state = useStoreSelector(connection, selectState);
  return updatesPaused(state, online);
}
