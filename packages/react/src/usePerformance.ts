import { useMemo, useSyncExternalStore } from 'react';
import type { PerformanceSnapshot } from '@pulseboard/client';
import { usePulseboardClient } from './context';

/** Options of `usePerformance`. */
export interface UsePerformanceOptions {
  /**
   * Re-render at most once per this many milliseconds instead of on every change. The
   * monitor changes with every applied event (up to once a frame); a readout in the
   * top bar does not need that, and a busy dashboard should not pay for it.
   */
  sampleMs?: number;
}

/** The performance monitor's figures: update latency, events per second, cache hit rate, … */
export function usePerformance(options: UsePerformanceOptions = {}): PerformanceSnapshot {
  const { monitor } = usePulseboardClient();
  const { sampleMs } = options;
  const subscribe = useMemo(() => {
    if (!sampleMs) return monitor.subscribe;
    return (listener: () => void) => {
      const timer = setInterval(listener, sampleMs);
      return () => clearInterval(timer);
    };
  }, [monitor, sampleMs]);
  return useSyncExternalStore(subscribe, monitor.getSnapshot, monitor.getSnapshot);
}
