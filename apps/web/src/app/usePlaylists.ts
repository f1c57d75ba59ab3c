import { useMemo } from 'react';
import { useWidgetData } from '@pulseboard/react';
import { parsePlaylists, PLAYLISTS_STREAM, type Playlist } from './playlists';
import { useFirstConnectSettled } from './useFirstConnectSettled';

/**
 * The saved playlists, live (null until the stream is loaded, or when `enabled` is false:
 * an identity that may not read the stream would only get refusals, each a console error).
 */
export function usePlaylists(enabled = true): Playlist[] | null {
  // Held once the first connection settled: a stream held while the socket still connects is
  // also fetched over HTTP, a 404 (logged as a console error) while nothing was saved yet.
  const snapshot = useWidgetData(useFirstConnectSettled() && enabled ? PLAYLISTS_STREAM : null);
  return useMemo(() => (snapshot.loaded ? parsePlaylists(snapshot.latest) : null), [snapshot.loaded, snapshot.latest]);
}
