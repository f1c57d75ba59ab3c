import type { WidgetOptions } from '@pulseboard/model';
import { computeFreshness, type FreshnessState } from './freshness';
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
export function FreshnessBadge({ data, options, now, paused = false }: FreshnessBadgeProps) {
  const clockNow = useNow();
  const at = now ?? clockNow;
  const state = computeFreshness(data, options, at);
  const kind = paused && state.kind === 'live' ? 'paused' : state.kind;
  const { label, title } = state.kind === 'live' && paused ? describePaused(state.updatedAt) : describeFreshness(state, at);
  return (
    <span className={`pb-freshness pb-freshness--${kind}`} title={title} data-freshness={kind}>
      <span className="pb-freshness__dot" aria-hidden="true" />
      <span className="pb-freshness__label">{label}</span>
    </span>
  );
}
