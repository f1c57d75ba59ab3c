/**
 * Reconnect storm (issue 15): N connections on one dashboard and 10 live streams (10 points/s
 * each) are all cut at once — by a network drop that keeps the server up (a TCP proxy in front
 * destroys every connection) and by a server restart (SIGTERM, a new process on the same port
 * and data directory). Measures the time until 99 % of the clients are resubscribed and caught
 * up, the server's storage reads during the storm, its CPU and RSS peak, and checks that every
 * client ends with exactly the server's positions, having seen each offset once.
 *
 *   npm run bench -- --only=reconnect-storm          (5,000 clients)
 *   npx tsx bench/reconnect-storm.ts --clients=1000
 *
 * Each client subscribes to the dashboard and to one of the streams (round robin), so the feed
 * costs the clients N × 10 deliveries/s, not N × 100 (which two shared cores cannot parse).
 * Clients reconnect as the client core does: full jitter, the first retry within 1 s.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { BenchChild } from './lib/child.js';
import { formatNumber, percentile } from './lib/stats.js';
import type { HostStats, ServerInfo } from './lib/types.js';

const STREAMS = Array.from({ length: 10 }, (_, i) => `storm.s${i}`);
const DASHBOARD = 'storm';
const FEED_INTERVAL_MS = 100;
/** The first reconnect attempt waits a random 0..this (full jitter), later ones up to 4× more. */
const FIRST_RETRY_MAX_MS = 1_000;
const CATCH_UP_TIMEOUT_MS = 120_000;
const HOST_ENTRY = new URL('./server-host.ts', import.meta.url);

export interface StormPhase {
  cut: 'network-drop' | 'server-restart';
  clients: number;
  /** Server restart: from the cut until the new server listened (ms); 0 for a network drop. */
  serverDownMs: number;
  /** From the cut until 50 % / 99 % / all clients were resubscribed and caught up (ms). */
  p50Ms: number;
  p99Ms: number;
  allMs: number;
  /** Storage read calls the server made from the cut until 99 % were caught up, by method. */
  storageReads: Record<string, number>;
  /** Topics clients subscribe to: storage reads per topic is reads / topics. */
  topics: number;
  /** Subscribes answered with a replay (recovered) or a snapshot. */
  recovered: number;
  snapshots: number;
  /** The server's CPU over the storm (ms) and its busiest 250 ms (share of one core). */
  serverCpuMs: number;
  serverCpuPeak: number;
  serverRssPeakMb: number;
  /** Offsets seen twice or skipped by any client: must be 0. */
  duplicates: number;
  gaps: number;
  /** Clients whose final positions differ from the server's: must be 0. */
  mismatched: number;
}

interface TopicPosition {
  epoch: string;
  offset: number;
}

/** One raw WebSocket client: hello, subscribe with `since`, offset checks, reconnect with jitter. */
class StormClient {
  readonly positions = new Map<string, TopicPosition>();
  ws: WebSocket | null = null;
  attempts = 0;
  /** Topics answered with `subscribed` since the last (re)connect. */
  subscribed = new Set<string>();
  duplicates = 0;
  gaps = 0;
  recovered = 0;
  snapshots = 0;
  /** `welcome`s received: a client counts as back only after a new one. */
  welcomes = 0;
  stopped = false;

  constructor(
    readonly id: number,
    readonly url: () => string,
    readonly token: string,
    readonly topics: string[],
  ) {}

  connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.url());
    this.ws = ws;
    this.subscribed = new Set();
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, token: this.token, clientId: `storm-${this.id.toString().padStart(6, '0')}` })));
    ws.on('message', (data) => this.#onFrame(String(data)));
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      const cap = FIRST_RETRY_MAX_MS * 2 ** Math.min(this.attempts, 2);
      this.attempts += 1;
      setTimeout(() => this.connect(), Math.random() * cap);
    });
  }

  /** Resubscribed to every topic and at (or past) each given head offset. */
  caughtUp(heads: ReadonlyMap<string, number>): boolean {
    if (this.subscribed.size < this.topics.length) return false;
    for (const topic of this.topics) {
      const head = heads.get(topic);
      const mine = this.positions.get(topic);
      if (head === undefined || !mine || mine.offset < head) return false;
    }
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
  }

  #onFrame(text: string): void {
    const parsed = JSON.parse(text) as Record<string, unknown> | Array<Record<string, unknown>>;
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) this.#onMessage(message);
  }

  #onMessage(message: Record<string, unknown>): void {
    const topic = message.topic as string;
    switch (message.type) {
      case 'welcome':
        this.attempts = 0;
        this.welcomes += 1;
        this.subscribed = new Set();
        for (const t of this.topics) {
          const since = this.positions.get(t);
          this.ws?.send(JSON.stringify({ type: 'subscribe', topic: t, ...(since ? { since } : {}) }));
        }
        return;
      case 'subscribed':
        this.subscribed.add(topic);
        if (message.recovered) this.recovered += 1;
        else {
          this.snapshots += 1;
          this.positions.set(topic, { epoch: message.epoch as string, offset: message.offset as number });
        }
        return;
      case 'event': {
        const at = this.positions.get(topic);
        const offset = message.offset as number;
        if (at && at.epoch === message.epoch) {
          if (offset <= at.offset) this.duplicates += 1;
          else if (offset > at.offset + 1) this.gaps += offset - at.offset - 1;
        }
        const newest = at && at.epoch === message.epoch ? Math.max(offset, at.offset) : offset;
        this.positions.set(topic, { epoch: message.epoch as string, offset: newest });
        return;
      }
      case 'ping':
        this.ws?.send(JSON.stringify({ type: 'pong', ts: message.ts }));
        return;
      default:
    }
  }
}

/** A TCP proxy whose connections can all be cut at once (the network drop). */
class CuttableProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(readonly targetPort: () => number) {
    this.#server = createServer((downstream) => {
      const upstream = connect(this.targetPort(), '127.0.0.1');
      for (const socket of [downstream, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      downstream.pipe(upstream).pipe(downstream);
      downstream.on('close', () => upstream.destroy());
      upstream.on('close', () => downstream.destroy());
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as { port: number }).port;
  }

  cutAll(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  close(): Promise<void> {
    this.cutAll();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

interface StormServer {
  child: BenchChild;
  info: ServerInfo;
}

async function startStormServer(port: number, dataDir: string, token: string): Promise<StormServer> {
  const child = new BenchChild(HOST_ENTRY, {
    name: 'storm-server',
    args: ['pulseboard'],
    nodeFlags: ['--expose-gc'],
    env: { BENCH_PULSEBOARD_OPTIONS: JSON.stringify({ port, dataDir, adminToken: token }) },
  });
  const ready = await child.waitForEvent<{ event: 'ready'; info: ServerInfo }>('ready', 60_000);
  return { child, info: ready.info };
}

async function api(base: string, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function storageReads(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const reads: Record<string, number> = {};
  for (const match of text.matchAll(/^pulseboard_storage_reads_total\{method="(\w+)"\} (\d+)/gm)) reads[match[1] as string] = Number(match[2]);
  return reads;
}

function diffReads(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [method, count] of Object.entries(after)) {
    const delta = count - (before[method] ?? 0);
    if (delta > 0) out[method] = delta;
  }
  return out;
}

/** The server's positions of `topics` (reads storage: only outside the measured spans). */
async function serverPositions(base: string, token: string, topics: string[]): Promise<Map<string, TopicPosition>> {
  const status = (await (await api(base, token, 'GET', '/api/sync/status')).json()) as { topics: Array<{ topic: string; epoch: string; offset: number }> };
  const wanted = new Set(topics);
  return new Map(status.topics.filter((t) => wanted.has(t.topic)).map((t) => [t.topic, { epoch: t.epoch, offset: t.offset }]));
}

/** Runs both cuts against one server and fleet; returns one result per cut. */
export async function runReconnectStorm(options: { clients: number }): Promise<StormPhase[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pulseboard-storm-'));
  const token = `storm-${randomBytes(12).toString('hex')}`;
  // A fixed port, so the restarted server is where the proxy points.
  const portProbe = createServer();
  await new Promise<void>((resolve) => portProbe.listen(0, '127.0.0.1', resolve));
  const serverPort = (portProbe.address() as { port: number }).port;
  await new Promise<void>((resolve) => portProbe.close(() => resolve()));

  let server = await startStormServer(serverPort, dataDir, token);
  const base = server.info.url;
  const proxy = new CuttableProxy(() => serverPort);
  await proxy.listen();
  const topics = [`dashboard:${DASHBOARD}`, ...STREAMS.map((s) => `stream:${s}`)];
  const clients: StormClient[] = [];
  let feeding = true;
  let feedTimer: NodeJS.Timeout | null = null;
  try {
    await api(base, token, 'POST', '/api/dashboards', { id: DASHBOARD, title: 'Storm' });
    // Head offsets as the feed's answers report them: no storage read to learn them.
    const heads = new Map<string, number>([[`dashboard:${DASHBOARD}`, 0]]);
    const feed = async (): Promise<void> => {
      if (!feeding) return;
      const ts = Date.now();
      const streams = Object.fromEntries(STREAMS.map((key, i) => [key, { points: [{ ts, value: { v: Math.round(Math.random() * 1000), i } }] }]));
      try {
        const answer = (await (await api(base, token, 'POST', '/api/streams', { streams })).json()) as { streams?: Array<{ key: string; offset: number }> };
        for (const s of answer.streams ?? []) heads.set(`stream:${s.key}`, Math.max(heads.get(`stream:${s.key}`) ?? 0, s.offset));
      } catch {
        // The server is restarting: the next tick tries again.
      }
      if (feeding) feedTimer = setTimeout(() => void feed(), FEED_INTERVAL_MS);
    };
    await feed();

    const url = () => `ws://127.0.0.1:${proxy.port}/ws`;
    for (let i = 0; i < options.clients; i++) {
      const client = new StormClient(i, url, token, [`dashboard:${DASHBOARD}`, `stream:${STREAMS[i % STREAMS.length]}`]);
      clients.push(client);
      client.connect();
      if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await waitUntil(async () => clients.every((c) => c.caughtUp(heads)), CATCH_UP_TIMEOUT_MS, 'initial subscribe');

    const phases: StormPhase[] = [];
    for (const cut of ['network-drop', 'server-restart'] as const) {
      const readsBefore = cut === 'network-drop' ? await storageReads(base) : {};
      const started = performance.now();
      for (const client of clients) client.recovered = client.snapshots = 0;
      const welcomesAtCut = new Map(clients.map((c) => [c, c.welcomes]));
      const sampler = new HostSampler();
      let serverDownMs = 0;
      if (cut === 'network-drop') {
        sampler.start(server.child);
        proxy.cutAll();
      } else {
        await server.child.stop();
        proxy.cutAll();
        server = await startStormServer(serverPort, dataDir, token);
        serverDownMs = performance.now() - started;
        sampler.start(server.child);
      }
      const doneAt: number[] = [];
      const done = new Set<StormClient>();
      let reads: Record<string, number> = {};
      // Caught up: resubscribed and at the head the feed had reached when the cut happened.
      const target = new Map(heads);
      await waitUntil(async () => {
        for (const client of clients) {
          if (!done.has(client) && client.welcomes > (welcomesAtCut.get(client) ?? 0) && client.caughtUp(target)) {
            done.add(client);
            doneAt.push(performance.now() - started);
          }
        }
        if (done.size >= Math.ceil(clients.length * 0.99) && Object.keys(reads).length === 0) {
          reads = diffReads(await storageReads(base), readsBefore);
        }
        return done.size === clients.length;
      }, CATCH_UP_TIMEOUT_MS, cut);
      const host = await sampler.stop();
      doneAt.sort((a, b) => a - b);
      phases.push({
        cut,
        serverDownMs,
        clients: clients.length,
        p50Ms: percentile(doneAt, 50),
        p99Ms: percentile(doneAt, 99),
        allMs: doneAt[doneAt.length - 1] ?? 0,
        storageReads: reads,
        topics: topics.length,
        recovered: clients.reduce((n, c) => n + c.recovered, 0),
        snapshots: clients.reduce((n, c) => n + c.snapshots, 0),
        serverCpuMs: host.cpuMs,
        serverCpuPeak: host.cpuPeak,
        serverRssPeakMb: host.rssPeakMb,
        duplicates: 0,
        gaps: 0,
        mismatched: 0,
      });
    }

    // Stop the feed and check that every client holds exactly the server's final positions.
    feeding = false;
    if (feedTimer) clearTimeout(feedTimer);
    const final = await serverPositions(base, token, topics);
    const finalOffsets = new Map([...final].map(([topic, position]) => [topic, position.offset]));
    await waitUntil(async () => clients.every((c) => c.caughtUp(finalOffsets)), 30_000, 'final positions').catch(() => {});
    const mismatched = clients.filter((c) => c.topics.some((t) => JSON.stringify(c.positions.get(t)) !== JSON.stringify(final.get(t)))).length;
    for (const phase of phases) {
      phase.duplicates = clients.reduce((n, c) => n + c.duplicates, 0);
      phase.gaps = clients.reduce((n, c) => n + c.gaps, 0);
      phase.mismatched = mismatched;
    }
    return phases;
  } finally {
    feeding = false;
    if (feedTimer) clearTimeout(feedTimer);
    for (const client of clients) client.stop();
    await proxy.close();
    await server.child.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Samples the server's CPU and RSS every 250 ms. */
class HostSampler {
  #timer: NodeJS.Timeout | null = null;
  #child: BenchChild | null = null;
  #first: HostStats | null = null;
  #last: HostStats | null = null;
  #lastAt = 0;
  #cpuPeak = 0;
  #rssPeak = 0;

  start(child: BenchChild): void {
    this.#child = child;
    const sample = async (): Promise<void> => {
      const stats = await child.request<HostStats>({ cmd: 'stats', gc: false }, 10_000).catch(() => null);
      if (!stats) return;
      const now = performance.now();
      if (this.#last && now - this.#lastAt >= 100) {
        const cpuMs = (stats.cpu.user + stats.cpu.system - this.#last.cpu.user - this.#last.cpu.system) / 1_000;
        this.#cpuPeak = Math.max(this.#cpuPeak, cpuMs / (now - this.#lastAt));
      }
      this.#first ??= stats;
      if (!this.#last || now - this.#lastAt >= 100) {
        this.#last = stats;
        this.#lastAt = now;
      }
      this.#rssPeak = Math.max(this.#rssPeak, stats.memory.rss);
    };
    void sample();
    this.#timer = setInterval(() => void sample(), 250);
  }

  async stop(): Promise<{ cpuMs: number; cpuPeak: number; rssPeakMb: number }> {
    if (this.#timer) clearInterval(this.#timer);
    const last = this.#child ? await this.#child.request<HostStats>({ cmd: 'stats', gc: false }, 10_000) : null;
    const first = this.#first;
    const cpuMs = first && last ? (last.cpu.user + last.cpu.system - first.cpu.user - first.cpu.system) / 1_000 : 0;
    return { cpuMs, cpuPeak: this.#cpuPeak, rssPeakMb: this.#rssPeak / 2 ** 20 };
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`reconnect storm: ${what} did not complete within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Lines for the bench's report. */
export function formatStorm(phases: StormPhase[]): string {
  const lines = [`reconnect storm (${phases[0]?.clients ?? 0} clients, ${phases[0]?.topics ?? 0} topics, 10 streams × 10 points/s):`];
  for (const p of phases) {
    const reads = Object.values(p.storageReads).reduce((a, b) => a + b, 0);
    lines.push(
      `  ${p.cut.padEnd(15)}${p.serverDownMs ? ` server down ${formatNumber(p.serverDownMs, 0)} ms;` : ''} 99 % caught up ${formatNumber(p.p99Ms, 0)} ms (p50 ${formatNumber(p.p50Ms, 0)}, all ${formatNumber(p.allMs, 0)}); ` +
        `storage reads ${reads} (${formatNumber(reads / p.topics, 1)}/topic: ${JSON.stringify(p.storageReads)}); ` +
        `replayed ${p.recovered}, snapshots ${p.snapshots}; server CPU ${formatNumber(p.serverCpuMs, 0)} ms, peak ${formatNumber(p.serverCpuPeak * 100, 0)} % of a core, RSS peak ${formatNumber(p.serverRssPeakMb, 0)} MB; ` +
        `duplicates ${p.duplicates}, gaps ${p.gaps}, clients off the server's state ${p.mismatched}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { clients: { type: 'string', default: '5000' } } });
  const phases = await runReconnectStorm({ clients: Number(values.clients) });
  console.log(formatStorm(phases));
  const bad = phases.some((p) => p.duplicates > 0 || p.gaps > 0 || p.mismatched > 0);
  process.exit(bad ? 1 : 0);
}
