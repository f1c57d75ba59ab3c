import type { WidgetOptions } from '@pulseboard/model';
import { computeFreshness, type FreshnessState } from './freshness';
import type { StaleReason } from './source-freshness';
import { useNow } from './useNow';
import { formatAgo, formatClock, formatDuration, type WidgetData } from './widget-data';

/** Props of the freshness badge. */
export interface FreshnessBadgeProps {
  data: WidgetData;
  options: WidgetOptions;
  /** Pins the time (tests, gallery); otherwise the shared clock drives it. */
  now?: number;
  /** No updates can arrive (offline): a "live" widget shows "Paused" rather than claim it is live. */
  paused?: boolean;
  /** Why the data is not updating, from the pull source feeding it (shown when stale or empty). */
  reason?: StaleReason | null;
}

/** Words and tooltip of a freshness state, for the badge and screen readers. */
export function describeFreshness(state: FreshnessState, now: number): { label: string; title: string } {
  switch (state.kind) {
    case 'empty':
      return { label: 'No data', title: 'No data received yet' };
    case 'live':
      return { label: 'Live', title: `Updated ${formatClock(state.updatedAt)}` };
    case 'stale':
      return {
        label: formatAgo(now - state.updatedAt),
        title: `Stale since ${formatClock(state.updatedAt)}: no update for ${formatDuration(now - state.updatedAt)} (expected within ${formatDuration(state.staleAfterMs)})`,
      };
  }
}

/** Words of a live widget while no update can arrive. */
export function describePaused(updatedAt: number): { label: string; title: string } {
  return { label: 'Paused', title: `Not connected: no updates until the connection returns (last update ${formatClock(updatedAt)})` };
}

/** The small dot + words in every widget header: live, paused, stale (with age) or no data. */
export function FreshnessBadge({ data, options, now, paused = false, reason = null }: FreshnessBadgeProps) {
  const clockNow = useNow();
  const at = now ?? clockNow;
  const state = computeFreshness(data, options, at);
  const kind = paused && state.kind === 'live' ? 'paused' : state.kind;
  const described = state.kind === 'live' && paused ? describePaused(state.updatedAt) : describeFreshness(state, at);
  const why = state.kind !== 'live' ? reason : null;
  const label = why ? why.label : described.label;
  const title = why ? `${why.title}. ${described.title}` : described.title;
  return (
    <span
      className={`pb-freshness pb-freshness--${kind}${why ? ` pb-freshness--source-${why.kind}` : ''}`}
      title={title}
      data-freshness={kind}
      {...(why ? { 'data-source-state': why.kind } : {})}
    >
      <span className="pb-freshness__dot" aria-hidden="true" />
      <span className="pb-freshness__label">{label}</span>
    </span>
  );
}
