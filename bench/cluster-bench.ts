/**
 * The cluster benchmark (`npm run bench -- --nodes=3`, or `npx tsx bench/cluster-bench.ts --nodes=3`):
 * N `pulseboard start` processes over one PostgreSQL database and Redis (the machine's,
 * a fresh database and channel prefix per run). Subscribers are spread evenly over the nodes;
 * one publisher pushes over WebSocket to node A; latency is measured on the clients of the
 * LAST node (publish on A → receive on C). Phases: a steady 10,000 deliveries/s, then
 * saturation (publishes as fast as acknowledgements allow). Server CPU is read from
 * /proc/<pid>/stat, so deliveries per server CPU-second compare 1 node with N. Finally
 * `appendPoints` throughput of PostgreSQL against SQLite (batches of 1,000 points over 100 keys).
 *
 * Env: PULSEBOARD_TEST_POSTGRES_URL, PULSEBOARD_TEST_REDIS_URL (defaults: the local services).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import WebSocket from 'ws';
import { parseServerFrame, PROTOCOL_VERSION } from '@pulseboard/protocol';
import { openStorage, type Storage } from '@pulseboard/server';
import { formatNumber, summarise } from './lib/stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The `pulseboard` command (its bin, as an operator runs it). */
const CLI = path.join(ROOT, 'packages/server/bin/pulseboard.js');
const ADMIN = `bench-admin-${randomBytes(8).toString('hex')}`;
const PG_ADMIN_URL = process.env.PULSEBOARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.PULSEBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOPIC = 'stream:bench.cluster';
/** Publishes in flight during saturation. */
const SATURATION_WINDOW = 8;
/** Points per publish during saturation (one publish is one storage transaction). */
const SATURATION_BATCH_POINTS = 25;
const CLOCK_TICKS_PER_S = 100;

interface NodeProcess {
  child: ChildProcess;
  url: string;
}

interface PhaseResult {
  nodes: number;
  phase: string;
  seconds: number;
  pointsPerS: number;
  deliveriesPerS: number;
  latencyOnLastNodeMs: ReturnType<typeof summarise>;
  serverCpuS: number;
  deliveriesPerCpuS: number;
  lost: number;
}

async function admin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

function startNode(args: string[]): Promise<NodeProcess> {
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--no-demo', ...args], {
    cwd: ROOT,
    env: { ...process.env, PULSEBOARD_ADMIN_TOKEN: ADMIN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Pulseboard listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1] as string });
    });
    child.on('exit', (code) => reject(new Error(`node exited (${String(code)}): ${err}`)));
  });
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

/** A subscriber: counts events, checks offsets, samples latency from the value's send time. */
class Subscriber {
  received = 0;
  lost = 0;
  last = -1;
  samples: number[] = [];
  constructor(
    readonly ws: WebSocket,
    readonly sampleLatency: boolean,
  ) {}

  static async open(url: string, index: number, sampleLatency: boolean): Promise<Subscriber> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { perMessageDeflate: false });
    const sub = new Subscriber(ws, sampleLatency);
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: ADMIN, clientId: `bench-sub-${process.pid}-${index}` })));
      ws.on('message', (data: Buffer) => {
        for (const message of parseServerFrame(data.toString('utf8'))) {
          if (message.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', topic: TOPIC }));
          else if (message.type === 'subscribed') {
            sub.last = message.offset;
            resolve();
          } else if (message.type === 'event') {
            if (message.offset !== sub.last + 1) sub.lost += Math.max(0, message.offset - sub.last - 1);
            sub.last = Math.max(sub.last, message.offset);
            sub.received += 1;
            if (sub.sampleLatency) sub.samples.push(performance.timeOrigin + performance.now() - (message.data as unknown as { value: { t: number } }).value.t);
          }
        }
      });
    });
    return sub;
  }
}

/** The publisher: WebSocket `publish` to node A, each acknowledged with `published`. */
class Publisher {
  inFlight = 0;
  sent = 0;
  #wake: (() => void) | null = null;
  private constructor(readonly ws: WebSocket) {}

  static async open(url: string): Promise<Publisher> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { perMessageDeflate: false });
    const pub = new Publisher(ws);
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: ADMIN, clientId: `bench-pub-${process.pid}` })));
      ws.on('message', (data: Buffer) => {
        for (const message of parseServerFrame(data.toString('utf8'))) {
          if (message.type === 'welcome') resolve();
          if (message.type === 'published' || message.type === 'error') {
            pub.inFlight -= 1;
            pub.#wake?.();
          }
        }
      });
    });
    return pub;
  }

  /** Publishes `count` points in one message (one storage transaction). */
  send(count: number): void {
    this.inFlight += 1;
    this.sent += count;
    const t = performance.timeOrigin + performance.now();
    this.ws.send(JSON.stringify({ type: 'publish', id: this.sent, stream: 'bench.cluster', points: Array.from({ length: count }, () => ({ value: { t } })) }));
  }

  /** Resolves when fewer than `window` publishes are in flight. */
  async room(window: number): Promise<void> {
    while (this.inFlight >= window) await new Promise<void>((resolve) => (this.#wake = resolve));
  }
}

async function phase(
  name: string,
  nodes: NodeProcess[],
  subs: Subscriber[][],
  publisher: Publisher,
  seconds: number,
  pointsPerS: number | null,
): Promise<PhaseResult> {
  const all = subs.flat();
  const lastNode = subs[subs.length - 1] ?? [];
  for (const sub of all) sub.samples = [];
  const receivedBefore = all.reduce((n, s) => n + s.received, 0);
  const lostBefore = all.reduce((n, s) => n + s.lost, 0);
  const cpuBefore = nodes.reduce((n, node) => n + cpuSeconds(node.child.pid as number), 0);
  const sentBefore = publisher.sent;
  const started = performance.now();
  const end = started + seconds * 1000;
  if (pointsPerS === null) {
    while (performance.now() < end) {
      await publisher.room(SATURATION_WINDOW);
      publisher.send(SATURATION_BATCH_POINTS);
    }
  } else {
    // Paced in 10 ms ticks, the points due in a tick sent as one publish.
    let due = 0;
    let last = performance.now();
    while (performance.now() < end) {
      const now = performance.now();
      due += (pointsPerS * (now - last)) / 1000;
      last = now;
      if (due >= 1) {
        publisher.send(Math.floor(due));
        due -= Math.floor(due);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  await publisher.room(1);
  const published = publisher.sent - sentBefore;
  // Wait for every subscriber to reach the last offset (bounded).
  const target = Math.max(...all.map((s) => s.last));
  const deadline = performance.now() + 10_000;
  while (all.some((s) => s.last < target) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsedS = (performance.now() - started) / 1000;
  const received = all.reduce((n, s) => n + s.received, 0) - receivedBefore;
  const cpu = nodes.reduce((n, node) => n + cpuSeconds(node.child.pid as number), 0) - cpuBefore;
  return {
    nodes: nodes.length,
    phase: name,
    seconds: Number(elapsedS.toFixed(2)),
    pointsPerS: Math.round(published / seconds),
    deliveriesPerS: Math.round(received / elapsedS),
    latencyOnLastNodeMs: summarise(lastNode.flatMap((s) => s.samples)),
    serverCpuS: Number(cpu.toFixed(2)),
    deliveriesPerCpuS: Math.round(received / Math.max(cpu, 0.01)),
    lost: all.reduce((n, s) => n + s.lost, 0) - lostBefore,
  };
}

async function runCluster(count: number, clients: number, seconds: number): Promise<PhaseResult[]> {
  const db = `pulseboard_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${db}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${db}`;
  const prefix = `pulseboard-bench:${db}:`;
  const nodes: NodeProcess[] = [];
  const subs: Subscriber[][] = [];
  try {
    for (let i = 0; i < count; i++) nodes.push(await startNode(['--database', url.toString(), '--redis', REDIS_URL, '--redis-prefix', prefix]));
    for (const [n, node] of nodes.entries()) {
      const here: Subscriber[] = [];
      for (let i = 0; i < Math.round(clients / count); i++) here.push(await Subscriber.open(node.url, n * clients + i, n === nodes.length - 1));
      subs.push(here);
    }
    const publisher = await Publisher.open((nodes[0] as NodeProcess).url);
    const total = subs.flat().length;
    const results = [
      await phase('warm-up', nodes, subs, publisher, 1, 1_000 / total),
      await phase('10,000 deliveries/s', nodes, subs, publisher, seconds, 10_000 / total),
      await phase('saturation', nodes, subs, publisher, seconds, null),
    ];
    publisher.ws.terminate();
    return results.slice(1);
  } finally {
    for (const sub of subs.flat()) sub.ws.terminate();
    for (const node of nodes) node.child.kill('SIGTERM');
    await Promise.all(nodes.map((node) => new Promise((resolve) => (node.child.exitCode !== null ? resolve(null) : node.child.on('exit', resolve)))));
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  }
}

/** Points per second `appendPoints` stores, batches of 1,000 points over 100 keys (median of the runs). */
async function writeThroughput(storage: Storage, runs: number): Promise<number> {
  const rates: number[] = [];
  for (let run = 0; run < runs + 2; run++) {
    const batch = Array.from({ length: 100 }, (_, k) => ({ key: `bench.w${k}`, points: Array.from({ length: 10 }, (_, j) => ({ value: run * 10 + j })) }));
    const started = performance.now();
    await storage.appendPoints(batch, { maxPoints: 1_000, maxAgeMs: 86_400_000 }, Date.now());
    if (run >= 2) rates.push(1_000 / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  return Math.round(rates[Math.floor(rates.length / 2)] as number);
}

async function storageWrites(runs: number): Promise<{ sqlite: number; postgres: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pulseboard-bench-'));
  const db = `pulseboard_bench_w_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${db}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${db}`;
  try {
    const sqlite = await openStorage({ kind: 'sqlite', dataDir: dir });
    const postgres = await openStorage({ kind: 'postgres', databaseUrl: url.toString() });
    const result = { sqlite: await writeThroughput(sqlite, runs), postgres: await writeThroughput(postgres, runs) };
    await sqlite.close();
    await postgres.close();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  }
}

/** Runs 1 node and `nodes` nodes and prints the table; returns the results. */
export async function runClusterBench(options: { nodes: number; clients: number; seconds: number; out?: string }): Promise<unknown> {
  const started = new Date();
  const load = loadavg();
  const rows: PhaseResult[] = [];
  for (const count of options.nodes > 1 ? [1, options.nodes] : [1]) rows.push(...(await runCluster(count, options.clients, options.seconds)));
  const writes = await storageWrites(10);
  console.log(`\nCluster benchmark, ${started.toISOString()}, ${cpus().length} cores, load ${load.map((l) => l.toFixed(1)).join(' ')} → ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`${options.clients} subscribers spread over the nodes; publisher on node A; latency on the last node's clients.\n`);
  console.log('| nodes | phase | points/s | deliveries/s | p50 ms | p99 ms | server CPU s | deliveries per CPU-s | lost |');
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.nodes} | ${r.phase} | ${formatNumber(r.pointsPerS)} | ${formatNumber(r.deliveriesPerS)} | ${r.latencyOnLastNodeMs.p50.toFixed(1)} | ${r.latencyOnLastNodeMs.p99.toFixed(1)} | ${r.serverCpuS} | ${formatNumber(r.deliveriesPerCpuS)} | ${r.lost} |`,
    );
  }
  console.log(`\nappendPoints, 1,000 points over 100 keys per call (median of 10): SQLite ${formatNumber(writes.sqlite)} points/s, PostgreSQL ${formatNumber(writes.postgres)} points/s`);
  const result = { date: started.toISOString(), loadAtStart: load, loadAtEnd: loadavg(), options, rows, writes };
  const out = options.out ?? path.join(ROOT, 'bench/results/cluster-latest.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2));
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, clients: { type: 'string', default: '150' }, seconds: { type: 'string', default: '5' }, out: { type: 'string' } } });
  await runClusterBench({ nodes: Number(values.nodes), clients: Number(values.clients), seconds: Number(values.seconds), ...(values.out ? { out: values.out } : {}) });
  process.exit(0);
}
