/**
 * `npm run bench`: runs every scenario against the bare ws baseline, the Socket.IO baseline
 * and Pulseboard (each in its own process, clients in another), prints a table with each
 * figure and its ratio against the baselines, and writes bench/results/latest.json.
 *
 *   npm run bench                       full run (1,000 clients; a few minutes)
 *   npm run bench -- --quick            100 clients, short spans (about a minute)
 *   npm run bench -- --only=saturation,memory --servers=ws,pulseboard --clients=500 --out=/tmp/r.json
 *
 * One run at a time: a second run waits for the first (bench/results/run.lock).
 *
 * Env: BENCH_QUICK=1, BENCH_SERVERS, BENCH_ONLY, BENCH_FLEETS, BENCH_VERBOSE=1 (forward children's stderr),
 * BENCH_PULSEBOARD_OPTIONS (extra startServer options, JSON).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { ClientCoreResult } from './client-core.js';
import { runClusterBench } from './cluster-bench.js';
import { BenchChild } from './lib/child.js';
import { Fleet } from './lib/harness.js';
import { acquireRunLock } from './lib/run-lock.js';
import { formatStorm, runReconnectStorm, type StormPhase } from './reconnect-storm.js';
import { formatNumber, formatRatio, median, renderTable } from './lib/stats.js';
import { SERVER_KINDS, SERVER_LABELS, type ServerKind } from './lib/types.js';
import {
  runBatch,
  runMemory,
  runSaturation,
  runSteady,
  type BatchOptions,
  type BatchResult,
  type MemoryResult,
  type SaturationOptions,
  type SaturationResult,
  type SteadyOptions,
  type SteadyResult,
} from './scenarios.js';

/**
 * Client fleet processes. Two, so that on a machine busy with other work the clients get two
 * shares of the CPU and are less often the bottleneck; on an idle 2-core machine the server
 * has one core and the fleets share the other.
 */
const DEFAULT_FLEETS = 2;

/** How long a run waits for another bench run on the machine to finish. */
const LOCK_WAIT_MS = 15 * 60_000;

const SCENARIOS = ['saturation', 'steady', 'memory', 'batch', 'client', 'reconnect-storm'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** What runs without --only (the reconnect storm takes minutes of its own: asked for by name). */
const DEFAULT_SCENARIOS: Scenario[] = ['saturation', 'steady', 'memory', 'batch', 'client'];

interface BenchConfig {
  quick: boolean;
  /** Client fleet processes (the clients are split between them). */
  fleets: number;
  /** Also write the results here. */
  out: string | undefined;
  servers: ServerKind[];
  scenarios: Scenario[];
  saturation: Array<Omit<SaturationOptions, 'window' | 'maxLag' | 'publishers'>>;
  saturationPublishers: number;
  saturationWindow: number;
  /** Deliveries (updates × clients) the publisher lets the slowest client lag: bounds the backlog to a second or two. */
  saturationMaxLagDeliveries: number;
  steady: SteadyOptions;
  /** `rounds`: each server measured this many times, interleaved; the median is reported. */
  memory: { clients: number; settleMs: number; rounds: number };
  batch: BatchOptions;
  /** Connections in the reconnect storm. */
  stormClients: number;
}

function parseConfig(): BenchConfig {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: process.env.BENCH_QUICK === '1' },
      only: { type: 'string', default: process.env.BENCH_ONLY },
      servers: { type: 'string', default: process.env.BENCH_SERVERS },
      clients: { type: 'string' },
      out: { type: 'string' },
      fleets: { type: 'string', default: process.env.BENCH_FLEETS },
      // Handled in main() before this: the cluster benchmark (bench/cluster-bench.ts).
      nodes: { type: 'string' },
      seconds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`usage: npm run bench -- --nodes=3 [--clients=150] [--seconds=5]   (cluster benchmark, bench/cluster-bench.ts)`);
    console.log(`usage: npm run bench -- [--quick] [--only=${SCENARIOS.join(',')}] [--servers=${SERVER_KINDS.join(',')}] [--clients=N] [--fleets=N] [--out=file.json]`);
    process.exit(0);
  }
  const list = <T extends string>(raw: string | undefined, all: readonly T[], what: string, defaults: readonly T[] = all): T[] => {
    if (!raw) return [...defaults];
    const items = raw.split(',').map((s) => s.trim()) as T[];
    const unknown = items.filter((item) => !all.includes(item));
    if (unknown.length) throw new Error(`unknown ${what}: ${unknown.join(', ')} (known: ${all.join(', ')})`);
    return items;
  };
  const quick = values.quick ?? false;
  const clients = values.clients ? Number(values.clients) : quick ? 100 : 1_000;
  if (!Number.isInteger(clients) || clients < 1) throw new Error(`--clients must be a positive integer, not ${values.clients}`);
  const fleets = values.fleets ? Number(values.fleets) : DEFAULT_FLEETS;
  if (!Number.isInteger(fleets) || fleets < 1 || fleets > 8) throw new Error(`--fleets must be 1..8, not ${values.fleets}`);
  return {
    quick,
    fleets,
    out: values.out,
    servers: list(values.servers, SERVER_KINDS, 'server'),
    scenarios: list(values.only, SCENARIOS, 'scenario', DEFAULT_SCENARIOS),
    stormClients: values.clients ? clients : quick ? 500 : 5_000,
    saturation: quick
      ? [{ clients, durationMs: 2_500, warmupMs: 700 }]
      : [
          { clients, durationMs: 5_000, warmupMs: 1_000 },
          { clients: Math.max(1, Math.round(clients / 10)), durationMs: 5_000, warmupMs: 1_000 },
        ],
    saturationWindow: 32,
    saturationMaxLagDeliveries: 50_000,
    saturationPublishers: 32,
    steady: { clients, rate: 50, durationMs: quick ? 3_000 : 10_000, streams: 5 },
    memory: { clients, settleMs: quick ? 300 : 1_000, rounds: quick ? 1 : 3 },
    batch: { repetitions: quick ? 5 : 20, warmup: quick ? 1 : 3, keys: 100, pointsPerKey: 10 },
  };
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

interface Results {
  date: string;
  machine: ReturnType<typeof machine>;
  config: BenchConfig;
  saturation: Array<{ clients: number; runs: Partial<Record<ServerKind, Outcome<SaturationResult>>> }>;
  steady?: Partial<Record<ServerKind, Outcome<SteadyResult>>>;
  memory?: Partial<Record<ServerKind, Outcome<MemoryResult>>>;
  batch?: Partial<Record<ServerKind, Outcome<BatchResult>>>;
  client?: Outcome<ClientCoreResult>;
  reconnectStorm?: Outcome<StormPhase[]>;
  durationMs: number;
  /** 1-minute load average when the run ended: above the core count, other work competed for the CPU. */
  loadAtEnd: number[];
}

function machine(): { nproc: number; cpu: string; ramGb: number; node: string; platform: string; loadAtStart: number[] } {
  return {
    loadAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    nproc: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    ramGb: Math.round((totalmem() / 1_073_741_824) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Runs one scenario on each server in turn (adjacent in time, so they share the machine's load). */
async function eachServer<T>(config: BenchConfig, label: string, run: (kind: ServerKind) => Promise<T>): Promise<Partial<Record<ServerKind, Outcome<T>>>> {
  const outcomes: Partial<Record<ServerKind, Outcome<T>>> = {};
  for (const kind of config.servers) {
    const startedAt = Date.now();
    process.stdout.write(`  ${label} · ${SERVER_LABELS[kind]} … `);
    try {
      outcomes[kind] = { ok: true, value: await run(kind) };
      process.stdout.write(`done in ${((Date.now() - startedAt) / 1_000).toFixed(1)} s\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcomes[kind] = { ok: false, error: message };
      process.stdout.write(`FAILED\n${indent(message)}\n`);
    }
  }
  return outcomes;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

// ---- table ---------------------------------------------------------------------------------

type Row = string[];

/** One row: the figure for each server, then Pulseboard's ratio against each baseline. */
function figureRow<T>(
  config: BenchConfig,
  name: string,
  outcomes: Partial<Record<ServerKind, Outcome<T>>> | undefined,
  pick: (value: T) => number | null | undefined,
  options: { unit?: string; decimals?: number; target?: string } = {},
): Row {
  const value = (kind: ServerKind): number | null => {
    const outcome = outcomes?.[kind];
    return outcome?.ok ? (pick(outcome.value) ?? null) : null;
  };
  const cell = (kind: ServerKind): string => {
    if (!config.servers.includes(kind)) return '—';
    const outcome = outcomes?.[kind];
    if (!outcome) return '—';
    if (!outcome.ok) return 'error';
    return formatNumber(value(kind), options.decimals);
  };
  const pb = value('pulseboard');
  const ratio = (base: ServerKind): string => {
    const b = value(base);
    return pb === null || b === null || b === 0 ? 'n/a' : formatRatio(pb / b);
  };
  return [`${name}${options.unit ? ` (${options.unit})` : ''}`, cell('ws'), cell('socketio'), cell('pulseboard'), ratio('ws'), ratio('socketio'), options.target ?? ''];
}

function renderResults(config: BenchConfig, results: Results): string {
  const rows: Row[] = [];
  for (const group of results.saturation) {
    rows.push(figureRow(config, `saturation, ${group.clients} clients: delivered`, group.runs, (r) => r.deliveredPerSec, { unit: 'msg/s', target: group.clients >= 1_000 ? '≥ 0.8× ws' : '' }));
    rows.push(figureRow(config, `  updates published`, group.runs, (r) => r.publishedPerSec, { unit: '/s' }));
    rows.push(figureRow(config, `  events per frame`, group.runs, (r) => r.eventsPerFrame, { decimals: 1 }));
    rows.push(figureRow(config, `  server CPU per 1k deliveries`, group.runs, (r) => (r.server.cpuMs * 1_000) / Math.max(1, r.published * r.clients), { unit: 'ms', decimals: 2 }));
    rows.push(figureRow(config, `  fleet CPU per 1k deliveries`, group.runs, (r) => (r.fleetCpuMs * 1_000) / Math.max(1, r.published * r.clients), { unit: 'ms', decimals: 2 }));
    rows.push(figureRow(config, `  p99 latency under saturation`, group.runs, (r) => r.latency?.p99, { unit: 'ms' }));
  }
  if (results.steady) {
    const s = config.steady;
    const label = `steady ${s.rate}/s → ${s.clients} clients`;
    rows.push(figureRow(config, `${label}: p50`, results.steady, (r) => r.latency?.p50, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config, `  p99`, results.steady, (r) => r.latency?.p99, { unit: 'ms', decimals: 1, target: '< 100 ms' }));
    rows.push(figureRow(config, `  not delivered 10 s after the end (of ${s.clients * Math.round((s.rate * s.durationMs) / 1_000)})`, results.steady, (r) => r.undelivered, { decimals: 0, target: '0' }));
    rows.push(figureRow(config, `  offsets skipped or duplicated`, results.steady, (r) => r.missing + r.duplicates, { decimals: 0, target: '0' }));
    rows.push(figureRow(config, `  publish → ack p99`, results.steady, (r) => r.ackLatency.p99, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config, `  events per frame`, results.steady, (r) => r.eventsPerFrame, { decimals: 2 }));
    rows.push(figureRow(config, `  server CPU (% of a core)`, results.steady, (r) => r.server.cpuShare * 100, { decimals: 1 }));
    rows.push(figureRow(config, `  client fleet busy (%)`, results.steady, (r) => r.fleetBusy * 100, { decimals: 0 }));
  }
  if (results.memory) {
    const m = config.memory;
    const rounds = m.rounds > 1 ? ` (median of ${m.rounds})` : '';
    rows.push(figureRow(config, `idle memory, ${m.clients} clients${rounds}: RSS`, results.memory, (r) => r.rssKbPerConnection, { unit: 'KB/conn', decimals: 1, target: '≤ 1.5× ws' }));
    rows.push(figureRow(config, `  heap + external`, results.memory, (r) => r.heapKbPerConnection, { unit: 'KB/conn', decimals: 1 }));
    rows.push(figureRow(config, `  V8 heap reserved (heapTotal)`, results.memory, (r) => r.heapTotalKbPerConnection, { unit: 'KB/conn', decimals: 1 }));
    rows.push(figureRow(config, `  RSS with no connections`, results.memory, (r) => r.idleRssMb, { unit: 'MB', decimals: 1 }));
  }
  if (results.batch) {
    const b = config.batch;
    rows.push(figureRow(config, `batch push ${b.keys * b.pointsPerKey} points: broadcast p50`, results.batch, (r) => r.broadcast.p50, { unit: 'ms', decimals: 1, target: '< 50 ms' }));
    rows.push(figureRow(config, `  broadcast p95`, results.batch, (r) => r.broadcast.p95, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config, `  HTTP answer p50`, results.batch, (r) => r.response.p50, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config, `  server CPU per batch`, results.batch, (r) => r.serverCpuMs, { unit: 'ms', decimals: 1 }));
  }
  return renderTable(['figure', 'bare ws', 'Socket.IO', 'Pulseboard', 'PB/ws', 'PB/SIO', 'target'], rows);
}

/** Every check that is about correctness, not speed: drops, duplicates, unexpected closes. */
function correctnessNotes(results: Results): string[] {
  const notes: string[] = [];
  const check = (label: string, kind: ServerKind, r: { missing: number; duplicates: number; unexpectedCloses: Record<string, number>; errors: string[] }, complete: boolean): void => {
    const problems: string[] = [];
    if (!complete) problems.push('not every update reached every client');
    if (r.missing) problems.push(`${r.missing} offsets skipped`);
    if (r.duplicates) problems.push(`${r.duplicates} duplicates`);
    const closes = Object.entries(r.unexpectedCloses);
    if (closes.length) problems.push(`unexpected closes ${closes.map(([code, n]) => `${code}×${n}`).join(', ')}`);
    if (r.errors.length) problems.push(`server errors: ${r.errors.join('; ')}`);
    if (problems.length) notes.push(`${label} · ${SERVER_LABELS[kind]}: ${problems.join('; ')}`);
  };
  for (const group of results.saturation) {
    for (const [kind, outcome] of Object.entries(group.runs) as Array<[ServerKind, Outcome<SaturationResult>]>) {
      if (!outcome.ok) continue;
      check(`saturation ${group.clients}`, kind, outcome.value, outcome.value.complete);
      if (outcome.value.publisherBound) notes.push(`saturation ${group.clients} · ${SERVER_LABELS[kind]}: the publisher's pacing bound the rate (raise saturationPublishers)`);
    }
  }
  for (const [kind, outcome] of Object.entries(results.steady ?? {}) as Array<[ServerKind, Outcome<SteadyResult>]>) {
    if (!outcome.ok) continue;
    check('steady', kind, outcome.value, outcome.value.undelivered === 0);
    if (outcome.value.fleetBusy > 0.9) {
      notes.push(`steady · ${SERVER_LABELS[kind]}: the client fleet was busy ${Math.round(outcome.value.fleetBusy * 100)}% of the time: its latency is mostly the fleet's own backlog`);
    }
  }
  return notes;
}

// ---- main ----------------------------------------------------------------------------------

async function main(): Promise<number> {
  // `--nodes=N`: the cluster benchmark (N nodes over PostgreSQL + Redis) instead of the baselines.
  const { values: cluster } = parseArgs({ options: { nodes: { type: 'string' }, clients: { type: 'string' }, seconds: { type: 'string' }, out: { type: 'string' } }, strict: false });
  if (typeof cluster.nodes === 'string') {
    const release = await acquireRunLock(LOCK_WAIT_MS);
    try {
      await runClusterBench({
        nodes: Number(cluster.nodes),
        clients: typeof cluster.clients === 'string' ? Number(cluster.clients) : 150,
        seconds: typeof cluster.seconds === 'string' ? Number(cluster.seconds) : 5,
        ...(typeof cluster.out === 'string' ? { out: cluster.out } : {}),
      });
    } finally {
      release();
    }
    return 0;
  }
  const config = parseConfig();
  const releaseLock = await acquireRunLock(LOCK_WAIT_MS);
  const startedAt = Date.now();
  const results: Results = { date: new Date().toISOString(), machine: machine(), config, saturation: [], durationMs: 0, loadAtEnd: [] };
  const m = results.machine;
  console.log(`Pulseboard bench${config.quick ? ' (quick)' : ''} — ${results.date}`);
  console.log(`${m.nproc} × ${m.cpu}, ${m.ramGb} GB RAM, Node ${m.node}, load average ${m.loadAtStart.join(' ')}`);
  console.log(`servers: ${config.servers.join(', ')}; scenarios: ${config.scenarios.join(', ')}; client fleet processes: ${config.fleets}\n`);

  const fleet = await Fleet.start(config.fleets);
  try {
    if (config.scenarios.includes('saturation')) {
      for (const options of config.saturation) {
        const full = {
          ...options,
          window: config.saturationWindow,
          maxLag: Math.max(10, Math.ceil(config.saturationMaxLagDeliveries / options.clients)),
          publishers: config.saturationPublishers,
        };
        results.saturation.push({ clients: options.clients, runs: await eachServer(config, `saturation ${options.clients}`, (kind) => runSaturation(kind, fleet, full)) });
      }
    }
    if (config.scenarios.includes('steady')) results.steady = await eachServer(config, 'steady', (kind) => runSteady(kind, fleet, config.steady));
    if (config.scenarios.includes('memory')) {
      const rounds: Array<Partial<Record<ServerKind, Outcome<MemoryResult>>>> = [];
      for (let round = 1; round <= config.memory.rounds; round++) {
        const label = config.memory.rounds > 1 ? `memory (round ${round} of ${config.memory.rounds})` : 'memory';
        rounds.push(await eachServer(config, label, (kind) => runMemory(kind, fleet, config.memory)));
      }
      results.memory = medianMemory(config.servers, rounds);
    }
    if (config.scenarios.includes('batch')) {
      const startedAt = Date.now();
      process.stdout.write(`  batch · ${config.servers.map((kind) => SERVER_LABELS[kind]).join(', ')}, rounds interleaved … `);
      results.batch = await runBatch(config.servers, config.batch);
      process.stdout.write(`done in ${((Date.now() - startedAt) / 1_000).toFixed(1)} s\n`);
    }
  } finally {
    await fleet.stop();
  }
  if (config.scenarios.includes('client')) results.client = await runClientCoreChild(config.quick);
  if (config.scenarios.includes('reconnect-storm')) {
    process.stdout.write(`  reconnect storm · ${config.stormClients} clients … `);
    results.reconnectStorm = await runReconnectStorm({ clients: config.stormClients }).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error: (error as Error).message }),
    );
    process.stdout.write('done\n');
  }
  results.durationMs = Date.now() - startedAt;
  results.loadAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);

  console.log(`\n${renderResults(config, results)}\n`);
  if (results.client) console.log(`${renderClientCore(results.client)}\n`);
  if (results.reconnectStorm) {
    console.log(results.reconnectStorm.ok ? `${formatStorm(results.reconnectStorm.value)}\n` : `reconnect storm failed: ${results.reconnectStorm.error}\n`);
  }
  const busiest = Math.max(m.loadAtStart[0] ?? 0, results.loadAtEnd[0] ?? 0);
  if (busiest > m.nproc) {
    console.log(`! load average reached ${busiest} on ${m.nproc} cores: other work competed for the CPU; trust the ratios more than the absolute figures`);
  }
  const notes = correctnessNotes(results);
  for (const note of notes) console.log(`! ${note}`);
  const failures = collectFailures(results);
  for (const failure of failures) console.log(`✗ ${failure}`);

  const out = new URL('./results/', import.meta.url);
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL('latest.json', out), `${JSON.stringify(results, null, 2)}\n`);
  if (config.out) writeFileSync(config.out, `${JSON.stringify(results, null, 2)}\n`);
  releaseLock();
  console.log(`\nfinished in ${(results.durationMs / 1_000).toFixed(0)} s; wrote bench/results/latest.json${config.out ? ` and ${config.out}` : ''}`);
  return failures.length > 0 ? 1 : 0;
}

/** Per server, the median of each memory figure over the rounds (RSS moves by a few KB per connection between runs). */
function medianMemory(kinds: ServerKind[], rounds: Array<Partial<Record<ServerKind, Outcome<MemoryResult>>>>): Partial<Record<ServerKind, Outcome<MemoryResult>>> {
  const out: Partial<Record<ServerKind, Outcome<MemoryResult>>> = {};
  for (const kind of kinds) {
    const outcomes = rounds.map((round) => round[kind]).filter((o): o is Outcome<MemoryResult> => o !== undefined);
    const failed = outcomes.find((o) => !o.ok);
    if (failed || outcomes.length === 0) {
      if (failed) out[kind] = failed;
      continue;
    }
    const values = outcomes.map((o) => (o as { ok: true; value: MemoryResult }).value);
    out[kind] = {
      ok: true,
      value: {
        clients: values[0]?.clients ?? 0,
        idleRssMb: median(values.map((v) => v.idleRssMb)),
        rssKbPerConnection: median(values.map((v) => v.rssKbPerConnection)),
        heapKbPerConnection: median(values.map((v) => v.heapKbPerConnection)),
        heapTotalKbPerConnection: median(values.map((v) => v.heapTotalKbPerConnection)),
        rounds: values.map((v) => ({ rssKbPerConnection: v.rssKbPerConnection, heapKbPerConnection: v.heapKbPerConnection })),
      },
    };
  }
  return out;
}

/** The client core costs, in their own process (isolated heap, --expose-gc). */
async function runClientCoreChild(quick: boolean): Promise<Outcome<ClientCoreResult>> {
  const startedAt = Date.now();
  process.stdout.write('  client core (@pulseboard/client, scripted server) … ');
  const child = new BenchChild(new URL('./client-core.ts', import.meta.url), { name: 'client-core', nodeFlags: ['--expose-gc'] });
  try {
    await child.waitForEvent('ready', 30_000);
    const value = await child.request<ClientCoreResult>({ cmd: 'run', quick }, 300_000);
    process.stdout.write(`done in ${((Date.now() - startedAt) / 1_000).toFixed(1)} s\n`);
    return { ok: true, value };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`FAILED\n${indent(message)}\n`);
    return { ok: false, error: message };
  } finally {
    await child.stop();
  }
}

function renderClientCore(outcome: Outcome<ClientCoreResult> | undefined): string {
  if (!outcome) return '';
  if (!outcome.ok) return `client core: error (${outcome.error.split('\n')[0]})`;
  const r = outcome.value;
  const f = (v: number): string => formatNumber(v, 1);
  const rows: string[][] = [
    [`apply ${r.options.batchEvents} remote stream points in one frame (CPU)`, `${f(r.streamBatchCpuMs.p50)} ms`, `${f(r.streamBatchCpuMs.p95)} ms`, '< 5 ms'],
    [`apply ${r.options.batchEvents} remote dashboard mutations in one frame (CPU)`, `${f(r.dashboardBatchCpuMs.p50)} ms`, `${f(r.dashboardBatchCpuMs.p95)} ms`, '< 5 ms'],
    [`rebase over ${r.options.pendingMutations} pending mutations (CPU)`, `${f(r.rebaseCpuMs.p50)} ms`, `${f(r.rebaseCpuMs.p95)} ms`, '< 10 ms'],
    [
      `heap growth over ${r.reconnect.cycles} reconnect cycles, after GC (total | per cycle)`,
      `${formatNumber(r.reconnect.growthKb, 0)} KB`,
      `${formatNumber(r.reconnect.bytesPerCycle, 0)} B/cycle`,
      'flat',
    ],
  ];
  return `${renderTable(['client core', 'median', 'p95', 'target'], rows)}\n(heap MB at checkpoints: ${r.reconnect.heapMb.join(' → ')})`;
}

function collectFailures(results: Results): string[] {
  const failures: string[] = [];
  const add = (label: string, outcomes: Partial<Record<ServerKind, Outcome<unknown>>> | undefined): void => {
    for (const [kind, outcome] of Object.entries(outcomes ?? {}) as Array<[ServerKind, Outcome<unknown>]>) {
      if (!outcome.ok) failures.push(`${label} · ${SERVER_LABELS[kind]}: ${outcome.error.split('\n')[0]}`);
    }
  };
  for (const group of results.saturation) add(`saturation ${group.clients}`, group.runs);
  add('steady', results.steady);
  add('memory', results.memory);
  add('batch', results.batch);
  if (results.client && !results.client.ok) failures.push(`client core: ${results.client.error.split('\n')[0]}`);
  const storm = results.reconnectStorm;
  if (storm && !storm.ok) failures.push(`reconnect storm: ${storm.error.split('\n')[0]}`);
  for (const phase of storm?.ok ? storm.value : []) {
    if (phase.duplicates + phase.gaps + phase.mismatched > 0) {
      failures.push(`reconnect storm (${phase.cut}): ${phase.duplicates} duplicates, ${phase.gaps} gaps, ${phase.mismatched} clients off the server's state`);
    }
  }
  return failures;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
