import { useMemo } from 'react';
import { useWidgetData } from '@pulseboard/react';
import { parsePlaylists, PLAYLISTS_STREAM, type Playlist } from './playlists';
import { useFirstConnectSettled } from './useFirstConnectSettled';

/** The saved playlists, live (null until the stream is loaded). */
export function usePlaylists(): Playlist[] | null {
  // Held once the first connection settled: a stream held while the socket still connects is
  // also fetched over HTTP, a 404 (logged as a console error) while nothing was saved yet.
  const snapshot = useWidgetData(useFirstConnectSettled() ? PLAYLISTS_STREAM : null);
  return useMemo(() => (snapshot.loaded ? parsePlaylists(snapshot.latest) : null), [snapshot.loaded, snapshot.latest]);
}
