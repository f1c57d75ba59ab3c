import { useEffect, useState } from 'react';
import type { StreamSummary } from '@pulseboard/protocol';
import { usePulseboardClient } from '@pulseboard/react';
import { useOnline } from './useOnline';

/**
 * The known streams (GET /api/streams), fetched once per mount while online (and again on
 * coming back online); empty until loaded or on error. Not fetched offline: the request
 * could only fail, and the browser logs every failed request as a console error.
 */
export function useStreamList(): StreamSummary[] {
  const [streams, setStreams] = useState<StreamSummary[]>([]);
  const client = usePulseboardClient();
  const online = useOnline();
  useEffect(() => {
    if (!online) return;
    let live = true;
    client.streams
      .list()
      .then((list) => {
        if (live) setStreams([...list].sort((a, b) => a.key.localeCompare(b.key)));
      })
      .catch(() => {
        // The list only helps typing; the field works without it.
      });
    return () => {
      live = false;
    };
  }, [client, online]);
  return streams;
}
