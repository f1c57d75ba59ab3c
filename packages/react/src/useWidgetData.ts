import { useMemo, useSyncExternalStore } from 'react';
import type { PulseboardClient, StreamHandle, StreamSnapshot } from '@pulseboard/client';
import { usePulseboardClient } from './context';
import { HandleLease } from './handle-lease';

/** A stream snapshot with nothing in it: what a widget without a stream (or before loading) reads. */
export function emptyStreamSnapshot(key: string): StreamSnapshot {
  return Object.freeze({
    key,
    latest: null,
    latestTs: null,
    history: Object.freeze([]),
    lastUpdatedAt: null,
    offset: 0,
    epoch: null,
    loaded: false,
  });
}

const NO_STREAM = emptyStreamSnapshot('');
const noSubscribe = () => () => {};
const noSnapshot = () => NO_STREAM;

function streamLease(client: PulseboardClient, key: string): HandleLease<StreamHandle, StreamSnapshot> {
  return new HandleLease(() => client.stream(key), emptyStreamSnapshot(key), () => client.peekStream(key));
}

/**
 * The live data of one stream (latest value, history, when it last changed), for a
 * widget. Subscribes while mounted; with no `stream` it subscribes to nothing and returns
 * an empty snapshot. Several widgets on one stream share one subscription in the client.
 */
export function useWidgetData(stream: string | null | undefined): StreamSnapshot {
  const client = usePulseboardClient();
  const lease = useMemo(() => (stream ? streamLease(client, stream) : null), [client, stream]);
  return useSyncExternalStore(lease?.subscribe ?? noSubscribe, lease?.getSnapshot ?? noSnapshot, lease?.getSnapshot ?? noSnapshot);
}
