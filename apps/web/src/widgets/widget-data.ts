/**
 * The data a widget renders (its stream's latest value and history) and time formatting.
 * The other pure helpers every widget shares live by concern beside it — widget-options,
 * widget-values, value-format, thresholds — and are re-exported here. No React in any of
 * them, so all of it is unit-tested directly.
 */
import type { PointValue } from '@pulseboard/model';
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

/** Turns a protocol stream snapshot into widget data (null/undefined → empty). */
export function widgetDataFromSnapshot(snapshot: StreamSnapshot | null | undefined): WidgetData {
  if (!snapshot) return EMPTY_WIDGET_DATA;
  return {
    latest: snapshot.latest,
    latestTs: snapshot.latestTs,
    history: snapshot.history.map((p) => ({ ts: p.ts, value: p.value })),
  };
}

export * from './widget-options';
export * from './widget-values';
export * from './value-format';
export * from './thresholds';

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
