import type { PointValue } from './schema.js';

/**
 * The latest value of a stream after `next` arrives. Numbers replace; objects merge into
 * the previous object (the way Smashing merges widget data), so `{status: "ok"}` keeps
 * the other keys of the last push.
 */
export function mergePointValue(previous: PointValue | undefined, next: PointValue): PointValue {
  if (typeof next === 'number' || previous === undefined || typeof previous === 'number') return next;
  return { ...previous, ...next };
}
