import { useEffect, useState } from 'react';
import type { PulseboardApi } from '@pulseboard/client';
import type { StreamSourceResponse, StreamSourceView } from '@pulseboard/protocol';
import { usePulseboardClient } from '@pulseboard/react';
import { useOnline } from './useOnline';

/** How often a widget that is not live asks which source feeds it and how that source is doing. */
export const STREAM_SOURCE_REFRESH_MS = 15_000;
/**
 * How long a widget must stay not live before it first asks: every widget is empty for the
 * moment between the page's load and its stream's first value, and asking then cost a page
 * of 40 widgets 40 requests racing its first values.
 */
export const STREAM_SOURCE_GRACE_MS = 2_000;

/** The source feeding a stream (GET /api/sources/for-stream/:key), or null when none does. */
async function sourceForStream(api: Pick<PulseboardApi, 'request'>, key: string): Promise<StreamSourceView | null> {
  return (await api.request<StreamSourceResponse>('GET', `/api/sources/for-stream/${encodeURIComponent(key)}`)).source;
}

/**
 * The pull source feeding `stream` (GET /api/sources/for-stream/:key), asked only once the
 * widget has been `active` (stale or empty: a live widget needs no excuse) for
 * STREAM_SOURCE_GRACE_MS while online, then every STREAM_SOURCE_REFRESH_MS; null when no
 * source feeds it or before the answer.
 */
export function useStreamSource(stream: string | undefined, active: boolean): StreamSourceView | null {
  const client = usePulseboardClient();
  const online = useOnline();
  const [source, setSource] = useState<StreamSourceView | null>(null);
  useEffect(() => {
    if (!stream || !active || !online) return;
    let live = true;
    const load = () =>
      sourceForStream(client, stream).then(
        (found) => live && setSource(found),
        () => {
          // The badge still shows the age without a reason.
        },
      );
    let timer: ReturnType<typeof setInterval> | undefined;
    const grace = setTimeout(() => {
      void load();
      timer = setInterval(load, STREAM_SOURCE_REFRESH_MS);
    }, STREAM_SOURCE_GRACE_MS);
    return () => {
      live = false;
      clearTimeout(grace);
      clearInterval(timer);
    };
  }, [stream, active, online, client]);
  return stream && active ? source : null;
}
