/**
 * `npm run bench`: runs every scenario against the baselines (bare ws unbatched, batched per
 * tick and every 16 ms, Socket.IO batched) and Pulseboard, each server in its own process
 * pinned to core 0 with the publisher, the clients in fleet processes pinned to core 1;
 * repeats each scenario `--reps` times, servers interleaved, and prints for each figure the
 * median (min–max) and Pulseboard's ratio against batched ws (the headline) per rep. Foreign
 * CPU use (other processes, from /proc/stat) is reported per scenario. Writes
 * bench/results/latest.json.
 *
 *   npm run bench                       full run (1,000 clients, 3 reps; 10–20 minutes)
 *   npm run bench -- --quick            100 clients, 1 rep, short spans (a few minutes)
 *   npm run bench -- --only=saturation,memory --servers=ws-16ms,pulseboard --clients=500 --reps=5 --out=/tmp/r.json
 *   npm run bench -- --only=fanout --clients=10000 --reps=1   one update at a time to 10,000 idle connections
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
import { canPin, pinToCpu, SERVER_CPU, type ForeignLoad } from './lib/cpu-accounting.js';
import { Fleet } from './lib/harness.js';
import { acquireRunLock } from './lib/run-lock.js';
import { formatStorm, runReconnectStorm, type StormPhase } from './reconnect-storm.js';
import { formatNumber, formatRatio, median, renderTable } from './lib/stats.js';
import { DEFAULT_SERVER_KINDS, HEADLINE_BASELINE, SERVER_KINDS, SERVER_LABELS, type ServerKind } from './lib/types.js';
import {
  pinServerHosts,
  runBatch,
  runFanout,
  runMemory,
  runSaturation,
  runSteady,
  type BatchOptions,
  type BatchResult,
  type FanoutOptions,
  type FanoutResult,
  type MemoryResult,
  type SaturationOptions,
  type SaturationResult,
  type SteadyOptions,
  type SteadyResult,
} from './scenarios.js';

/**
 * Client fleet processes. Two, both pinned to the clients' core: on a machine busy with
 * other work they get two shares of that core and are less often the bottleneck.
 */
const DEFAULT_FLEETS = 2;

/** Memory is measured on these only: the batched ws baselines hold the same idle state as `ws`. */
const MEMORY_KINDS: ServerKind[] = ['ws', 'socketio', 'pulseboard', 'pulseboard-events'];

/**
 * Deliveries per second the client fleet (two processes on one core) parsed at best in the
 * saturation runs on the bench machine (2026-12-01: ~400 k/s for Pulseboard, ~250 k/s for
 * batched ws); a steady rate × clients above it measures the fleet's backlog.
 */
const FLEET_DELIVERIES_PER_SEC = 400_000;

/** How long a run waits for another bench run on the machine to finish. */
const LOCK_WAIT_MS = 15 * 60_000;

const SCENARIOS = ['saturation', 'steady', 'memory', 'fanout', 'batch', 'client', 'reconnect-storm'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** What runs without --only (the reconnect storm takes minutes of its own: asked for by name). */
const DEFAULT_SCENARIOS: Scenario[] = ['saturation', 'steady', 'memory', 'fanout', 'batch', 'client'];

interface BenchConfig {
  quick: boolean;
  /** Client fleet processes (the clients are split between them). */
  fleets: number;
  /** Also write the results here. */
  out: string | undefined;
  servers: ServerKind[];
  scenarios: Scenario[];
  /** Repetitions of each scenario; within a rep every server runs once, in turn. */
  reps: number;
  /** Pin server + publisher and clients to separate cores with taskset. */
  pin: boolean;
  saturation: Array<Omit<SaturationOptions, 'window' | 'maxLag' | 'publishers'>>;
  saturationPublishers: number;
  saturationWindow: number;
  /** Deliveries (updates × clients) the publisher lets the slowest client lag: bounds the backlog to a second or two. */
  saturationMaxLagDeliveries: number;
  /** One steady scenario per rate. */
  steady: SteadyOptions[];
  /** One memory scenario per client count (measured `reps` times, interleaved). */
  memory: Array<{ clients: number; settleMs: number }>;
  /** Single updates, one at a time, to N idle clients on one topic. */
  fanout: FanoutOptions;
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
      reps: { type: 'string', default: process.env.BENCH_REPS },
      'no-pin': { type: 'boolean', default: false },
      // Handled in main() before this: the cluster benchmark (bench/cluster-bench.ts).
      nodes: { type: 'string' },
      seconds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`usage: npm run bench -- --nodes=3 [--clients=150] [--seconds=5]   (cluster benchmark, bench/cluster-bench.ts)`);
    console.log(
      `usage: npm run bench -- [--quick] [--only=${SCENARIOS.join(',')}] [--servers=${SERVER_KINDS.join(',')}] [--clients=N] [--reps=N] [--fleets=N] [--no-pin] [--out=file.json]`,
    );
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
  const reps = values.reps ? Number(values.reps) : quick ? 1 : 3;
  if (!Number.isInteger(reps) || reps < 1 || reps > 20) throw new Error(`--reps must be 1..20, not ${values.reps}`);
  const steadyMs = quick ? 3_000 : 6_000;
  return {
    quick,
    fleets,
    reps,
    pin: !values['no-pin'],
    out: values.out,
    servers: list(values.servers, SERVER_KINDS, 'server', DEFAULT_SERVER_KINDS),
    scenarios: list(values.only, SCENARIOS, 'scenario', DEFAULT_SCENARIOS),
    stormClients: values.clients ? clients : quick ? 500 : 5_000,
    saturation: [{ clients, durationMs: quick ? 2_500 : 5_000, warmupMs: quick ? 700 : 1_000 }],
    saturationWindow: 32,
    saturationMaxLagDeliveries: 50_000,
    saturationPublishers: 32,
    steady: [
      { clients, rate: 50, durationMs: steadyMs, streams: 5 },
      { clients, rate: 300, durationMs: steadyMs, streams: 5 },
    ],
    memory: (quick || values.clients ? [clients] : [1_000, 5_000]).map((n) => ({ clients: n, settleMs: quick ? 300 : 1_000 })),
    fanout: { clients, updates: quick ? 10 : 25, spacingMs: 300, settleMs: quick ? 300 : 1_000, updateTimeoutMs: 10_000 },
    batch: { repetitions: quick ? 5 : 20, warmup: quick ? 1 : 3, keys: 100, pointsPerKey: 10 },
  };
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** One rep of a scenario: each server's outcome. */
type Rep<T> = Partial<Record<ServerKind, Outcome<T>>>;

interface Results {
  date: string;
  machine: ReturnType<typeof machine>;
  config: BenchConfig;
  /** Whether server + publisher and clients ran pinned to separate cores. */
  pinned: boolean;
  saturation: Array<{ clients: number; reps: Array<Rep<SaturationResult>> }>;
  steady: Array<{ rate: number; clients: number; reps: Array<Rep<SteadyResult>> }>;
  memory: Array<{ clients: number; reps: Array<Rep<MemoryResult>> }>;
  fanout: Array<{ clients: number; reps: Array<Rep<FanoutResult>> }>;
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
async function eachServer<T>(kinds: ServerKind[], label: string, run: (kind: ServerKind) => Promise<T>): Promise<Partial<Record<ServerKind, Outcome<T>>>> {
  const outcomes: Partial<Record<ServerKind, Outcome<T>>> = {};
  for (const kind of kinds) {
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

/** "median (min–max)" of the reps' values, or the single value. */
function spread(values: number[], decimals?: number, format: (v: number, d?: number) => string = formatNumber): string {
  if (values.length === 0) return 'n/a';
  if (values.length === 1) return format(values[0] as number, decimals);
  const sorted = [...values].sort((a, b) => a - b);
  return `${format(median(sorted), decimals)} (${format(sorted[0] as number, decimals)}–${format(sorted.at(-1) as number, decimals)})`;
}

const ratioText = (v: number): string => formatRatio(v).replace('×', '');

/**
 * One row: each server's figure over the reps (median and range), then Pulseboard's ratio
 * against batched ws, computed per rep (same-run ratios), median and range.
 */
function figureRow<T>(
  columns: ServerKind[],
  kinds: ServerKind[],
  name: string,
  reps: Array<Rep<T>>,
  pick: (value: T) => number | null | undefined,
  options: { unit?: string; decimals?: number; target?: string } = {},
): Row {
  const valuesOf = (kind: ServerKind): Array<number | null> =>
    reps.map((rep) => {
      const outcome = rep[kind];
      return outcome?.ok ? (pick(outcome.value) ?? null) : null;
    });
  const cell = (kind: ServerKind): string => {
    if (!kinds.includes(kind)) return '—';
    if (reps.some((rep) => rep[kind] && !rep[kind]?.ok)) return 'error';
    return spread(valuesOf(kind).filter((v): v is number => v !== null && !Number.isNaN(v)), options.decimals);
  };
  const ratio = (base: ServerKind): string => {
    const pb = valuesOf('pulseboard');
    const b = valuesOf(base);
    const ratios = pb.flatMap((v, i) => (v !== null && b[i] !== null && b[i] !== 0 ? [v / (b[i] as number)] : []));
    return ratios.length ? `${spread(ratios, 2, ratioText)}×` : 'n/a';
  };
  return [`${name}${options.unit ? ` (${options.unit})` : ''}`, ...columns.map(cell), ratio(HEADLINE_BASELINE), ratio('ws-tick'), options.target ?? ''];
}

function renderResults(config: BenchConfig, results: Results): string {
  const rows: Row[] = [];
  const kinds = config.servers;
  for (const group of results.saturation) {
    const perDelivery = (ms: number, r: SaturationResult): number => (ms * 1_000) / Math.max(1, r.published * r.clients);
    rows.push(figureRow(config.servers, kinds, `saturation, ${group.clients} clients: delivered`, group.reps, (r) => r.deliveredPerSec, { unit: 'msg/s', target: '≥ 1.0× batched ws' }));
    rows.push(figureRow(config.servers, kinds, `  updates published`, group.reps, (r) => r.publishedPerSec, { unit: '/s' }));
    rows.push(figureRow(config.servers, kinds, `  events per frame`, group.reps, (r) => r.eventsPerFrame, { decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  bytes on the wire per event`, group.reps, (r) => r.bytesPerEvent, { decimals: 0, target: '≤ 1.15× payload JSON' }));
    rows.push(figureRow(config.servers, kinds, `  server CPU per delivery`, group.reps, (r) => perDelivery(r.server.cpuMs, r), { unit: 'µs', decimals: 2 }));
    rows.push(figureRow(config.servers, kinds, `  client CPU per delivery`, group.reps, (r) => perDelivery(r.fleetCpuMs, r), { unit: 'µs', decimals: 2, target: '≤ 1.1× batched ws' }));
    rows.push(figureRow(config.servers, kinds, `  p99 latency under saturation`, group.reps, (r) => r.latency?.p99, { unit: 'ms' }));
    rows.push(figureRow(config.servers, kinds, `  foreign CPU (other processes)`, group.reps, (r) => r.foreign?.foreignCores, { unit: 'cores', decimals: 2 }));
  }
  for (const group of results.steady) {
    const label = `steady ${group.rate}/s → ${group.clients} clients`;
    const perDelivery = (ms: number, r: SteadyResult): number => (ms * 1_000) / Math.max(1, r.received);
    rows.push(figureRow(config.servers, kinds, `${label}: p50`, group.reps, (r) => r.latency?.p50, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  p99`, group.reps, (r) => r.latency?.p99, { unit: 'ms', decimals: 1, target: group.rate <= 50 ? '≤ 1.0× batched ws' : '< 250 ms' }));
    rows.push(figureRow(config.servers, kinds, `  not delivered 10 s after the end`, group.reps, (r) => r.undelivered, { decimals: 0, target: '0' }));
    rows.push(figureRow(config.servers, kinds, `  offsets skipped or duplicated`, group.reps, (r) => r.missing + r.duplicates, { decimals: 0, target: '0' }));
    rows.push(figureRow(config.servers, kinds, `  events per frame`, group.reps, (r) => r.eventsPerFrame, { decimals: 2 }));
    rows.push(figureRow(config.servers, kinds, `  bytes on the wire per event`, group.reps, (r) => r.bytesPerEvent, { decimals: 0 }));
    rows.push(figureRow(config.servers, kinds, `  server CPU (% of a core)`, group.reps, (r) => r.server.cpuShare * 100, { decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  server CPU per delivery`, group.reps, (r) => perDelivery(r.server.cpuMs, r), { unit: 'µs', decimals: 2 }));
    rows.push(figureRow(config.servers, kinds, `  client CPU per delivery`, group.reps, (r) => perDelivery(r.fleetCpuMs, r), { unit: 'µs', decimals: 2 }));
    rows.push(figureRow(config.servers, kinds, `  client fleet busy (%)`, group.reps, (r) => r.fleetBusy * 100, { decimals: 0, target: '< 70 %' }));
    rows.push(figureRow(config.servers, kinds, `  foreign CPU (other processes)`, group.reps, (r) => r.foreign?.foreignCores, { unit: 'cores', decimals: 2 }));
  }
  for (const group of results.memory) {
    const memKinds = kinds.filter((k) => MEMORY_KINDS.includes(k));
    rows.push(figureRow(config.servers, memKinds, `idle memory, ${group.clients} clients: heap + external`, group.reps, (r) => r.heapKbPerConnection, { unit: 'KB/conn', decimals: 2, target: '≤ 1.2× ws' }));
    rows.push(figureRow(config.servers, memKinds, `  RSS`, group.reps, (r) => r.rssKbPerConnection, { unit: 'KB/conn', decimals: 1 }));
    rows.push(figureRow(config.servers, memKinds, `  V8 heap reserved (heapTotal)`, group.reps, (r) => r.heapTotalKbPerConnection, { unit: 'KB/conn', decimals: 1 }));
    rows.push(figureRow(config.servers, memKinds, `  RSS with no connections`, group.reps, (r) => r.idleRssMb, { unit: 'MB', decimals: 1 }));
    rows.push(figureRow(config.servers, memKinds, `  connects`, group.reps, (r) => r.connectPerSec, { unit: '/s', decimals: 0 }));
  }
  for (const group of results.fanout) {
    const label = `fan-out of one update, ${group.clients} idle clients`;
    rows.push(figureRow(config.servers, kinds, `${label}: p50 publish → receipt`, group.reps, (r) => r.latency?.p50, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  p99 publish → receipt`, group.reps, (r) => r.latency?.p99, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  max publish → receipt`, group.reps, (r) => r.latency?.max, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  last client has it, median update`, group.reps, (r) => r.lastClientP50, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  last client has it, slowest update`, group.reps, (r) => r.lastClientMax, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  not delivered`, group.reps, (r) => r.undelivered, { decimals: 0, target: '0' }));
    rows.push(figureRow(config.servers, kinds, `  offsets skipped or duplicated`, group.reps, (r) => r.missing + r.duplicates, { decimals: 0, target: '0' }));
    rows.push(figureRow(config.servers, kinds, `  publish → ack`, group.reps, (r) => r.ackLatency.p50, { unit: 'ms p50', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  server CPU per update, net of idle`, group.reps, (r) => r.serverCpuMsPerUpdate, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  server CPU with all idle`, group.reps, (r) => r.serverIdleCpuPercent, { unit: '% of a core', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  client fleet busy (%)`, group.reps, (r) => r.fleetBusy * 100, { decimals: 0 }));
    rows.push(figureRow(config.servers, kinds, `  connects`, group.reps, (r) => r.connectPerSec, { unit: '/s', decimals: 0 }));
    rows.push(figureRow(config.servers, kinds, `  server RSS, connected`, group.reps, (r) => r.rssMb, { unit: 'MB', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  server heap + external, connected`, group.reps, (r) => r.heapMb, { unit: 'MB', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  RSS per connection`, group.reps, (r) => ((r.rssMb - r.idleRssMb) * 1_024) / r.clients, { unit: 'KB', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  heap + external per connection`, group.reps, (r) => ((r.heapMb - r.idleHeapMb) * 1_024) / r.clients, { unit: 'KB', decimals: 2 }));
    rows.push(figureRow(config.servers, kinds, `  foreign CPU (other processes)`, group.reps, (r) => r.foreign?.foreignCores, { unit: 'cores', decimals: 2 }));
  }
  if (results.batch) {
    const b = config.batch;
    const reps = [results.batch];
    rows.push(figureRow(config.servers, kinds, `batch push ${b.keys * b.pointsPerKey} points: broadcast p50`, reps, (r) => r.broadcast.p50, { unit: 'ms', decimals: 1, target: '< 50 ms' }));
    rows.push(figureRow(config.servers, kinds, `  broadcast p95`, reps, (r) => r.broadcast.p95, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  HTTP answer p50`, reps, (r) => r.response.p50, { unit: 'ms', decimals: 1 }));
    rows.push(figureRow(config.servers, kinds, `  server CPU per batch`, reps, (r) => r.serverCpuMs, { unit: 'ms', decimals: 1 }));
  }
  return renderTable(['figure', ...config.servers.map((k) => SERVER_LABELS[k]), `PB ÷ ${SERVER_LABELS[HEADLINE_BASELINE]}`, 'PB ÷ ws batched/tick', 'target'], rows);
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
    for (const rep of group.reps) {
      for (const [kind, outcome] of Object.entries(rep) as Array<[ServerKind, Outcome<SaturationResult>]>) {
        if (!outcome.ok) continue;
        check(`saturation ${group.clients}`, kind, outcome.value, outcome.value.complete);
        if (outcome.value.serverBehind) notes.push(`saturation ${group.clients} · ${SERVER_LABELS[kind]}: the server did not answer its closing stats within a minute (still behind): its CPU figures are n/a`);
        if (outcome.value.publisherBound) notes.push(`saturation ${group.clients} · ${SERVER_LABELS[kind]}: the publisher's pacing bound the rate (raise saturationPublishers)`);
      }
    }
  }
  for (const group of results.steady) {
    for (const rep of group.reps) {
      for (const [kind, outcome] of Object.entries(rep) as Array<[ServerKind, Outcome<SteadyResult>]>) {
        if (!outcome.ok) continue;
        check(`steady ${group.rate}/s`, kind, outcome.value, outcome.value.undelivered === 0);
        if (outcome.value.serverBehind) notes.push(`steady ${group.rate}/s · ${SERVER_LABELS[kind]}: the server did not answer its closing stats within a minute (still behind): its CPU figures are n/a`);
        if (outcome.value.fleetBusy > 0.7) {
          notes.push(`steady ${group.rate}/s · ${SERVER_LABELS[kind]}: the client fleet was busy ${Math.round(outcome.value.fleetBusy * 100)}% (> 70 %): part of its latency is the fleet's own backlog`);
        }
      }
    }
  }
  for (const group of results.fanout) {
    for (const rep of group.reps) {
      for (const [kind, outcome] of Object.entries(rep) as Array<[ServerKind, Outcome<FanoutResult>]>) {
        if (!outcome.ok) continue;
        const r = outcome.value;
        check(`fanout ${group.clients}`, kind, r, r.undelivered === 0);
        if (r.lateUpdates) notes.push(`fanout ${group.clients} · ${SERVER_LABELS[kind]}: ${r.lateUpdates} of ${r.updates} updates had not reached every client within the per-update timeout`);
      }
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
  const pinned = config.pin && canPin();
  const results: Results = { date: new Date().toISOString(), machine: machine(), config, pinned, saturation: [], steady: [], memory: [], fanout: [], durationMs: 0, loadAtEnd: [] };
  const m = results.machine;
  console.log(`Pulseboard bench${config.quick ? ' (quick)' : ''} — ${results.date}`);
  console.log(`${m.nproc} × ${m.cpu}, ${m.ramGb} GB RAM, Node ${m.node}, load average ${m.loadAtStart.join(' ')}`);
  console.log(`servers: ${config.servers.join(', ')}; scenarios: ${config.scenarios.join(', ')}; reps: ${config.reps}; client fleet processes: ${config.fleets}`);
  console.log(pinned ? `pinned: server + publisher on cpu ${SERVER_CPU}, clients on the other (taskset)\n` : 'NOT pinned (no taskset, one core, or --no-pin)\n');
  if (pinned) pinToCpu(process.pid, SERVER_CPU);
  pinServerHosts(pinned);

  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const fleet = await Fleet.start(config.fleets, { pin: pinned });
  try {
    const saturation = config.scenarios.includes('saturation') ? config.saturation : [];
    const steady = config.scenarios.includes('steady') ? config.steady : [];
    const memory = config.scenarios.includes('memory') ? config.memory : [];
    const fanout = config.scenarios.includes('fanout') ? [config.fanout] : [];
    results.saturation = saturation.map((o) => ({ clients: o.clients, reps: [] }));
    results.steady = steady.map((o) => ({ rate: o.rate, clients: o.clients, reps: [] }));
    results.memory = memory.map((o) => ({ clients: o.clients, reps: [] }));
    results.fanout = fanout.map((o) => ({ clients: o.clients, reps: [] }));
    for (let rep = 1; rep <= config.reps; rep++) {
      const tag = config.reps > 1 ? ` (rep ${rep}/${config.reps})` : '';
      for (const [i, options] of saturation.entries()) {
        const full = {
          ...options,
          window: config.saturationWindow,
          maxLag: Math.max(10, Math.ceil(config.saturationMaxLagDeliveries / options.clients)),
          publishers: config.saturationPublishers,
        };
        results.saturation[i]?.reps.push(await eachServer(config.servers, `saturation ${options.clients}${tag}`, (kind) => runSaturation(kind, fleet, full)));
      }
      for (const [i, options] of steady.entries()) {
        if (rep === 1 && options.rate * options.clients > FLEET_DELIVERIES_PER_SEC) {
          console.log(
            `  ! steady ${options.rate}/s × ${options.clients} clients asks the client fleet (one core) to parse ${(options.rate * options.clients).toLocaleString('en-US')} deliveries/s, ` +
              `more than it managed at saturation here (~${FLEET_DELIVERIES_PER_SEC.toLocaleString('en-US')}/s): its backlog, not the server, will set the latency and "not delivered"`,
          );
        }
        results.steady[i]?.reps.push(await eachServer(config.servers, `steady ${options.rate}/s${tag}`, (kind) => runSteady(kind, fleet, options)));
      }
      for (const [i, options] of memory.entries()) {
        const kinds = config.servers.filter((k) => MEMORY_KINDS.includes(k));
        results.memory[i]?.reps.push(await eachServer(kinds, `memory ${options.clients}${tag}`, (kind) => runMemory(kind, fleet, options)));
      }
      for (const [i, options] of fanout.entries()) {
        results.fanout[i]?.reps.push(await eachServer(config.servers, `fanout ${options.clients}${tag}`, (kind) => runFanout(kind, fleet, options)));
      }
      // Each finished rep is kept, so a run that dies later still leaves its figures.
      writeFileSync(new URL('./results/partial.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
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

  const hasTable = results.saturation.length + results.steady.length + results.memory.length + results.fanout.length > 0 || results.batch !== undefined;
  if (hasTable) console.log(`\n${renderResults(config, results)}\n`);
  if (results.client) console.log(`${renderClientCore(results.client)}\n`);
  if (results.reconnectStorm) {
    console.log(results.reconnectStorm.ok ? `${formatStorm(results.reconnectStorm.value)}\n` : `reconnect storm failed: ${results.reconnectStorm.error}\n`);
  }
  const busiest = Math.max(m.loadAtStart[0] ?? 0, results.loadAtEnd[0] ?? 0);
  if (busiest > m.nproc) {
    console.log(`! load average reached ${busiest} on ${m.nproc} cores: other work competed for the CPU; trust the ratios more than the absolute figures`);
  }
  for (const line of foreignSummary(results)) console.log(line);
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

/** Per scenario: the foreign CPU (other processes' use, from /proc/stat) over its reps and servers. */
function foreignSummary(results: Results): string[] {
  const lines: string[] = [];
  const add = (label: string, reps: Array<Rep<{ foreign?: ForeignLoad }>>): void => {
    const values = reps.flatMap((rep) => Object.values(rep).flatMap((o) => (o?.ok && o.value.foreign ? [o.value.foreign] : [])));
    if (values.length === 0) return;
    const cores = values.map((f) => f.foreignCores);
    const busy = (cpu: number): string => spread(values.map((f) => (f.busyPerCpu[cpu] ?? 0) * 100), 0);
    lines.push(`foreign CPU during ${label}: ${spread(cores, 2)} cores (cpu0 busy ${busy(0)} %, cpu1 busy ${busy(1)} %, all processes)`);
  };
  for (const group of results.saturation) add(`saturation ${group.clients}`, group.reps);
  for (const group of results.steady) add(`steady ${group.rate}/s`, group.reps);
  for (const group of results.fanout) add(`fanout ${group.clients}`, group.reps);
  return lines;
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
    [`  the same, main thread (event loop active)`, `${f(r.dashboardBatchMainMs.p50)} ms`, `${f(r.dashboardBatchMainMs.p95)} ms`, '< 5 ms p50, < 16 ms p95'],
    [`  ${r.options.batchEvents} stream points, main thread (event loop active)`, `${f(r.streamBatchMainMs.p50)} ms`, `${f(r.streamBatchMainMs.p95)} ms`, '< 2 ms p50'],
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
  for (const group of results.saturation) for (const rep of group.reps) add(`saturation ${group.clients}`, rep);
  for (const group of results.steady) for (const rep of group.reps) add(`steady ${group.rate}/s`, rep);
  for (const group of results.memory) for (const rep of group.reps) add(`memory ${group.clients}`, rep);
  for (const group of results.fanout) for (const rep of group.reps) add(`fanout ${group.clients}`, rep);
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
