import type { Dashboard, PointValue } from '@pulseboard/model';
import type { HttpDashboardLive, HttpMutationResult, HttpMutationsResponse, HttpStreamSnapshot } from '@pulseboard/protocol';
import { isPulseboardError, PulseboardError } from '@pulseboard/model';
import type { EnvironmentManager, EnvironmentSignal } from './environment-manager.js';
import type { HttpClient } from './http-client.js';
import type { MutationQueue, QueueEntry } from './mutation-queue.js';
import type { PerformanceMonitor } from './performance-monitor.js';
import type { RealtimeConfig } from './realtime-config.js';
import { SnapshotStore } from './subscribable.js';
import type { BackgroundSyncHandle, BackgroundSyncSnapshot } from './types.js';
import type { WebSocketManager } from './websocket-manager.js';

/** Something kept fresh over HTTP: a held dashboard or stream. */
export interface RefreshTarget {
  /** `dashboard:<id>` or `stream:<key>`. */
  readonly topic: string;
  /** Fetches (through `BackgroundSync.fetch*`) and applies a fresh snapshot. */
  refresh(reason: RefreshReason): Promise<void>;
}

export type RefreshReason = 'interval' | 'reconnect' | 'focus' | 'online' | 'invalidate' | 'manual' | 'fallback';

interface CacheEntry<T> {
  etag: string | null;
  value: T;
  fetchedAt: number;
}

/**
 * Keeps snapshots fresh over HTTP beside the socket, and carries mutations over HTTP while
 * the socket cannot connect:
 * - a cache per topic with ETag/If-None-Match (a 304 is a hit), served at once to a new
 *   holder while it revalidates (stale-while-revalidate);
 * - one in-flight request per key: concurrent fetches share one promise;
 * - refresh of every held target on an interval, on reconnect, on focus and online
 *   (skipping ones fresher than `staleTimeMs`), and at once on `invalidate` (epoch change, gap);
 * - after `httpFallbackAfterMs` without a connection, queued mutations go out as
 *   POST /api/dashboards/:id/mutations batches, in mutationId order;
 * - while the environment reports offline (`navigator.onLine === false`) no request is
 *   made at all (each would fail and be logged by the browser as a console error):
 *   refreshes and the fallback wait, and resume on `online`.
 */
export class BackgroundSync extends SnapshotStore<BackgroundSyncSnapshot> implements BackgroundSyncHandle {
  readonly #http: HttpClient;
  readonly #config: RealtimeConfig;
  readonly #queue: MutationQueue;
  readonly #monitor: PerformanceMonitor;
  readonly #connection: WebSocketManager;
  readonly #environment: EnvironmentManager;
  readonly #now: () => number;
  readonly #onMutationResults: (dashboardId: string, results: HttpMutationResult[], lastMutationId: number) => void;
  readonly #targets = new Map<string, RefreshTarget>();
  readonly #cache = new Map<string, CacheEntry<unknown>>();
  readonly #inFlight = new Map<string, Promise<unknown>>();
  #refreshTimer: ReturnType<typeof setInterval> | null = null;
  #fallbackTimer: ReturnType<typeof setTimeout> | null = null;
  #downSince: number | null = null;
  #fallbackRunning = false;
  #closed = false;
  readonly #unsubscribes: Array<() => void> = [];

  constructor(options: {
    http: HttpClient;
    config: RealtimeConfig;
    queue: MutationQueue;
    monitor: PerformanceMonitor;
    connection: WebSocketManager;
    environment: EnvironmentManager;
    onMutationResults: (dashboardId: string, results: HttpMutationResult[], lastMutationId: number) => void;
    now?: () => number;
  }) {
    super({ refreshing: false, lastSyncedAt: null, queueLength: 0, lastError: null, httpFallback: false });
    this.#http = options.http;
    this.#config = options.config;
    this.#queue = options.queue;
    this.#monitor = options.monitor;
    this.#connection = options.connection;
    this.#environment = options.environment;
    this.#now = options.now ?? Date.now;
    this.#onMutationResults = options.onMutationResults;
    this.#unsubscribes.push(options.environment.onSignal((signal) => this.#onEnvironment(signal)));
    this.#unsubscribes.push(this.#queue.subscribe(() => this.update({ queueLength: this.#queue.length })));
    let wasOpen = false;
    this.#unsubscribes.push(
      this.#connection.subscribe(() => {
        const open = this.#connection.state === 'open';
        if (open && !wasOpen) this.refreshAll('reconnect', false);
        wasOpen = open;
        this.#onConnectionChange();
      }),
    );
    if (this.#config.refreshIntervalMs > 0) {
      this.#refreshTimer = setInterval(() => this.refreshAll('interval', true), this.#config.refreshIntervalMs);
    }
    this.#onConnectionChange();
  }

  /** Registers a held dashboard/stream; the returned function unregisters it. */
  register(target: RefreshTarget): () => void {
    this.#targets.set(target.topic, target);
    return () => {
      if (this.#targets.get(target.topic) === target) this.#targets.delete(target.topic);
    };
  }

  /** The cached value of a topic (for stale-while-revalidate), or undefined. */
  cached<T>(topic: string): T | undefined {
    return this.#cache.get(topic)?.value as T | undefined;
  }

  /** Puts a value fetched another way (socket snapshot) into the cache. */
  prime(topic: string, value: unknown, etag: string | null): void {
    this.#cache.set(topic, { etag, value, fetchedAt: this.#now() });
  }

  /**
   * The socket brought a topic to a newer value: revalidate against it from now on (so a
   * refresh of a live dashboard is a 304), without counting it as a fetch (freshness unchanged).
   */
  advance(topic: string, value: unknown, etag: string): void {
    const entry = this.#cache.get(topic);
    if (entry) this.#cache.set(topic, { ...entry, etag, value });
    else this.#cache.set(topic, { etag, value, fetchedAt: 0 });
  }

  /** Fresh within `staleTimeMs`? */
  isFresh(topic: string): boolean {
    const entry = this.#cache.get(topic);
    return entry !== undefined && this.#now() - entry.fetchedAt < this.#config.staleTimeMs;
  }

  /** False while the environment reports offline: no HTTP request is made then. */
  get online(): boolean {
    return this.#environment.state.online;
  }

  /**
   * Fetches a dashboard (conditional on the cached ETag); one request per id in flight.
   * `fresh`: do not join a request already in flight (its answer may predate what the
   * caller needs to see, e.g. a reconnect's welcome); later callers join the new one.
   */
  fetchDashboard(id: string, options: { fresh?: boolean } = {}): Promise<{ doc: Dashboard; notModified: boolean; epoch?: string }> {
    const topic = `dashboard:${id}`;
    if (!this.online) return Promise.reject(offlineError());
    return this.#dedupe(topic, options.fresh === true, async () => {
      const cached = this.#cache.get(topic) as CacheEntry<Dashboard> | undefined;
      const headers: Record<string, string> = cached?.etag ? { 'if-none-match': cached.etag } : {};
      const response = await this.#http.request<Dashboard>('GET', `/api/dashboards/${encodeURIComponent(id)}`, { headers });
      if (response.status === 304 && cached) {
        this.#monitor.recordCache(true);
        cached.fetchedAt = this.#now();
        return { doc: cached.value, notModified: true };
      }
      this.#monitor.recordCache(false);
      const doc = response.body!;
      this.#cache.set(topic, { etag: response.headers.get('etag'), value: doc, fetchedAt: this.#now() });
      return { doc, notModified: false };
    });
  }

  /**
   * Fetches a dashboard with the snapshots of its widgets' streams in one request
   * (`GET /api/dashboards/:id/live`): the streams go into the cache, where the stream stores
   * made for the widgets find them, so a first paint needs one round trip instead of one per
   * stream; with the topic's `epoch`, the document is a position to subscribe from. A server
   * without the route (404) is asked for the dashboard alone.
   */
  fetchDashboardLive(id: string): Promise<{ doc: Dashboard; notModified: boolean; epoch?: string }> {
    if (!this.online) return Promise.reject(offlineError());
    return this.#dedupe(`live:${id}`, false, async () => {
      let response: { body: HttpDashboardLive | null };
      try {
        response = await this.#http.request<HttpDashboardLive>('GET', `/api/dashboards/${encodeURIComponent(id)}/live`);
      } catch (error) {
        if (isPulseboardError(error) && error.status === 404) return this.fetchDashboard(id);
        throw error;
      }
      this.#monitor.recordCache(false);
      const { dashboard: doc, epoch, streams } = response.body!;
      const now = this.#now();
      this.#cache.set(`dashboard:${id}`, { etag: `"${doc.version}"`, value: doc, fetchedAt: now });
      // A widget's stream missing from the answer has nothing pushed yet: cached as such (null, as fetchStream's 404).
      for (const widget of Object.values(doc.widgets)) {
        if (widget.stream) this.#cache.set(`stream:${widget.stream}`, { etag: null, value: streams[widget.stream] ?? null, fetchedAt: now });
      }
      return { doc, notModified: false, epoch };
    });
  }

  /**
   * What the dashboards' live reads in flight now bring for `topic` (a stream's snapshot, or
   * null when it has nothing pushed yet), once they land; undefined when none is in flight or
   * none brought it. Asks nothing itself.
   */
  async fromLiveRead<T>(topic: string): Promise<T | undefined> {
    const live = [...this.#inFlight].filter(([k]) => k.startsWith('live:')).map(([, p]) => p);
    if (live.length === 0) return undefined;
    const asked = this.#now();
    await Promise.allSettled(live);
    const entry = this.#cache.get(topic) as CacheEntry<T> | undefined;
    return entry && entry.fetchedAt >= asked ? entry.value : undefined;
  }

  /** Fetches a stream's latest value and history; one request per key in flight. */
  fetchStream(key: string): Promise<HttpStreamSnapshot | null> {
    const topic = `stream:${key}`;
    if (!this.online) return Promise.reject(offlineError());
    return this.#dedupe(topic, false, async () => {
      // A dashboard's live read in flight may bring this stream: wait for it rather than ask twice.
      const brought = await this.fromLiveRead<HttpStreamSnapshot | null>(topic);
      if (brought !== undefined) return brought;
      try {
        const response = await this.#http.request<HttpStreamSnapshot>('GET', `/api/streams/${encodeURIComponent(key)}`);
        this.#monitor.recordCache(false);
        this.#cache.set(topic, { etag: null, value: response.body, fetchedAt: this.#now() });
        return response.body;
      } catch (error) {
        if (isPulseboardError(error) && error.status === 404) return null;
        throw error;
      }
    });
  }

  /** Pushes one value over HTTP (the socket's `publish` fallback). */
  async publish(key: string, value: PointValue): Promise<number> {
    if (!this.online) throw offlineError();
    const response = await this.#http.request<{ offset: number | null }>('POST', `/api/streams/${encodeURIComponent(key)}`, { body: { points: [{ value }] } });
    return response.body?.offset ?? 0;
  }

  /** Surfaces a failure from elsewhere in the sync path (e.g. the offline store) as `lastError`. */
  reportError(error: unknown): void {
    this.update({ lastError: toError(error) });
  }

  /** Refreshes every held target now (de-duplicated per key). */
  refreshNow = (): Promise<void> => this.refreshAll('manual', false);

  /** Forces a refresh of one topic (epoch change, gap). */
  invalidate(topic: string): void {
    const entry = this.#cache.get(topic);
    if (entry) entry.fetchedAt = 0;
    const target = this.#targets.get(topic);
    // Offline: the stale entry is refreshed on `online`.
    if (target && this.online) void this.#run([target], 'invalidate');
  }

  /** Refreshes held targets (none while offline: the `online` signal refreshes them). */
  async refreshAll(reason: RefreshReason, skipFresh: boolean): Promise<void> {
    if (this.#closed || !this.online) return;
    const targets = [...this.#targets.values()].filter((t) => !skipFresh || !this.isFresh(t.topic));
    await this.#run(targets, reason);
  }

  close(): void {
    this.#closed = true;
    if (this.#refreshTimer) clearInterval(this.#refreshTimer);
    if (this.#fallbackTimer) clearTimeout(this.#fallbackTimer);
    this.#refreshTimer = this.#fallbackTimer = null;
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    this.#targets.clear();
  }

  async #run(targets: RefreshTarget[], reason: RefreshReason): Promise<void> {
    if (targets.length === 0) return;
    this.update({ refreshing: true });
    const results = await Promise.allSettled(targets.map((t) => t.refresh(reason)));
    if (this.#closed) return;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    this.update({
      refreshing: this.#inFlight.size > 0,
      ...(failure ? { lastError: toError(failure.reason) } : { lastSyncedAt: this.#now(), lastError: null }),
    });
  }

  #dedupe<T>(key: string, fresh: boolean, run: () => Promise<T>): Promise<T> {
    const existing = this.#inFlight.get(key);
    if (existing && !fresh) return existing as Promise<T>;
    const promise: Promise<T> = run().finally(() => {
      if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, promise);
    return promise;
  }

  #onEnvironment(signal: EnvironmentSignal): void {
    if (signal === 'online') {
      this.#resumeFallback();
      void this.refreshAll(signal, true);
    } else if (signal === 'focus') void this.refreshAll(signal, true);
    else if (signal === 'offline' && this.#fallbackTimer) {
      clearTimeout(this.#fallbackTimer);
      this.#fallbackTimer = null;
      this.update({ httpFallback: false });
    }
  }

  /**
   * Back online while the socket is still down: the socket reconnects at once (it reacts
   * to `online` too), so it gets `httpFallbackAfterMs` again before HTTP carries mutations.
   */
  #resumeFallback(): void {
    if (this.#closed || this.#downSince === null) return;
    this.#downSince = this.#now();
    if (this.#fallbackTimer) clearTimeout(this.#fallbackTimer);
    this.#fallbackTimer = null;
    this.#onConnectionChange();
  }

  /** Tracks how long the socket has been down and arms the HTTP fallback. */
  #onConnectionChange(): void {
    if (this.#closed) return;
    const state = this.#connection.state;
    const down = state === 'reconnecting' || state === 'offline' || state === 'connecting';
    if (!down) {
      this.#downSince = null;
      if (this.#fallbackTimer) clearTimeout(this.#fallbackTimer);
      this.#fallbackTimer = null;
      this.update({ httpFallback: false });
      return;
    }
    if (this.#downSince === null) this.#downSince = this.#now();
    if (!this.#fallbackTimer && this.online) {
      const wait = Math.max(0, this.#downSince + this.#config.httpFallbackAfterMs - this.#now());
      this.#fallbackTimer = setTimeout(() => void this.#fallbackTick(), wait);
    }
  }

  async #fallbackTick(): Promise<void> {
    this.#fallbackTimer = null;
    if (this.#closed || this.#downSince === null) return;
    if (!this.online) {
      // Re-armed on `online`.
      this.update({ httpFallback: false });
      return;
    }
    this.update({ httpFallback: true });
    if (!this.#fallbackRunning) {
      this.#fallbackRunning = true;
      try {
        await this.#sendQueueOverHttp();
        await this.refreshAll('fallback', true);
      } catch (error) {
        this.update({ lastError: toError(error) });
      } finally {
        this.#fallbackRunning = false;
      }
    }
    if (this.#closed || this.#downSince === null || this.#fallbackTimer || !this.online) return;
    this.#fallbackTimer = setTimeout(() => void this.#fallbackTick(), this.#config.httpFallbackIntervalMs);
  }

  /** Sends due entries in order, one request per run of consecutive entries of one dashboard. */
  async #sendQueueOverHttp(): Promise<void> {
    for (;;) {
      if (this.#closed || this.#downSince === null || !this.online) return;
      const due = this.#queue.due();
      const first = due[0];
      if (!first) return;
      const batch: QueueEntry[] = [];
      for (const entry of due) {
        if (entry.dashboardId !== first.dashboardId || batch.length >= this.#config.httpBatchMaxMutations) break;
        batch.push(entry);
      }
      this.#queue.markSent(batch);
      const response = await this.#http.request<HttpMutationsResponse>(
        'POST',
        `/api/dashboards/${encodeURIComponent(first.dashboardId)}/mutations`,
        { body: { clientId: this.#queue.clientId, mutations: batch.map(({ mutationId, name, args }) => ({ mutationId, name, args })) } },
      );
      const body = response.body!;
      this.#onMutationResults(first.dashboardId, body.results, body.lastMutationId);
      // An out-of-order answer means the server wants an earlier id: stop and let the next tick resend.
      if (body.results.some((r) => r.error?.code === 'out_of_order')) return;
    }
  }
}

function offlineError(): PulseboardError {
  return new PulseboardError('offline', 'the browser is offline: no request was made');
}

function toError(error: unknown): { code: string; message: string } {
  if (isPulseboardError(error)) return { code: error.code, message: error.message };
  return { code: 'error', message: error instanceof Error ? error.message : String(error) };
}
