/** Reading a widget's options: typed, with fallbacks, tolerant of what a person typed. */
import type { WidgetOptions } from '@pulseboard/model';

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

/** A finite number, or a string that reads as one; undefined otherwise. */
export function toFiniteNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
