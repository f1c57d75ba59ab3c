import type { StoredEvent } from '../storage/storage.js';

/** Wire forms already computed, per event object: the hub, the cache and replays share one. */
const frames = new WeakMap<StoredEvent, string>();

/** The wire form of a stored event (`{"type":"event",…}`), serialised once per event object. */
export function serializeEvent(event: StoredEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = JSON.stringify({ type: 'event', topic: event.topic, epoch: event.epoch, offset: event.offset, ts: event.ts, data: event.data });
    frames.set(event, frame);
  }
  return frame;
}
