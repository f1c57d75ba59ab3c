/** Shapes a widget's history into the columns uPlot draws. Pure, so it is tested without a canvas. */
import type { PointValue, WidgetOptions } from '@pulseboard/model';
import { staleAfterMsOf } from './freshness';
import { fieldOption, numberOption, pickNumber, stringListOption, type WidgetData } from './widget-data';

/** Most series a line widget draws when it picks the numeric keys itself. */
export const MAX_AUTO_SERIES = 8;

/** One plotted line: `field` is read from each point (null: the point's own number / default field). */
export interface LineSeriesSpec {
  field: string | null;
  label: string;
}

/**
 * The lines a widget draws: `options.fields` when set; else one line for a number (or the
 * `field` option); else the numeric keys of the latest object value.
 */
export function lineSeriesOf(options: WidgetOptions, latest: PointValue | null): LineSeriesSpec[] {
  const fields = stringListOption(options, 'fields');
  if (fields.length > 0) return fields.map((f) => ({ field: f, label: f }));
  const field = fieldOption(options);
  if (field) return [{ field, label: field }];
  if (latest !== null && typeof latest === 'object' && pickNumber(latest) === null) {
    const keys = Object.keys(latest).filter((k) => typeof latest[k] === 'number' && Number.isFinite(latest[k]));
    if (keys.length > 0) return keys.slice(0, MAX_AUTO_SERIES).map((k) => ({ field: k, label: k }));
  }
  return [{ field: null, label: 'value' }];
}

/** A column of one series: a number, `undefined` where a push lacked the field (the line joins over it), `null` to break the line. */
export type SeriesColumn = Array<number | null | undefined>;

/**
 * uPlot's aligned columns: `[timestamps(ms), ...one column per series]`. A point without a
 * series' field is `undefined`, which the line spans; where the stream was silent for longer
 * than its staleness limit, a `null` row breaks every line, so a pause is not drawn as a
 * straight ramp of data that never came. `options.windowMs` keeps only the points that
 * recent relative to the last one.
 */
export function toAlignedColumns(data: WidgetData, series: readonly LineSeriesSpec[], options: WidgetOptions): [number[], ...SeriesColumn[]] {
  const windowMs = numberOption(options, 'windowMs');
  const history = data.history;
  const lastTs = history[history.length - 1]?.ts;
  let start = 0;
  if (windowMs !== undefined && windowMs > 0 && lastTs !== undefined) {
    const from = lastTs - windowMs;
    while (start < history.length && history[start]!.ts < from) start++;
  }
  const breakAfterMs = staleAfterMsOf(options, data);
  const xs: number[] = [];
  const cols: SeriesColumn[] = series.map(() => []);
  for (let i = start; i < history.length; i++) {
    const p = history[i]!;
    const prevTs = xs[xs.length - 1];
    if (prevTs !== undefined && p.ts - prevTs > breakAfterMs) {
      xs.push(prevTs + 1);
      for (const col of cols) col.push(null);
    }
    xs.push(p.ts);
    for (let s = 0; s < series.length; s++) {
      cols[s]!.push(pickNumber(p.value, series[s]!.field ?? undefined) ?? undefined);
    }
  }
  return [xs, ...cols];
}

/**
 * Indices of the points with a line break on both sides: a line cannot draw them, so the
 * chart marks them with a dot (a sparse stream would otherwise show nothing). Null if none.
 */
export function isolatedPoints(column: ArrayLike<number | null | undefined>): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < column.length; i++) {
    if (column[i] == null) continue;
    if ((i === 0 || column[i - 1] === null) && (i === column.length - 1 || column[i + 1] === null)) out.push(i);
  }
  return out.length > 0 ? out : null;
}

/** One-line time labels: seconds when ticks are under a minute apart, dates past a day. */
export function formatTimeTick(ts: number, incrMs: number): string {
  const d = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (incrMs >= 86_400_000) return `${d.getMonth() + 1}/${d.getDate()}`;
  if (incrMs < 60_000) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Approximate width of one character of the 12 px axis font, in CSS pixels. */
export const AXIS_CHAR_WIDTH_PX = 7.2;

/**
 * Whether a tick label centred at `x` (CSS px from the plot area's left) fits between
 * `left` and `right`: uPlot centres time labels on their tick, so one near an edge
 * would be cut in half ("00:35:4").
 */
export function tickLabelFits(label: string, x: number, left: number, right: number): boolean {
  const half = (label.length * AXIS_CHAR_WIDTH_PX) / 2;
  return x - half >= left && x + half <= right;
}
