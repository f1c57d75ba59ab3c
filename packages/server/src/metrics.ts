import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SnapshotCacheStats } from './ws/snapshot-cache.js';
import type { StorageReadMethod } from './storage/counted-storage.js';
import type { MutationRecord } from './storage/storage.js';
import type { SyncServiceObserver } from './sync-service.js';
import type { GatewayObserver } from './ws/gateway-observer.js';


/**
 * Prometheus metrics of one server, in their own Registry (so several servers in one test
 * process never collide). Exposes observers for the sync service, the gateway and HTTP.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #connections: Gauge;
  readonly #closes: Counter;
  readonly #messagesIn: Counter;
  readonly #messagesOut: Counter;
  readonly #bytesOut: Counter;
  readonly #mutationLatency: Histogram;
  readonly #mutations: Counter;
  readonly #fanoutLatency: Histogram;
  readonly #pointsPushed: Counter;
  readonly #httpDuration: Histogram;
  readonly #storageReads: Counter;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'pulseboard_' });
    this.#connections = new Gauge({ name: 'pulseboard_ws_connections', help: 'Open WebSocket connections', registers });
    this.#closes = new Counter({ name: 'pulseboard_ws_closes_total', help: 'WebSocket connections closed, by close code', labelNames: ['code'], registers });
    this.#messagesIn = new Counter({ name: 'pulseboard_ws_messages_in_total', help: 'WebSocket messages received, by type ("invalid" and "dropped" count rejected ones)', labelNames: ['type'], registers });
    this.#messagesOut = new Counter({ name: 'pulseboard_ws_messages_out_total', help: 'WebSocket messages sent (several may share a frame)', registers });
    this.#bytesOut = new Counter({ name: 'pulseboard_ws_bytes_out_total', help: 'WebSocket payload bytes sent', registers });
    this.#mutations = new Counter({ name: 'pulseboard_mutations_total', help: 'Mutations processed, by result status', labelNames: ['status'], registers });
    this.#mutationLatency = new Histogram({
      name: 'pulseboard_mutation_duration_seconds',
      help: 'Time to apply and commit one mutation',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.#fanoutLatency = new Histogram({
      name: 'pulseboard_fanout_duration_seconds',
      help: 'Time from commit to the event being written to every subscriber',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.#pointsPushed = new Counter({ name: 'pulseboard_points_pushed_total', help: 'Stream points committed', registers });
    this.#storageReads = new Counter({ name: 'pulseboard_storage_reads_total', help: 'Storage read calls, by method (what the caches did not answer)', labelNames: ['method'], registers });
    this.#httpDuration = new Histogram({
      name: 'pulseboard_http_request_duration_seconds',
      help: 'HTTP request duration, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
  }

  /** Counts one storage read call (see countStorageReads). */
  readonly onStorageRead = (method: StorageReadMethod): void => {
    this.#storageReads.inc({ method });
  };

  /** Observer for SyncService: mutation latency/status and points pushed. */
  readonly syncObserver: SyncServiceObserver = {
    onMutation: (record: MutationRecord, durationMs: number) => {
      this.#mutations.inc({ status: record.status });
      this.#mutationLatency.observe(durationMs / 1000);
    },
    onPoints: (count: number) => this.#pointsPushed.inc(count),
  };

  /** Observer for the WebSocket gateway. */
  readonly gatewayObserver: GatewayObserver = {
    onConnectionOpened: () => this.#connections.inc(),
    onConnectionClosed: (code: number) => {
      this.#connections.dec();
      this.#closes.inc({ code: String(code) });
    },
    onMessageIn: (type: string) => this.#messagesIn.inc({ type }),
    onFramesOut: (messages: number, bytes: number) => {
      this.#messagesOut.inc(messages);
      this.#bytesOut.inc(bytes);
    },
    onFanout: (latencyMs: number) => this.#fanoutLatency.observe(latencyMs / 1000),
  };

  /**
   * Exposes the snapshot cache's counters (read when /metrics is scraped): lookups by result
   * (`hit`, `miss`, `replay_hit`, `replay_miss`), refreshes, entries and bytes.
   */
  observeSnapshotCache(stats: () => SnapshotCacheStats): void {
    const registers = [this.registry];
    new Counter({
      name: 'pulseboard_snapshot_cache_lookups_total',
      help: 'Snapshot and catch-up lookups, by result (hit/replay_hit: answered from memory)',
      labelNames: ['result'],
      registers,
      collect() {
        const s = stats();
        this.reset();
        this.inc({ result: 'hit' }, s.hits);
        this.inc({ result: 'miss' }, s.misses);
        this.inc({ result: 'replay_hit' }, s.replayHits);
        this.inc({ result: 'replay_miss' }, s.replayMisses);
      },
    });
    new Counter({
      name: 'pulseboard_snapshot_cache_refreshes_total',
      help: 'Cached snapshots refreshed from storage because an event did not follow them',
      registers,
      collect() {
        this.reset();
        this.inc(stats().refreshes);
      },
    });
    new Gauge({
      name: 'pulseboard_snapshot_cache_hit_ratio',
      help: 'Lookups answered from memory over all lookups since start',
      registers,
      collect() {
        this.set(stats().hitRate);
      },
    });
    new Gauge({
      name: 'pulseboard_snapshot_cache_bytes',
      help: 'Estimated bytes held by the snapshot cache',
      registers,
      collect() {
        this.set(stats().bytes);
      },
    });
  }

  /** Records one HTTP request (route is the matched pattern, not the raw path). */
  observeHttp(method: string, route: string, status: number, durationMs: number): void {
    this.#httpDuration.observe({ method, route, status: String(status) }, durationMs / 1000);
  }

  /** The exposition text for GET /metrics. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
