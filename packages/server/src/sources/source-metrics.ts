import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SourceManager, SourceObserver } from './source-manager.js';

/**
 * The sources' numbers in /metrics: runs by result, run duration, scheduling lag, and per
 * source (read at scrape time) its consecutive failures, last success and whether it is up.
 * Returns the observer the SourceManager reports to; `bind` connects the per-source gauges.
 */
export function registerSourceMetrics(registry: Registry): { observer: SourceObserver; bind(manager: SourceManager): void } {
  const registers = [registry];
  let manager: SourceManager | null = null;
  /** The result labels each source has used, so a deleted source's counters can be removed. */
  const resultsBySource = new Map<string, Set<string>>();
  const runs = new Counter({ name: 'pulseboard_source_runs_total', help: 'Source runs, by source and result (ok, unchanged, or the error code)', labelNames: ['source', 'result'], registers });
  const duration = new Histogram({
    name: 'pulseboard_source_run_duration_seconds',
    help: 'Time of one source run (fetch, parse, selectors, push)',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers,
  });
  const lag = new Histogram({
    name: 'pulseboard_source_schedule_lag_seconds',
    help: 'How late a source run starts after it was due',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });
  const perSource = (name: string, help: string, pick: (s: ReturnType<SourceManager['statuses']>[number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['source', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const entry of manager?.statuses() ?? []) {
          const value = pick(entry);
          if (value !== null) this.set({ source: entry.id, kind: entry.kind }, value);
        }
      },
    });
  perSource('pulseboard_source_up', '1 when the source\'s last run succeeded, 0 when it failed (absent before the first run or when disabled)', (e) =>
    e.status.state === 'ok' ? 1 : e.status.state === 'failing' ? 0 : null,
  );
  perSource('pulseboard_source_consecutive_failures', 'Failed runs in a row of each source', (e) => e.status.consecutiveFailures);
  perSource('pulseboard_source_last_success_timestamp_seconds', 'When each source last succeeded (Unix seconds)', (e) =>
    e.status.lastSuccessAt === null ? null : e.status.lastSuccessAt / 1000,
  );
  return {
    observer: {
      onRun: (id, result, durationMs) => {
        runs.inc({ source: id, result });
        let results = resultsBySource.get(id);
        if (!results) resultsBySource.set(id, (results = new Set()));
        results.add(result);
        duration.observe(durationMs / 1000);
      },
      onStart: (lagMs) => lag.observe(lagMs / 1000),
      onRemoved: (id) => {
        for (const result of resultsBySource.get(id) ?? []) runs.remove({ source: id, result });
        resultsBySource.delete(id);
      },
    },
    bind(m) {
      manager = m;
    },
  };
}
