import { useCallback, useSyncExternalStore } from 'react';
import type { WidgetOptions } from '@pulseboard/model';
import { computeFreshness, sharedClock, type FreshnessState, type SharedClock } from './freshness';
import type { WidgetData } from './widget-data';

/** The shared clock's time, re-rendering the caller once per tick. */
export function useNow(clock: SharedClock = sharedClock): number {
  return useSyncExternalStore(clock.subscribe, clock.getSnapshot, clock.getSnapshot);
}

/**
 * Only the kind of a widget's freshness ('live' | 'stale' | 'empty'): the caller re-renders
 * when the kind flips, not on every tick. `now` pins the time (tests, gallery).
 */
export function useFreshnessKind(
  data: WidgetData,
  options: WidgetOptions,
  now?: number,
  clock: SharedClock = sharedClock,
): FreshnessState['kind'] {
  const getSnapshot = useCallback(
    () => computeFreshness(data, options, now ?? clock.getSnapshot()).kind,
    [data, options, now, clock],
  );
  const subscribe = now === undefined ? clock.subscribe : noopSubscribe;
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

function noopSubscribe(): () => void {
  return () => {};
}
