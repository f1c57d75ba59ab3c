/**
 * Client core costs (issue 3), measured on @pulseboard/client's public API in one process
 * with a scripted server behind a fake WebSocket (no network, so only the client's CPU):
 *
 * - remote batch: one frame of 1,000 remote events (dashboard mutations by another client;
 *   stream points over 10 streams) until the subscribers are notified and the view is read;
 * - rebase: RealtimeState's view recomputed over 100 pending mutations;
 * - reconnects: heap after a forced GC across 10,000 close → reconnect → welcome →
 *   resubscribe cycles, holding a dashboard and three streams.
 *
 * `npm run bench` runs it in a child process (with --expose-gc); alone:
 *   npx tsx --expose-gc bench/client-core.ts [--quick]
 */
import { applyMutation, createDashboard, type Dashboard } from '@pulseboard/model';
import { Feature, slimDashboardData, type DashboardEventData } from '@pulseboard/protocol';
import { createPulseboardClient, installMutationRunner, RealtimeState, type PendingMutation, type PulseboardClient, type WebSocketLike } from '@pulseboard/client';
import { performance } from 'node:perf_hooks';
import { serveRequests } from './lib/rpc.js';
import { percentile } from './lib/stats.js';

const DASHBOARD_ID = 'bench';
const WIDGETS = 24;
const EPOCH = 'bench-epoch';
const OTHER_CLIENT = 'other-client-0001';

export interface ClientCoreOptions {
  /** Events in the remote frame. */
  batchEvents: number;
  batchRepetitions: number;
  pendingMutations: number;
  rebaseRepetitions: number;
  reconnectCycles: number;
}

export const CLIENT_CORE_FULL: ClientCoreOptions = { batchEvents: 1_000, batchRepetitions: 20, pendingMutations: 100, rebaseRepetitions: 50, reconnectCycles: 10_000 };
export const CLIENT_CORE_QUICK: ClientCoreOptions = { batchEvents: 1_000, batchRepetitions: 5, pendingMutations: 100, rebaseRepetitions: 20, reconnectCycles: 2_000 };

export interface ClientCoreResult {
  /** Client CPU (ms) to apply one frame of `batchEvents` remote dashboard mutations. */
  dashboardBatchCpuMs: { p50: number; p95: number };
  /** Client CPU (ms) to apply one frame of `batchEvents` stream points (10 streams). */
  streamBatchCpuMs: { p50: number; p95: number };
  /**
   * The same frames' main-thread time (ms): the event loop's active time from delivery to the
   * notified read (`performance.eventLoopUtilization`; GC pauses of the main thread included,
   * the wait for the next frame not). Process CPU above also counts the GC's helper threads
   * (concurrent marking and sweeping), which do not hold the frame up.
   */
  dashboardBatchMainMs: { p50: number; p95: number };
  streamBatchMainMs: { p50: number; p95: number };
  /** CPU time (ms) of one rebase over `pendingMutations` pending mutations. */
  rebaseCpuMs: { p50: number; p95: number };
  reconnect: {
    cycles: number;
    /** heapUsed after a forced GC at each checkpoint (MB), the first after a warm-up. */
    heapMb: number[];
    /** Heap change from the first to the last checkpoint (KB). */
    growthKb: number;
    bytesPerCycle: number;
    socketsOpened: number;
    ms: number;
  };
  options: ClientCoreOptions;
}

// ---- a dashboard to work on ------------------------------------------------------------------

function benchDashboard(): Dashboard {
  let doc = createDashboard({ id: DASHBOARD_ID, title: 'Bench', now: new Date(0).toISOString() });
  for (let i = 0; i < WIDGETS; i++) {
    const outcome = applyMutation(
      doc,
      'addWidget',
      { widget: { id: `w${i}`, type: 'stat', title: `Widget ${i}`, layout: { w: 3, h: 2 }, stream: `s${i % 10}`, options: { unit: 'ms' } } },
      { clientId: OTHER_CLIENT, mutationId: i + 1 },
    );
    doc = outcome.doc;
  }
  return doc;
}

/** The i-th edit of a mixed sequence: moves, resizes and field updates of various widgets. */
function edit(i: number): { name: string; args: unknown } {
  const id = `w${(i * 7) % WIDGETS}`;
  switch (i % 3) {
    case 0:
      return { name: 'moveWidget', args: { id, x: (i * 5) % 10, y: (i * 3) % 12 } };
    case 1:
      return { name: 'resizeWidget', args: { id, w: 2 + (i % 4), h: 1 + (i % 3) } };
    default:
      return { name: 'updateWidget', args: { id, set: { title: `Edited ${i}`, options: { decimals: i % 4 } } } };
  }
}

// ---- a scripted server behind a fake WebSocket ---------------------------------------------

class ScriptedServer {
  doc = benchDashboard();
  offsets = new Map<string, number>([[`dashboard:${DASHBOARD_ID}`, 0]]);
  socket: ScriptedSocket | null = null;
  socketsOpened = 0;
  /** Subscriptions a connection must make before it counts as resubscribed. */
  expectedTopics = 0;
  #subscribed = 0;
  #onResubscribed: (() => void) | null = null;

  /** The WebSocket class the client is given. */
  readonly WebSocket = (() => {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const server = this;
    return class extends ScriptedSocket {
      constructor(url: string) {
        super(url, server);
      }
    };
  })();

  attach(socket: ScriptedSocket): void {
    this.socket = socket;
    this.socketsOpened += 1;
    this.#subscribed = 0;
  }

  /** Resolves once the current connection has said hello and subscribed to every topic. */
  resubscribed(): Promise<void> {
    if (this.#subscribed >= this.expectedTopics && this.socket?.readyState === 1) return Promise.resolve();
    return new Promise((resolve) => (this.#onResubscribed = resolve));
  }

  receive(socket: ScriptedSocket, message: { type: string; topic?: string; clientId?: string; features?: string[] }): void {
    if (message.type === 'hello') {
      // As the server does: the event-rows encoding for a client that asks for it.
      this.eventRows = message.features?.includes(Feature.EVENT_ROWS) === true;
      socket.deliverLater({ type: 'welcome', protocol: 1, connectionId: `c${this.socketsOpened}`, clientId: message.clientId, lastMutationId: 0, heartbeatIntervalMs: 15_000, serverTime: Date.now() });
    } else if (message.type === 'subscribe' && message.topic) {
      const topic = message.topic;
      const offset = this.offsets.get(topic) ?? 0;
      this.offsets.set(topic, offset);
      const snapshot = topic.startsWith('dashboard:')
        ? { ...this.doc, version: offset }
        : { key: topic.slice('stream:'.length), latest: null, latestTs: null, history: [] };
      socket.deliverLater({ type: 'subscribed', topic, epoch: EPOCH, offset, recovered: false, snapshot });
      this.#subscribed += 1;
      if (this.#subscribed >= this.expectedTopics) {
        // After the `subscribed` frames above reach the client.
        setImmediate(() => {
          const resolve = this.#onResubscribed;
          this.#onResubscribed = null;
          resolve?.();
        });
      }
    }
  }

  /** The client asked for the event-rows encoding in its last hello. */
  eventRows = false;

  /** A frame of events in the form the client asked for: `event` messages, or rows grouped per topic. */
  frame(events: Array<{ topic: string; offset: number; ts: number; data: { ts?: number; value?: unknown } | object }>): string {
    if (!this.eventRows) return JSON.stringify(events.map((e) => ({ type: 'event', topic: e.topic, epoch: EPOCH, offset: e.offset, ts: e.ts, data: e.data })));
    const groups = new Map<string, { type: 'events'; topic: string; epoch: string; offset: number; rows: unknown[] }>();
    for (const e of events) {
      let group = groups.get(e.topic);
      if (!group) groups.set(e.topic, (group = { type: 'events', topic: e.topic, epoch: EPOCH, offset: e.offset, rows: [] }));
      const point = e.topic.startsWith('stream:') ? (e.data as { ts: number; value: unknown }) : null;
      group.rows.push(point ? (point.ts === e.ts ? [e.ts, point.value] : [e.ts, point.value, point.ts]) : [e.ts, slimDashboardData(e.data as DashboardEventData)]);
    }
    const messages = [...groups.values()];
    return JSON.stringify(messages.length === 1 ? messages[0] : messages);
  }

  /** A frame of `count` remote dashboard mutations (applied to the server's doc too). */
  dashboardFrame(count: number, seed: number): string {
    const topic = `dashboard:${DASHBOARD_ID}`;
    const events: Array<{ topic: string; offset: number; ts: number; data: object }> = [];
    let offset = this.offsets.get(topic) ?? 0;
    for (let i = 0; i < count; i++) {
      const { name, args } = edit(seed * count + i);
      offset += 1;
      const mutationId = 1_000_000 + offset;
      const outcome = applyMutation(this.doc, name, args, { clientId: OTHER_CLIENT, mutationId });
      this.doc = { ...outcome.doc, version: offset };
      events.push({
        topic,
        offset,
        ts: Date.now(),
        data: { kind: 'mutation', clientId: OTHER_CLIENT, mutationId, name, args, status: 'applied', touched: outcome.touched, conflicts: [], ...(outcome.patch ? { patch: outcome.patch } : {}) },
      });
    }
    this.offsets.set(topic, offset);
    return this.frame(events);
  }

  /** A frame of `count` points spread over `streams` streams. */
  streamFrame(count: number, streams: number): string {
    const events: Array<{ topic: string; offset: number; ts: number; data: { ts: number; value: number } }> = [];
    for (let i = 0; i < count; i++) {
      const topic = `stream:s${i % streams}`;
      const offset = (this.offsets.get(topic) ?? 0) + 1;
      this.offsets.set(topic, offset);
      const ts = Date.now();
      events.push({ topic, offset, ts, data: { ts, value: i } });
    }
    return this.frame(events);
  }

  /** fetch for the client's background sync: 304 for a dashboard it has, 404 for streams. */
  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = new Headers(init?.headers);
    if (url.pathname.startsWith('/api/dashboards/')) {
      if (headers.get('if-none-match')) return new Response(null, { status: 304 });
      const offset = this.offsets.get(`dashboard:${DASHBOARD_ID}`) ?? 0;
      return new Response(JSON.stringify({ ...this.doc, version: offset }), { status: 200, headers: { etag: `"${offset}"`, 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }), { status: 404 });
  }) as typeof fetch;
}

class ScriptedSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;

  constructor(
    readonly url: string,
    readonly server: ScriptedServer,
  ) {
    server.attach(this);
    setImmediate(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.onopen?.({});
    });
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('ScriptedSocket: not open');
    this.server.receive(this, JSON.parse(data) as { type: string });
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setImmediate(() => this.onclose?.({ code, reason }));
  }

  /** The server drops the connection (as a network failure would). */
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }

  deliver(text: string): void {
    this.onmessage?.({ data: text });
  }

  deliverLater(message: unknown): void {
    const text = JSON.stringify(message);
    setImmediate(() => {
      if (this.readyState === 1) this.deliver(text);
    });
  }
}

// ---- the measurements ---------------------------------------------------------------------

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1_000;
}

function p50p95(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

function openClient(server: ScriptedServer, config: Record<string, number> = {}): PulseboardClient {
  return createPulseboardClient(
    { url: 'http://bench.invalid', WebSocket: server.WebSocket, fetch: server.fetch, clientId: 'bench-client-0001', config },
    { random: () => 0 },
  );
}

/** CPU of applying remote frames: from the frame's arrival to the subscribers' notification. */
async function measureRemoteBatches(options: ClientCoreOptions): Promise<{ dashboard: number[]; stream: number[]; dashboardMain: number[]; streamMain: number[] }> {
  const server = new ScriptedServer();
  const streams = 10;
  server.expectedTopics = 1 + streams;
  const client = openClient(server);
  try {
    await client.ready;
    const dashboard = client.dashboard(DASHBOARD_ID);
    const streamHandles = Array.from({ length: streams }, (_, i) => client.stream(`s${i}`));
    await server.resubscribed();
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (!dashboard.getSnapshot().loaded) throw new Error('client-core: the dashboard did not load from the scripted snapshot');

    const notified = (store: { subscribe(listener: () => void): () => void }, read: () => void): Promise<void> =>
      new Promise((resolve) => {
        const off = store.subscribe(() => {
          off();
          read();
          resolve();
        });
      });

    const dashboardCpu: number[] = [];
    const streamCpu: number[] = [];
    const dashboardMain: number[] = [];
    const streamMain: number[] = [];
    // Every frame is made before the first is measured: making one runs the server's
    // mutators (grid compaction and all), and the garbage that leaves would otherwise be
    // collected during the client's measured work, which a real client never pays for.
    const dashboardTopic = `dashboard:${DASHBOARD_ID}`;
    const dashboardFrames = Array.from({ length: options.batchRepetitions + 2 }, (_, rep) => ({
      text: server.dashboardFrame(options.batchEvents, rep),
      version: server.offsets.get(dashboardTopic),
    }));
    const streamFrames = Array.from({ length: options.batchRepetitions + 2 }, () => ({
      text: server.streamFrame(options.batchEvents, streams),
      offset: server.offsets.get('stream:s0'),
    }));
    forceGc();
    for (const [rep, frame] of dashboardFrames.entries()) {
      const done = notified(dashboard, () => void dashboard.getSnapshot().view);
      const start = process.cpuUsage();
      const startLoop = performance.eventLoopUtilization();
      server.socket?.deliver(frame.text);
      await done;
      // The first two frames warm the JIT up.
      if (rep >= 2) {
        dashboardCpu.push(cpuMsSince(start));
        dashboardMain.push(performance.eventLoopUtilization(startLoop).active);
      }
      const version = dashboard.getSnapshot().confirmed?.version;
      if (version !== frame.version) throw new Error(`client-core: dashboard at version ${version} after a frame ending at ${frame.version} (events were not all applied)`);
    }
    const last = streamHandles[streams - 1];
    if (!last) throw new Error('no stream handle');
    for (const [rep, frame] of streamFrames.entries()) {
      const done = notified(last, () => void last.getSnapshot().latest);
      const start = process.cpuUsage();
      const startLoop = performance.eventLoopUtilization();
      server.socket?.deliver(frame.text);
      await done;
      if (rep >= 2) {
        streamCpu.push(cpuMsSince(start));
        streamMain.push(performance.eventLoopUtilization(startLoop).active);
      }
      const offset = streamHandles[0]?.getSnapshot().offset;
      if (offset !== frame.offset) throw new Error(`client-core: stream s0 at offset ${offset} after a frame ending at ${frame.offset}`);
    }
    dashboard.release();
    for (const handle of streamHandles) handle.release();
    return { dashboard: dashboardCpu, stream: streamCpu, dashboardMain, streamMain };
  } finally {
    await client.close();
  }
}

/** CPU time of RealtimeState's rebase over `pendingMutations` pending mutations. */
function measureRebase(options: ClientCoreOptions): number[] {
  const doc = benchDashboard();
  installMutationRunner(applyMutation);
  const state = new RealtimeState({ dashboardId: DASHBOARD_ID, clientId: () => 'bench-client-0001' });
  state.reset(doc, { epoch: EPOCH, offset: doc.version });
  const pending: PendingMutation[] = Array.from({ length: options.pendingMutations }, (_, i) => ({
    mutationId: i + 1,
    dashboardId: DASHBOARD_ID,
    ...edit(i),
    createdAt: 0,
    state: 'sent' as const,
  }));
  const samples: number[] = [];
  for (let rep = 0; rep < options.rebaseRepetitions + 5; rep++) {
    state.setPending([...pending]);
    const start = process.cpuUsage();
    state.rebase();
    const elapsed = cpuMsSince(start);
    if (rep >= 5) samples.push(elapsed);
  }
  if (!state.view) throw new Error('client-core: rebase produced no view');
  return samples;
}

/** The V8 garbage collector, run now (the bench runs with --expose-gc). */
function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('client-core needs --expose-gc (npx tsx --expose-gc bench/client-core.ts)');
  gc();
}

/** Heap across many reconnects, holding a dashboard and three streams. */
async function measureReconnects(options: ClientCoreOptions): Promise<ClientCoreResult['reconnect']> {
  const heap = async (): Promise<number> => {
    for (let i = 0; i < 3; i++) {
      forceGc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return process.memoryUsage().heapUsed;
  };
  const server = new ScriptedServer();
  server.expectedTopics = 4;
  // Immediate retries and a 1 ms frame, so 10,000 cycles take seconds, not minutes.
  const client = openClient(server, { reconnectMinDelayMs: 0, reconnectMaxDelayMs: 1, frameIntervalMs: 1 });
  const startedAt = performance.now();
  try {
    await client.ready;
    const dashboard = client.dashboard(DASHBOARD_ID);
    const streams = ['s0', 's1', 's2'].map((key) => client.stream(key));
    const warmup = Math.min(500, Math.floor(options.reconnectCycles / 10));
    const checkpoints = 5;
    const every = Math.floor(options.reconnectCycles / checkpoints);
    const heapMb: number[] = [];
    let first = 0;
    let last = 0;
    for (let cycle = 0; cycle <= warmup + options.reconnectCycles; cycle++) {
      await server.resubscribed();
      if (cycle === warmup || (cycle > warmup && (cycle - warmup) % every === 0)) {
        last = await heap();
        if (cycle === warmup) first = last;
        heapMb.push(Math.round((last / 1_048_576) * 100) / 100);
      }
      server.socket?.drop();
    }
    dashboard.release();
    for (const handle of streams) handle.release();
    return {
      cycles: options.reconnectCycles,
      heapMb,
      growthKb: (last - first) / 1_024,
      bytesPerCycle: (last - first) / options.reconnectCycles,
      socketsOpened: server.socketsOpened,
      ms: performance.now() - startedAt,
    };
  } finally {
    await client.close();
  }
}

export async function runClientCore(options: ClientCoreOptions): Promise<ClientCoreResult> {
  const batches = await measureRemoteBatches(options);
  const rebase = measureRebase(options);
  const reconnect = await measureReconnects(options);
  return {
    dashboardBatchCpuMs: p50p95(batches.dashboard),
    streamBatchCpuMs: p50p95(batches.stream),
    dashboardBatchMainMs: p50p95(batches.dashboardMain),
    streamBatchMainMs: p50p95(batches.streamMain),
    rebaseCpuMs: p50p95(rebase),
    reconnect,
    options,
  };
}

if (process.send) {
  serveRequests(async (request) => {
    if (request.cmd === 'run') return runClientCore(request.quick ? CLIENT_CORE_QUICK : CLIENT_CORE_FULL);
    throw new Error(`unknown command ${request.cmd}`);
  });
  process.send({ event: 'ready' });
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runClientCore(process.argv.includes('--quick') ? CLIENT_CORE_QUICK : CLIENT_CORE_FULL);
  console.log(JSON.stringify(result, null, 2));
}
