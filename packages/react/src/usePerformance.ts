import { useSyncExternalStore } from 'react';
import type { PerformanceSnapshot } from '@pulseboard/client';
import { usePulseboardClient } from './context';

/** The performance monitor's figures: update latency, events per second, cache hit rate, … */
export function usePerformance(): PerformanceSnapshot {
  const { monitor } = usePulseboardClient();
  return useSyncExternalStore(monitor.subscribe, monitor.getSnapshot, monitor.getSnapshot);
}
