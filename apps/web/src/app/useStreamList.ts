import { useEffect, useState } from 'react';
import { listStreams, type ApiOptions, type StreamSummary } from './api';
import { useOnline } from './useOnline';

/**
 * The known streams (GET /api/streams), fetched once per mount while online (and again on
 * coming back online); empty until loaded or on error. Not fetched offline: the request
 * could only fail, and the browser logs every failed request as a console error.
 */
export function useStreamList(api: ApiOptions): StreamSummary[] {
  const [streams, setStreams] = useState<StreamSummary[]>([]);
  const { token, baseUrl } = api;
  const online = useOnline();
  useEffect(() => {
    if (!online) return;
    const controller = new AbortController();
    listStreams({ token, ...(baseUrl ? { baseUrl } : {}), signal: controller.signal })
      .then((list) => setStreams([...list].sort((a, b) => a.key.localeCompare(b.key))))
      .catch(() => {
        // The list only helps typing; the field works without it.
      });
    return () => controller.abort();
  }, [token, baseUrl, online]);
  return streams;
}
