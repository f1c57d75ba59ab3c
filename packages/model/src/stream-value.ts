import { checkJsonBounds } from './json-bounds.js';
import { MAX_POINT_VALUE_BYTES } from './limits.js';
import type { PointValue } from './schema.js';

/**
 * The latest value of a stream after `next` arrives. Numbers replace; objects merge into
 * the previous object (the way Smashing merges widget data), so `{status: "ok"}` keeps
 * the other keys of the last push. A merge that would grow the latest value past
 * MAX_POINT_VALUE_BYTES replaces it instead, so pushing new keys cannot grow it without bound.
 */
export function mergePointValue(previous: PointValue | undefined, next: PointValue): PointValue {
  if (typeof next === 'number' || previous === undefined || typeof previous === 'number') return next;
  const merged = { ...previous, ...next };
  return checkJsonBounds(merged, { maxDepth: Number.POSITIVE_INFINITY, maxBytes: MAX_POINT_VALUE_BYTES }) ? next : merged;
}
