/**
 * How far ahead of the server's clock a point's `ts` may lie, for HTTP and WebSocket alike.
 * History is trimmed by age relative to the newest point, so one point far in the future (a
 * timestamp in microseconds, say) would wipe a stream's whole history: such a point is refused.
 */
export const MAX_FUTURE_TS_MS = 24 * 60 * 60 * 1000;

/** What a refused `ts` is told, after the field name. */
export const FUTURE_TS_MESSAGE = 'lies more than 24 hours in the future; send milliseconds since 1970 (or leave ts out for "now")';

/** True when `ts` lies more than MAX_FUTURE_TS_MS after `now`. */
export function isTooFarAhead(ts: number, now = Date.now()): boolean {
  return ts > now + MAX_FUTURE_TS_MS;
}
