/** Number formatting for widgets: unit placement, decimals, compact notation, table cells. */
import type { WidgetOptions } from '@pulseboard/model';
import { numberOption, stringOption } from './widget-options';

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

/**
 * `n` as `Intl.NumberFormat('en-US', { minimumFractionDigits, maximumFractionDigits })` gives
 * it ("-12,345.6"), without Intl: a page's first Intl formatter loads ICU's data, ~90 ms of a
 * cold page's main thread on the 2-core machine the first-value bench runs on, and the plain
 * numbers of a viewer's widgets are all this formats. Like ICU, it rounds the number's
 * shortest decimal form (`String(n)`: 1.005 → "1.01") half away from zero, and writes a minus
 * sign for a negative number that rounds to zero (and for -0). From 1e21 on, Intl does it.
 */
export function formatFixed(n: number, minimumFractionDigits: number, maximumFractionDigits: number): string {
  const abs = Math.abs(n);
  if (!(abs < 1e21)) return numberFormat({ minimumFractionDigits, maximumFractionDigits }).format(n);
  // The shortest decimal form as digits and the position of the point in them ("1e-7" → "1", -6).
  const [mantissa = '0', exponent = '0'] = String(abs).split('e');
  const [int = '0', frac = ''] = mantissa.split('.');
  let digits = int + frac;
  let point = int.length + Number(exponent);
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  const keep = point + maximumFractionDigits;
  if (digits.length > keep) {
    const up = digits.charCodeAt(keep) >= 53; /* '5' */
    digits = digits.slice(0, keep);
    if (up) {
      let i = keep - 1;
      while (i >= 0 && digits[i] === '9') i--;
      digits = i < 0 ? `1${'0'.repeat(keep)}` : `${digits.slice(0, i)}${String.fromCharCode(digits.charCodeAt(i) + 1)}${'0'.repeat(keep - 1 - i)}`;
      if (i < 0) point++;
    }
  }
  if (digits.length < point + minimumFractionDigits) digits = digits.padEnd(point + minimumFractionDigits, '0');
  let end = digits.length;
  while (end > point + minimumFractionDigits && digits[end - 1] === '0') end--;
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const fraction = digits.slice(point, end);
  const grouped = whole.length > 3 ? whole.replace(/\B(?=(\d{3})+$)/g, ',') : whole;
  return `${n < 0 || Object.is(n, -0) ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
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
    number = formatFixed(n, opts.decimals ?? 0, opts.decimals ?? autoDecimals(n));
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
  const body = formatFixed(abs, 0, digits);
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
