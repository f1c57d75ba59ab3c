import { isStreamTopic, slimDashboardData, type DashboardEventData } from '@pulseboard/protocol';
import type { StoredEvent } from '../storage/storage.js';

/** Wire forms already computed, per event object: the hub, the cache and replays share one. */
const frames = new WeakMap<StoredEvent, string>();
const rows = new WeakMap<StoredEvent, string>();
/** Rows with their times counted from a `ts-base` (one base per server process). */
const rowsAfterBase = new WeakMap<StoredEvent, { tsBase: number; row: string }>();

/** The wire form of a stored event (`{"type":"event",…}`), serialised once per event object. */
export function serializeEvent(event: StoredEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = JSON.stringify({ type: 'event', topic: event.topic, epoch: event.epoch, offset: event.offset, ts: event.ts, data: event.data });
    frames.set(event, frame);
  }
  return frame;
}

/**
 * The `event-rows` form of a stored event: `[ts,value]` for a stream point (its own `ts`
 * appended when it differs from the commit `ts`), `[ts,data]` for a dashboard event (slimmed,
 * see `slimDashboardData` in @pulseboard/protocol). The
 * offset is not in the row: rows of an `events` message have consecutive offsets from the
 * message's `offset`. With `tsBase` (`ts-base`), its times are milliseconds after it.
 * Serialised once per event object (and base).
 */
export function serializeEventRow(event: StoredEvent, tsBase = 0): string {
  if (tsBase !== 0) {
    const cached = rowsAfterBase.get(event);
    if (cached?.tsBase === tsBase) return cached.row;
    const row = encodeRow(event, tsBase);
    rowsAfterBase.set(event, { tsBase, row });
    return row;
  }
  let row = rows.get(event);
  if (row === undefined) {
    row = encodeRow(event, 0);
    rows.set(event, row);
  }
  return row;
}

function encodeRow(event: StoredEvent, tsBase: number): string {
  const data = event.data;
  if (isStreamTopic(event.topic) && 'value' in data && !('kind' in data)) {
    const tail = data.ts === event.ts ? '' : `,${data.ts - tsBase}`;
    return `[${event.ts - tsBase},${JSON.stringify(data.value)}${tail}]`;
  }
  return `[${event.ts - tsBase},${JSON.stringify(slimDashboardData(data as DashboardEventData))}]`;
}

/** The start of an `events` message whose first row is `event`; rows, then `]}` follow. */
export function eventRowsHeader(event: StoredEvent): string {
  return `{"type":"events","topic":${JSON.stringify(event.topic)},"epoch":${JSON.stringify(event.epoch)},"offset":${event.offset},"rows":[`;
}

/** The start of a `topic-ids` compact message whose first row is at `offset`; rows, then `]` follow. */
export function topicIdRowsHeader(id: number, offset: number): string {
  return `[${id},${offset},`;
}
