import { useEffect, useState } from 'react';
import { listStreams, type ApiOptions, type StreamSummary } from './api';

/** The known streams (GET /api/streams), fetched once per mount; empty until loaded or on error. */
export function useStreamList(api: ApiOptions): StreamSummary[] {
  const [streams, setStreams] = useState<StreamSummary[]>([]);
  const { token, baseUrl } = api;
  useEffect(() => {
    const controller = new AbortController();
    listStreams({ token, ...(baseUrl ? { baseUrl } : {}), signal: controller.signal })
      .then((list) => setStreams([...list].sort((a, b) => a.key.localeCompare(b.key))))
      .catch(() => {
        // The list only helps typing; the field works without it.
      });
    return () => controller.abort();
  }, [token, baseUrl]);
  return streams;
}
