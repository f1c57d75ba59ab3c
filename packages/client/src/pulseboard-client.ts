import { applyMutation, PulseboardError, type MutationRunner, type PointValue } from '@pulseboard/model';
import { parseTopic, type AckMessage, type ErrorMessage, type HttpMutationResult, type PublishedMessage } from '@pulseboard/protocol';
import { BackgroundSync } from './background-sync.js';
import { DashboardHandleImpl, DashboardStore } from './dashboard-store.js';
import { EnvironmentManager } from './environment-manager.js';
import { HttpClient } from './http-client.js';
import { MutationQueue, type QueueEntry } from './mutation-queue.js';
import { installMutationRunner, mutationRunnerSlot } from './mutation-runner.js';
import { MutationSettlement } from './mutation-settlement.js';
import { ClientNotices } from './notice-log.js';
import { MemoryOfflineStore } from './offline-store.js';
import { PerformanceMonitor } from './performance-monitor.js';
import { pulseboardApi, type DashboardsApi, type SharesApi, type StreamsApi, type TokensApi } from './pulseboard-api.js';
import { resolveRealtimeConfig, type RealtimeConfig } from './realtime-config.js';
import { isResolvedRealtimeConfig, REALTIME_CONFIG_DEFAULTS } from './realtime-defaults.js';
import { StreamHandleImpl, StreamStore } from './stream-store.js';
import { TopicPersistence } from './topic-persistence.js';
import type { TopicStore } from './topic-store.js';
import type { DashboardHandle, DashboardHandleOptions, DashboardSnapshot, PulseboardClient, PulseboardClientOptions, StreamHandle, StreamSnapshot, WebSocketConstructor } from './types.js';
import { UpdateProcessor } from './update-processor.js';
import { WebSocketManager } from './websocket-manager.js';

/** Extra knobs for tests: a driven environment, clock and randomness. */
export interface PulseboardClientInternals {
  environment?: EnvironmentManager;
  now?: () => number;
  random?: () => number;
}

/** Creates a client; it loads its persisted state and (by default) connects at once. */
export function createPulseboardClient(options: PulseboardClientOptions, internals: PulseboardClientInternals = {}): PulseboardClient {
  installMutationRunner(applyMutation);
  return new PulseboardClientImpl(options, internals, resolveRealtimeConfig(options.config), null);
}

/** What `createPulseboardClientCore` takes: the client's options, with resolved settings and a way to load the mutators. */
export interface PulseboardClientCoreOptions extends Omit<PulseboardClientOptions, 'config'> {
  /** Settings made by `resolveRealtimeConfig` (which brings zod); REALTIME_CONFIG_DEFAULTS when left out. */
  config?: RealtimeConfig;
  /**
   * Loads the model's `applyMutation` (e.g. `() => import('./mutators').then((m) => m.applyMutation)`),
   * called when the client holds a pending edit before the app installed them
   * (`installMutationRunner`): a persisted offline queue, or an edit made first. Retried after a failure.
   */
  loadMutations?: () => Promise<MutationRunner>;
}

/**
 * Creates a client like `createPulseboardClient` without importing zod or the mutators, for an
 * app whose viewers never edit: the app installs the mutators (`installMutationRunner`) in the
 * code that makes edits, and pending edits show from then on; nothing waits for them.
 */
export function createPulseboardClientCore(options: PulseboardClientCoreOptions, internals: PulseboardClientInternals = {}): PulseboardClient {
  const config = options.config ?? REALTIME_CONFIG_DEFAULTS;
  if (!isResolvedRealtimeConfig(config)) throw new PulseboardError('invalid_config', 'options.config must come from resolveRealtimeConfig');
  return new PulseboardClientImpl(options, internals, config, options.loadMutations ?? null);
}

/** A random id usable as clientId (URL-safe, 22 chars). */
export function randomClientId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[b & 63];
  return `c_${out.slice(0, 20)}`;
}

/** The socket URL for an HTTP base: http→ws, https→wss, path `/ws`. */
export function socketUrl(httpBase: string): string {
  const url = new URL(httpBase);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = '';
  return url.toString();
}

/** How long a `publish` over the socket waits for its `published` before failing. */
const PUBLISH_TIMEOUT_FACTOR = 1;
/** How long a mutation refused with `storage_unavailable` waits before it is sent again. */
const STORAGE_RETRY_MS = 1_000;
/** The first wait after a failed load of the mutators; it doubles per failure up to the max. */
const MUTATIONS_RETRY_MIN_MS = 1_000;
const MUTATIONS_RETRY_MAX_MS = 30_000;

class PulseboardClientImpl implements PulseboardClient {
  readonly config: RealtimeConfig;
  readonly ready: Promise<void>;
  readonly connection: WebSocketManager;
  readonly sync: BackgroundSync;
  readonly monitor: PerformanceMonitor;
  readonly notices: ClientNotices;
  readonly dashboards: DashboardsApi;
  readonly streams: StreamsApi;
  readonly shares: SharesApi;
  readonly tokens: TokensApi;
  readonly me: PulseboardClient['me'];
  readonly request: PulseboardClient['request'];
  readonly #environment: EnvironmentManager;
  readonly #ownsEnvironment: boolean;
  readonly #queue: MutationQueue;
  readonly #settlement: MutationSettlement;
  readonly #processor: UpdateProcessor;
  readonly #persistence: TopicPersistence;
  readonly #dashboards = new Map<string, DashboardStore>();
  readonly #streams = new Map<string, StreamStore>();
  readonly #publishes = new Map<number, { resolve: (offset: number) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  readonly #now: () => number;
  readonly #cleanup: Array<() => void> = [];
  readonly #loadMutations: (() => Promise<MutationRunner>) | null;
  #mutationsLoading = false;
  #mutationsRetry: ReturnType<typeof setTimeout> | null = null;
  #publishId = 0;
  #closed = false;

  constructor(options: Omit<PulseboardClientOptions, 'config'>, internals: PulseboardClientInternals, config: RealtimeConfig, loadMutations: (() => Promise<MutationRunner>) | null) {
    this.config = config;
    this.#loadMutations = loadMutations;
    this.#now = internals.now ?? Date.now;
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketClass) throw new PulseboardError('no_websocket', 'no WebSocket here: pass options.WebSocket (e.g. the `ws` package in Node)');
    const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (!fetchFn) throw new PulseboardError('no_fetch', 'no fetch here: pass options.fetch');
    this.#ownsEnvironment = !internals.environment;
    this.#environment = internals.environment ?? new EnvironmentManager();
    const store = options.store ?? new MemoryOfflineStore();
    const storeKey = options.storeKey ?? options.clientId ?? 'default';
    this.#persistence = new TopicPersistence({ store, key: storeKey, environment: this.#environment, now: this.#now });
    this.#queue = new MutationQueue({
      store,
      storeKey,
      clientId: options.clientId ?? randomClientId(),
      now: this.#now,
    });
    // Persisted state (offline queue, topic positions) is loaded before the hello, so the hello
    // carries the stored clientId and the first subscribes their positions.
    this.ready = Promise.all([this.#queue.load(options.clientId !== undefined), this.#persistence.loaded]).then(() => {});
    this.monitor = new PerformanceMonitor({ sampleSize: this.config.latencySampleSize, rateWindowMs: this.config.rateWindowMs, now: this.#now });
    this.connection = new WebSocketManager({
      url: socketUrl(options.url),
      WebSocket: WebSocketClass,
      config: this.config,
      environment: this.#environment,
      hello: () => ({ clientId: this.#queue.clientId, ...(options.token ? { token: options.token } : {}), ...(options.name ? { name: options.name } : {}) }),
      helloAfter: this.ready,
      now: this.#now,
      ...(internals.random ? { random: internals.random } : {}),
    });
    this.notices = new ClientNotices({ max: this.config.maxNotices, now: this.#now });
    this.#settlement = new MutationSettlement({ queue: this.#queue, notices: this.notices });
    this.#processor = new UpdateProcessor({
      frameIntervalMs: this.config.frameIntervalMs,
      environment: this.#environment,
      onFlush: () => {
        this.monitor.recordFrame();
        this.monitor.publish();
      },
    });
    const http = new HttpClient({ baseUrl: options.url, fetch: fetchFn, timeoutMs: this.config.requestTimeoutMs, ...(options.token ? { token: options.token } : {}) });
    this.sync = new BackgroundSync({
      http,
      config: this.config,
      queue: this.#queue,
      monitor: this.monitor,
      connection: this.connection,
      environment: this.#environment,
      onMutationResults: (dashboardId, results, last) => this.#onHttpResults(dashboardId, results, last),
      now: this.#now,
    });
    ({ dashboards: this.dashboards, streams: this.streams, shares: this.shares, tokens: this.tokens, me: this.me, request: this.request } = pulseboardApi(http));
    this.#queue.onError = (error) => this.sync.reportError(error);
    this.#route();
    this.#cleanup.push(
      this.#queue.subscribe(() => {
        this.monitor.setPending(this.#queue.length);
        if (this.#queue.length > 0) this.#ensureMutations(0);
      }),
    );
    // Mutators installed later: every held dashboard's pending edits show at the next frame.
    if (!mutationRunnerSlot.runner) this.#cleanup.push(mutationRunnerSlot.subscribe(() => this.#dashboards.forEach((store) => this.#processor.schedule(store))));
    // The socket opens while persisted state loads; its hello waits for it (`helloAfter`).
    if (options.autoConnect !== false) this.connection.connect();
  }

  get clientId(): string {
    return this.#queue.clientId;
  }

  connect(): void {
    if (!this.#closed) this.connection.connect();
  }

  /** Loads the mutators if they are missing (one attempt at a time); a failure retries after a growing pause. */
  #ensureMutations(failures: number): void {
    const load = this.#loadMutations;
    if (!load || mutationRunnerSlot.runner || this.#mutationsLoading || this.#mutationsRetry || this.#closed) return;
    this.#mutationsLoading = true;
    load().then(
      (runner) => {
        this.#mutationsLoading = false;
        installMutationRunner(runner);
      },
      (error: unknown) => {
        this.#mutationsLoading = false;
        if (this.#closed) return;
        console.warn('loading the mutators failed; pending edits show once they load', error);
        const waitMs = Math.min(MUTATIONS_RETRY_MAX_MS, MUTATIONS_RETRY_MIN_MS * 2 ** failures);
        this.#mutationsRetry = setTimeout(() => {
          this.#mutationsRetry = null;
          this.#ensureMutations(failures + 1);
        }, waitMs);
      },
    );
  }

  dashboard(id: string, options?: DashboardHandleOptions): DashboardHandle {
    this.#assertOpen();
    const deps = { config: this.config, connection: this.connection, queue: this.#queue, settlement: this.#settlement, processor: this.#processor, sync: this.sync, monitor: this.monitor, persistence: this.#persistence, stream: (key: string) => (this.#closed ? null : this.stream(key)), now: this.#now };
    let created = false;
    const store = hold(this.#dashboards, id, () => ((created = true), new DashboardStore(id, deps, () => this.#queue.clientId)));
    const handle = new DashboardHandleImpl(store, (s) => release(this.#dashboards, id, s), options);
    if (created) store.firstRead();
    return handle;
  }

  stream(key: string): StreamHandle {
    this.#assertOpen();
    const deps = { config: this.config, connection: this.connection, processor: this.#processor, sync: this.sync, monitor: this.monitor, persistence: this.#persistence, now: this.#now };
    const store = hold(this.#streams, key, () => new StreamStore(key, deps));
    return new StreamHandleImpl(store, (s) => release(this.#streams, key, s));
  }

  peekDashboard(id: string): DashboardSnapshot | null {
    return this.#dashboards.get(id)?.getSnapshot() ?? null;
  }

  peekStream(key: string): StreamSnapshot | null {
    return this.#streams.get(key)?.getSnapshot() ?? null;
  }

  publish(key: string, value: PointValue): Promise<number> {
    this.#assertOpen();
    const id = ++this.#publishId;
    if (!this.connection.send({ type: 'publish', id, stream: key, value })) return this.sync.publish(key, value);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#publishes.delete(id);
        reject(new PulseboardError('timeout', `publish to "${key}" was not confirmed in time`));
      }, this.config.requestTimeoutMs * PUBLISH_TIMEOUT_FACTOR);
      this.#publishes.set(id, { resolve, reject, timer });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#processor.flush();
    this.#processor.cancel();
    for (const store of this.#dashboards.values()) store.close();
    for (const store of this.#streams.values()) store.close();
    this.#dashboards.clear();
    this.#streams.clear();
    for (const { reject, timer } of this.#publishes.values()) {
      clearTimeout(timer);
      reject(new PulseboardError('closed', 'the client was closed'));
    }
    this.#publishes.clear();
    if (this.#mutationsRetry) clearTimeout(this.#mutationsRetry);
    for (const fn of this.#cleanup.splice(0)) fn();
    this.sync.close();
    this.monitor.close();
    this.connection.close();
    if (this.#ownsEnvironment) this.#environment.destroy();
    await this.ready.catch(() => {});
    await this.#persistence.close();
    await this.#queue.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new PulseboardError('closed', 'the client was closed');
  }

  /** Message routing: topic messages to their store (applied per frame), the rest here. */
  #route(): void {
    const c = this.connection;
    const toTopic = (topic: string, message: Parameters<DashboardStore['enqueue']>[0] & Parameters<StreamStore['enqueue']>[0]) => {
      const parsed = parseTopic(topic);
      if (parsed?.kind === 'dashboard') this.#dashboards.get(parsed.id)?.enqueue(message);
      else if (parsed?.kind === 'stream') this.#streams.get(parsed.key)?.enqueue(message);
    };
    this.#cleanup.push(
      c.on('event', (m) => toTopic(m.topic, m)),
      c.on('subscribed', (m) => toTopic(m.topic, m)),
      c.on('presence', (m) => this.#dashboards.get(parseTopicId(m.topic))?.enqueue(m)),
      c.on('ack', (m) => this.#onAck(m)),
      c.on('error', (m) => this.#onError(m)),
      c.on('published', (m) => this.#onPublished(m)),
      c.on('welcome', (m) => {
        this.monitor.setClockOffset(m.serverTime - this.#now());
        this.#onWelcome(m.lastMutationId);
      }),
      c.subscribe(() => {
        if (c.state !== 'open') this.#queue.setSender(null);
        this.monitor.setReconnects(c.getSnapshot().reconnects);
      }),
    );
  }

  #onWelcome(lastMutationId: number): void {
    this.#settlement.welcome(lastMutationId);
    this.#queue.setSender((entry: QueueEntry) =>
      this.connection.send({ type: 'mutate', dashboardId: entry.dashboardId, mutationId: entry.mutationId, name: entry.name, args: entry.args }),
    );
  }

  #onAck(ack: AckMessage): void {
    // A held dashboard settles it in its frame, in order with the events around it.
    this.#settlement.received(ack, () => this.#dashboards.get(ack.dashboardId)?.enqueue(ack));
  }

  #onError(error: ErrorMessage): void {
    if (error.ref?.topic) {
      const parsed = parseTopic(error.ref.topic);
      if (parsed?.kind === 'dashboard') this.#dashboards.get(parsed.id)?.enqueue(error);
      else if (parsed?.kind === 'stream') this.#streams.get(parsed.key)?.enqueue(error);
      return;
    }
    const expected = error.details?.expected;
    const mutationId = error.ref?.type === 'mutate' ? error.ref.mutationId : undefined;
    if (typeof mutationId === 'number' && error.code !== 'out_of_order') return this.#onMutateRefused(mutationId, error);
    if (error.code === 'out_of_order' && typeof expected === 'number') this.#settlement.outOfOrder(expected);
    else if (error.code === 'rate_limited' && error.details) this.#onDropped(error.message, error.details);
    // The server warns before cutting a connection that cannot keep up (the manager reconnects at once after the cut).
    else if (error.code === 'lagging') this.sync.reportError(new PulseboardError('lagging', error.message, { details: error.details ?? {} }));
    if (error.ref?.type === 'publish' && typeof error.ref.id === 'number') this.#settlePublish(error.ref.id, new PulseboardError(error.code, error.message));
  }

  /**
   * A `mutate` the server answered with an error instead of an ack: nothing was recorded.
   * `storage_unavailable` (the database is down) is sent again after a pause, as a dropped
   * mutation is; any other code (`bad_message`: its envelope can never be taken) settles it
   * as refused, with the server's reason, and the next one is renumbered after `out_of_order`.
   */
  #onMutateRefused(mutationId: number, error: ErrorMessage): void {
    if (error.code === 'storage_unavailable') {
      this.sync.reportError(new PulseboardError(error.code, error.message));
      return this.#settlement.dropped([[mutationId, mutationId]], STORAGE_RETRY_MS);
    }
    const dashboardId = this.#queue.get(mutationId)?.dashboardId;
    if (dashboardId === undefined) return;
    const refusal = { type: 'ack' as const, dashboardId, mutationId, status: 'rejected' as const, conflicts: [], error: { code: error.code, message: error.message } };
    this.#settlement.received(refusal, () => this.#dashboards.get(dashboardId)?.enqueue(refusal));
  }

  /** A `rate_limited` report (contract C4): dropped mutations are resent after the pause, dropped publishes fail. */
  #onDropped(message: string, details: Record<string, unknown>): void {
    const retryAfterMs = typeof details.retryAfterMs === 'number' ? details.retryAfterMs : this.config.reconnectMinDelayMs;
    const ranges = Array.isArray(details.mutationIds) ? details.mutationIds.filter(isIdRange) : [];
    if (ranges.length > 0) this.#settlement.dropped(ranges, retryAfterMs);
    for (const id of Array.isArray(details.publishIds) ? details.publishIds : []) {
      if (typeof id === 'number') this.#settlePublish(id, new PulseboardError('rate_limited', `${message}: this publish was dropped; retry after ${retryAfterMs} ms`, { details: { retryAfterMs } }));
    }
  }

  #settlePublish(id: number, error: PulseboardError): void {
    const pending = this.#publishes.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#publishes.delete(id);
    pending.reject(error);
  }

  #onPublished(message: PublishedMessage): void {
    if (typeof message.id !== 'number') return;
    const pending = this.#publishes.get(message.id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#publishes.delete(message.id);
    pending.resolve(message.offset);
  }

  #onHttpResults(dashboardId: string, results: HttpMutationResult[], lastMutationId: number): void {
    this.#settlement.httpResults(dashboardId, results, lastMutationId);
    const store = this.#dashboards.get(dashboardId);
    if (store) void store.refresh('fallback').catch(() => {});
  }
}

function isIdRange(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && Number.isInteger(value[0]) && Number.isInteger(value[1]) && value[0] <= value[1];
}

/** The store held under `key`, created on first use (each handle retains it). */
function hold<S extends TopicStore<unknown, unknown>>(stores: Map<string, S>, key: string, create: () => S): S {
  let store = stores.get(key);
  if (!store) {
    store = create();
    stores.set(key, store);
  }
  return store;
}

/** A handle gave `store` back: the last one closes it (unsubscribing its topic). */
function release<S extends TopicStore<unknown, unknown>>(stores: Map<string, S>, key: string, store: S): void {
  if (store.releaseOne() && stores.get(key) === store) {
    stores.delete(key);
    store.close();
  }
}

function parseTopicId(topic: string): string {
  const parsed = parseTopic(topic);
  return parsed?.kind === 'dashboard' ? parsed.id : '';
}
