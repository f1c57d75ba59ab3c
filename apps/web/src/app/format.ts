/** Small formatting helpers of the app shell; durations and ages come from the widgets' formatters. */
import { formatAgo } from '../widgets/widget-data';

/** "12 ms" / "1.2 s" for a latency, "—" when unknown. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A hit rate (0..1) as a whole percentage, or "—" when nothing was counted yet. */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${Math.round(rate * 100)} %`;
}

/** `formatAgo` (the one "just now" rule) for a timestamp, or "never". */
export function formatSince(ts: number | null | undefined, now: number): string {
  return ts === null || ts === undefined ? 'never' : formatAgo(now - ts);
}

let timeFormat: Intl.DateTimeFormat | null = null;

/** "12:03:04" local time (one formatter for the page: `toLocaleTimeString` builds one per call, ~ms each). */
export function formatTime(ts: number): string {
  timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return timeFormat.format(ts);
}

/** "1 edit" / "3 edits". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
