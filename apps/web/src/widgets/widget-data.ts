/**
 * The data a widget renders, and the pure helpers every widget shares: reading options,
 * picking a number out of a point, change against the previous point, number formatting
 * and threshold colours. No React here, so all of it is unit-tested directly.
 */
import type { PointValue, WidgetOptions } from '@pulseboard/model';
import type { StreamSnapshot } from '@pulseboard/protocol';

/** What a widget receives: its stream's latest (merged) value and the retained history. */
export interface WidgetData {
  latest: PointValue | null;
  latestTs: number | null;
  /** Oldest first. Object points are the pushes as sent, not merged. */
  history: Array<{ ts: number; value: PointValue }>;
}

/** Data of a widget whose stream has nothing yet (or that has no stream). */
export const EMPTY_WIDGET_DATA: WidgetData = Object.freeze({ latest: null, latestTs: null, history: [] }) as WidgetData;

/** Keys tried, in order, when an object value is read as a number and no `field` is set. */
export const DEFAULT_VALUE_FIELDS = ['value', 'current'] as const;

/** Turns a protocol stream snapshot into widget data (null/undefined → empty). */
export function widgetDataFromSnapshot(snapshot: StreamSnapshot | null | undefined): WidgetData {
  if (!snapshot) return EMPTY_WIDGET_DATA;
  return {
    latest: snapshot.latest,
    latestTs: snapshot.latestTs,
    history: snapshot.history.map((p) => ({ ts: p.ts, value: p.value })),
  };
}

// ---- options --------------------------------------------------------------------------

/** A finite number option, or `fallback` when missing or not a number (numeric strings count). */
export function numberOption(options: WidgetOptions, key: string, fallback: number): number;
export function numberOption(options: WidgetOptions, key: string): number | undefined;
export function numberOption(options: WidgetOptions, key: string, fallback?: number): number | undefined {
  const n = toFiniteNumber(options[key]);
  return n ?? fallback;
}

/** A non-empty string option, or `fallback`. */
export function stringOption(options: WidgetOptions, key: string, fallback: string): string;
export function stringOption(options: WidgetOptions, key: string): string | undefined;
export function stringOption(options: WidgetOptions, key: string, fallback?: string): string | undefined {
  const v = options[key];
  return typeof v === 'string' && v.trim() !== '' ? v : fallback;
}

/** A list of strings option (`["a","b"]` or `"a, b"`), or an empty list. */
export function stringListOption(options: WidgetOptions, key: string): string[] {
  const v = options[key];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [];
  return list.filter((s): s is string => typeof s === 'string').map((s) => s.trim()).filter(Boolean);
}

function toFiniteNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

// ---- value picking --------------------------------------------------------------------

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
  const series = numericHistory(data, field);
  const last = series[series.length - 1];
  if (series.length >= 2 && last !== undefined && (data.latestTs === null || last.ts >= data.latestTs)) {
    previous = series[series.length - 2]?.value ?? null;
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

// ---- formatting -----------------------------------------------------------------------

/** Units written before the number (`$12`), not after it. */
const PREFIX_UNITS = new Set(['$', '€', '£', '¥', '₹']);
/** Units written after the number with no space (`12%`). */
const TIGHT_UNITS = new Set(['%', '°', '°C', '°F', 'x', '×']);

/** A formatted value split into parts, so a widget can style the unit smaller than the number. */
export interface FormattedValue {
  number: string;
  unit: string;
  unitPosition: 'prefix' | 'suffix';
  /** number and unit together, as read aloud or shown in a table. */
  text: string;
}

/** Options that drive number formatting. */
export interface FormatOptions {
  unit?: string;
  /** Fixed decimals; when unset, 0 for large numbers and up to 2 significant decimals for small ones. */
  decimals?: number;
  /** 1.2k, 3.4M for big numbers. */
  compact?: boolean;
}

/** Reads the formatting options (`unit`, `decimals`, `compact`) of a widget. */
export function formatOptionsOf(options: WidgetOptions): FormatOptions {
  const decimals = numberOption(options, 'decimals');
  return {
    unit: stringOption(options, 'unit', ''),
    ...(decimals === undefined ? {} : { decimals: Math.max(0, Math.min(10, Math.round(decimals))) }),
    compact: options.compact === true,
  };
}

function autoDecimals(n: number): number {
  const abs = Math.abs(n);
  if (abs === 0 || Number.isInteger(n) || abs >= 100) return 0;
  if (abs >= 10) return 1;
  if (abs >= 0.01) return 2;
  return 4;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** One cached formatter per option set: building an Intl.NumberFormat costs far more than using one. */
function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', options);
    numberFormats.set(key, format);
  }
  return format;
}

/** Formats a number with the widget's unit and decimals. Non-numbers format as an em dash. */
export function formatValue(n: number | null | undefined, opts: FormatOptions = {}): FormattedValue {
  const unit = opts.unit ?? '';
  const unitPosition = PREFIX_UNITS.has(unit) ? 'prefix' : 'suffix';
  if (n === null || n === undefined || !Number.isFinite(n)) {
    return { number: '—', unit: '', unitPosition, text: '—' };
  }
  let number: string;
  if (opts.compact && Math.abs(n) >= 10_000) {
    number = numberFormat({ notation: 'compact', maximumFractionDigits: opts.decimals ?? 1 }).format(n);
  } else {
    const decimals = opts.decimals ?? autoDecimals(n);
    number = numberFormat({ minimumFractionDigits: opts.decimals ?? 0, maximumFractionDigits: decimals }).format(n);
  }
  let text: string;
  if (!unit) text = number;
  else if (unitPosition === 'prefix') text = n < 0 ? `-${unit}${number.slice(1)}` : `${unit}${number}`;
  else text = TIGHT_UNITS.has(unit) ? `${number}${unit}` : `${number} ${unit}`;
  return { number, unit, unitPosition, text };
}

/** "+12.5%" / "−3%" for a ratio (0.125 → "+12.5%"). */
export function formatPercentChange(ratio: number): string {
  const pct = ratio * 100;
  const abs = Math.abs(pct);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 1 : 2;
  const body = numberFormat({ maximumFractionDigits: digits }).format(abs);
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${body}%`;
}

/** A scalar shown in a table or list cell: numbers formatted, objects as compact JSON. */
export function formatCell(v: unknown, opts: FormatOptions = {}): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return formatValue(v, opts).text;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

// ---- thresholds -----------------------------------------------------------------------

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

// ---- time -----------------------------------------------------------------------------

/** "12:03:04" in local time. */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "4 s", "2 min", "3 h", "2 d": a duration rounded down to its largest unit. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** "just now", "42 s ago", "2 min ago", "3 h ago", "2 d ago". */
export function formatAgo(ms: number): string {
  return ms < 5000 ? 'just now' : `${formatDuration(ms)} ago`;
}
