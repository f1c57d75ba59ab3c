/** Picking numbers out of a widget's points: a field path, the numeric series, the change against the previous point. */
import type { PointValue, WidgetOptions } from '@pulseboard/model';
import type { WidgetData } from './widget-data';
import { stringOption, toFiniteNumber } from './widget-options';

/** Keys tried, in order, when an object value is read as a number and no `field` is set. */
export const DEFAULT_VALUE_FIELDS = ['value', 'current'] as const;

/** Reads `path` ("a.b.c") from an object; undefined when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * The number a point stands for: the number itself, or for an object its `field`
 * (a dotted path), else its `value` or `current` key. Null when there is none.
 */
export function pickNumber(value: PointValue | null | undefined, field?: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (field) return toFiniteNumber(readPath(value, field)) ?? null;
  for (const key of DEFAULT_VALUE_FIELDS) {
    const n = toFiniteNumber(value[key]);
    if (n !== undefined) return n;
  }
  return null;
}

/** The `field` option of a widget, if set. */
export function fieldOption(options: WidgetOptions): string | undefined {
  return stringOption(options, 'field');
}

/** The numeric series of a widget's history for one field, oldest first, points without a number skipped. */
export function numericHistory(data: WidgetData, field?: string): Array<{ ts: number; value: number }> {
  const out: Array<{ ts: number; value: number }> = [];
  for (const p of data.history) {
    const n = pickNumber(p.value, field);
    if (n !== null) out.push({ ts: p.ts, value: n });
  }
  return out;
}

/** Change of the latest value against the previous one. */
export interface ValueChange {
  current: number;
  previous: number;
  delta: number;
  /** delta / |previous|, or null when previous is 0. */
  ratio: number | null;
  direction: 'up' | 'down' | 'flat';
}

/**
 * The change of the latest value against the point before it in history; for a Smashing
 * style object without history, against its `last` key. Null when there is no previous.
 */
export function computeChange(data: WidgetData, field?: string): ValueChange | null {
  const current = pickNumber(data.latest, field);
  if (current === null) return null;
  let previous: number | null = null;
  // The last two numeric points, looked for from the end: this runs on every update of every
  // stat widget, and a long history would be walked whole for two points.
  let last: { ts: number; value: number } | undefined;
  let beforeLast: number | null = null;
  for (let i = data.history.length - 1; i >= 0; i--) {
    const point = data.history[i]!;
    const n = pickNumber(point.value, field);
    if (n === null) continue;
    if (last === undefined) last = { ts: point.ts, value: n };
    else {
      beforeLast = n;
      break;
    }
  }
  if (beforeLast !== null && last !== undefined && (data.latestTs === null || last.ts >= data.latestTs)) {
    previous = beforeLast;
  } else if (last !== undefined && data.latestTs !== null && last.ts < data.latestTs) {
    previous = last.value;
  }
  if (previous === null && data.latest !== null && typeof data.latest === 'object') {
    previous = toFiniteNumber(data.latest.last) ?? null;
  }
  if (previous === null) return null;
  const delta = current - previous;
  return {
    current,
    previous,
    delta,
    ratio: previous === 0 ? null : delta / Math.abs(previous),
    direction: delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat',
  };
}
