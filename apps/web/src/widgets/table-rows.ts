/** Turns a stream value into table rows. Pure, so every accepted shape is tested directly. */
import type { PointValue, WidgetOptions } from '@pulseboard/model';
import { readPath, stringListOption, stringOption } from './widget-data';

/** Most rows a table renders; a wallboard cannot show more, and it keeps rendering cheap. */
export const MAX_TABLE_ROWS = 200;
/** Most columns picked automatically from the rows' keys. */
export const MAX_AUTO_COLUMNS = 8;

/** Keys under which an object value may carry its rows (Smashing lists use `items`). */
const ROW_KEYS = ['items', 'rows', 'data'] as const;

/** What a table widget shows. */
export type TableModel =
  | { kind: 'empty' }
  | { kind: 'table'; columns: string[]; rows: Array<Record<string, unknown>>; truncated: number }
  | { kind: 'list'; items: Array<{ label: string; value: unknown }>; truncated: number };

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `{label, value}` (or `{name, value}` / `{key, value}`) rows, the Smashing "List" shape. */
function asLabelValue(row: Record<string, unknown>): { label: string; value: unknown } | null {
  const keys = Object.keys(row);
  const labelKey = ['label', 'name', 'key', 'title'].find((k) => k in row);
  if (!labelKey || keys.length > 2) return null;
  const valueKey = keys.find((k) => k !== labelKey);
  return { label: String(row[labelKey]), value: valueKey === undefined ? undefined : row[valueKey] };
}

/**
 * The rows of a table widget: `options.field` (or an `items`/`rows`/`data` key) holding an
 * array of objects becomes a table with columns (`options.columns`, else the rows' keys);
 * `{label, value}` rows and plain objects become a key/value list.
 */
export function tableModelOf(latest: PointValue | null, options: WidgetOptions): TableModel {
  if (latest === null) return { kind: 'empty' };
  if (typeof latest === 'number') return { kind: 'list', items: [{ label: 'value', value: latest }], truncated: 0 };
  const field = stringOption(options, 'field');
  let rows: unknown = field ? readPath(latest, field) : undefined;
  if (rows === undefined && !field) rows = ROW_KEYS.map((k) => latest[k]).find((v) => Array.isArray(v));
  if (rows === undefined && !field) rows = latest;
  if (rows === undefined || rows === null) return { kind: 'empty' };

  if (Array.isArray(rows)) {
    const objects = rows.filter(isRecord);
    const truncated = Math.max(0, rows.length - MAX_TABLE_ROWS);
    if (objects.length === 0) {
      const items = rows.slice(0, MAX_TABLE_ROWS).map((v, i) => ({ label: String(i + 1), value: v }));
      return items.length ? { kind: 'list', items, truncated } : { kind: 'empty' };
    }
    const pairs = objects.map(asLabelValue);
    const explicitColumns = stringListOption(options, 'columns');
    if (explicitColumns.length === 0 && pairs.every((p) => p !== null)) {
      return { kind: 'list', items: (pairs as Array<{ label: string; value: unknown }>).slice(0, MAX_TABLE_ROWS), truncated };
    }
    const columns = explicitColumns.length > 0 ? explicitColumns : unionKeys(objects).slice(0, MAX_AUTO_COLUMNS);
    return { kind: 'table', columns, rows: objects.slice(0, MAX_TABLE_ROWS), truncated };
  }
  if (isRecord(rows)) {
    const entries = Object.entries(rows);
    const items = entries.slice(0, MAX_TABLE_ROWS).map(([label, value]) => ({ label, value }));
    return items.length ? { kind: 'list', items, truncated: Math.max(0, entries.length - MAX_TABLE_ROWS) } : { kind: 'empty' };
  }
  return { kind: 'list', items: [{ label: field ?? 'value', value: rows }], truncated: 0 };
}

function unionKeys(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  const seen = new Set<string>();
  for (const row of rows.slice(0, 50)) for (const k of Object.keys(row)) seen.add(k);
  return [...seen];
}

/** A column key as a header: "avgSeconds" / "avg_seconds" → "avg seconds" (the sheet sets the case). */
export function columnLabel(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
}
