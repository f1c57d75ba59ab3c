/** Threshold scales: parsing the `thresholds` option and the colour a value takes. */
import type { WidgetOptions } from '@pulseboard/model';
import { toFiniteNumber } from './widget-options';

/** One step of a threshold scale: values at or above `value` take `color`. */
export interface Threshold {
  value: number;
  color: string;
  label?: string;
}

/** Named colours a threshold may use; each maps to a theme variable so both themes stay readable. */
export const NAMED_COLORS: Record<string, string> = {
  green: 'var(--pb-green)',
  ok: 'var(--pb-green)',
  yellow: 'var(--pb-yellow)',
  orange: 'var(--pb-orange)',
  warning: 'var(--pb-orange)',
  red: 'var(--pb-red)',
  critical: 'var(--pb-red)',
  blue: 'var(--pb-blue)',
  purple: 'var(--pb-purple)',
  gray: 'var(--pb-gray)',
  grey: 'var(--pb-gray)',
  unknown: 'var(--pb-gray)',
};

/** A CSS colour for a threshold colour: theme names map to variables, anything else passes through. */
export function resolveColor(color: string): string {
  return NAMED_COLORS[color.toLowerCase()] ?? color;
}

/** The `thresholds` option, validated (bad entries dropped) and sorted ascending. */
export function parseThresholds(options: WidgetOptions): Threshold[] {
  const raw = options.thresholds;
  if (!Array.isArray(raw)) return [];
  const out: Threshold[] = [];
  for (const item of raw) {
    if (item === null || typeof item !== 'object') continue;
    const rec = item as Record<string, unknown>;
    const value = toFiniteNumber(rec.value);
    const color = typeof rec.color === 'string' && rec.color.trim() ? rec.color.trim() : undefined;
    if (value === undefined || color === undefined) continue;
    out.push(typeof rec.label === 'string' ? { value, color, label: rec.label } : { value, color });
  }
  return out.sort((a, b) => a.value - b.value);
}

/** The highest threshold whose `value` is at or below `n`; null when below all (or none). */
export function evaluateThresholds(n: number | null, thresholds: readonly Threshold[]): Threshold | null {
  if (n === null || !Number.isFinite(n)) return null;
  let hit: Threshold | null = null;
  for (const t of thresholds) {
    if (n >= t.value) hit = t;
    else break;
  }
  return hit;
}

/** The CSS colour for `n` under the widget's thresholds, or `fallback`. */
export function thresholdColor(n: number | null, thresholds: readonly Threshold[], fallback: string): string {
  const t = evaluateThresholds(n, thresholds);
  return t ? resolveColor(t.color) : fallback;
}
