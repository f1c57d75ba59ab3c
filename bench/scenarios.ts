/**
 * The bench scenarios. Each runs against one server kind in a fresh server process, with
 * the clients in the (shared) fleet process and the publisher in the bench's own process:
 *
 * - saturation: publish to one stream as fast as the server accepts (a window of
 *   unacknowledged publishes, and a cap on how far the slowest client may lag) and count
 *   the updates the clients receive per second, after a warm-up;
 * - steady: a fixed publish rate over several streams; publish-to-receive latency, and
 *   drops (expected vs received, offsets checked per client and topic);
 * - memory: the server's RSS and heap after a forced GC with 0 and with N idle clients;
 * - fanout: N idle clients on ONE topic, then single updates one at a time: publish → each
 *   client's receipt, and per update the time until the last client has it;
 * - batch: POST /api/streams with 1,000 points over many keys; time until one subscribed
 *   client has all of them (and until the HTTP answer).
 */
import { CpuWatch, type ForeignLoad } from './lib/cpu-accounting.js';
import { benchPayload } from './lib/payload.js';
import { pulseboardBatchBody } from './lib/pulseboard-adapter.js';
import { hostDelta, ServerHost, type Fleet, type ServerCost } from './lib/harness.js';
import { ProbeClient } from './lib/probe-client.js';
import { PublisherPool } from './lib/publisher-pool.js';
import { nowMs } from './lib/rpc.js';
import { median, percentile, summarise } from './lib/stats.js';
import { isPulseboard, type FleetReport, type HostStats, type LatencySummary, type ServerInfo, type ServerKind } from './lib/types.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));


/** Whether server hosts are pinned to their core (set by the CLI; the harness test leaves it off). */
let pinServers = false;

/** Pins every server host started from now on to SERVER_CPU. */
export function pinServerHosts(on: boolean): void {
  pinServers = on;
}

/**
 * Starts a server host, runs `body`, and always stops the host and disconnects the fleet.
 * Adds the CPU other processes used during `body` (/proc/stat minus the bench's own).
 */
async function withServer<T>(kind: ServerKind, fleet: Fleet, body: (host: ServerHost) => Promise<T>): Promise<T & { foreign: ForeignLoad }> {
  const host = await ServerHost.start(kind, { pin: pinServers });
  try {
    const watch = new CpuWatch([process.pid, ...(host.child.proc.pid === undefined ? [] : [host.child.proc.pid]), ...fleet.pids]);
    const result = await body(host);
    return { ...result, foreign: watch.stop() };
  } finally {
    await fleet.disconnectOrRespawn();
    await host.stop();
  }
}

const UNKNOWN_COST: ServerCost = { cpuMs: NaN, systemMs: NaN, cpuShare: NaN, elu: NaN };

/**
 * The server's closing stats, or null when it does not answer within ServerHost.stats's
 * minute: a server far behind handles the request only after its backlog, and the rest of the
 * scenario's figures (the clients') still stand.
 */
async function statsUnlessBehind(host: ServerHost): Promise<HostStats | null> {
  try {
    return await host.stats();
  } catch (error) {
    if (/no answer to "stats"/.test((error as Error).message)) return null;
    throw error;
  }
}

// ---- (a) saturation ----------------------------------------------------------------------

export interface SaturationOptions {
  clients: number;
  durationMs: number;
  /** Not counted: lets connections, JIT and buffers reach a steady state. */
  warmupMs: number;
  /** Publishes in flight without an ack. */
  window: number;
  /** The publisher waits while the slowest client is this many updates behind. */
  maxLag: number;
  /** Publisher connections (each paced below the server's per-connection rate limit). */
  publishers: number;
}

export interface SaturationResult {
  clients: number;
  published: number;
  /** Events delivered per second, all clients together, over the measured span. */
  deliveredPerSec: number;
  /** Publishes accepted per second over the whole run. */
  publishedPerSec: number;
  /** The publisher pool's pacing, not the server, limited the rate: raise `publishers`. */
  publisherBound: boolean;
  /** Every client got every update (after the drain). */
  complete: boolean;
  missing: number;
  duplicates: number;
  /** Average events per frame the clients received. */
  eventsPerFrame: number;
  /** Bytes received per event delivered (frame overhead included); NaN where not counted (Socket.IO). */
  bytesPerEvent: number;
  latency: LatencySummary | null;
  server: ServerCost;
  /** The server had not answered its final stats within a minute (still working off a backlog): `server` is NaN. */
  serverBehind: boolean;
  fleetCpuMs: number;
  /** Event-loop utilisation of the client fleet, 0..1. */
  fleetBusy: number;
  unexpectedCloses: Record<string, number>;
  errors: string[];
  /** CPU other processes used meanwhile. */
  foreign?: ForeignLoad;
}

export async function runSaturation(kind: ServerKind, fleet: Fleet, options: SaturationOptions): Promise<SaturationResult> {
  return withServer(kind, fleet, async (host) => {
    const stream = 'bench.saturation';
    await fleet.connect(host.info, options.clients, [`stream:${stream}`]);
    const pool = await PublisherPool.open(host.info, options.publishers);
    try {
      let slowest = 0;
      let published = 0;
      let inFlight = 0;
      let stopped = false;
      let failure: Error | null = null;
      let retry: NodeJS.Timeout | null = null;
      let wake: () => void = () => {};
      const pump = (): void => {
        while (!stopped && inFlight < options.window && published - slowest < options.maxLag) {
          const sent = pool.tryPublish(stream, benchPayload(nowMs(), published));
          if (!sent) {
            retry ??= setTimeout(() => {
              retry = null;
              pump();
            }, Math.max(1, pool.msUntilToken()));
            return;
          }
          published += 1;
          inFlight += 1;
          sent.then(
            () => {
              inFlight -= 1;
              pump();
            },
            (error: Error) => {
              failure ??= error;
              stopped = true;
              wake();
            },
          );
        }
      };
      await fleet.reset(true);
      const offProgress = await fleet.progress(20, (min) => {
        slowest = min;
        pump();
      });
      const before = await host.stats();
      const startedAt = nowMs();
      pump();
      await sleep(options.warmupMs);
      const first = await fleet.mark();
      await Promise.race([sleep(options.durationMs - options.warmupMs), new Promise<void>((resolve) => (wake = resolve))]);
      const last = await fleet.mark();
      stopped = true;
      if (retry) clearTimeout(retry);
      const publishedSpanMs = nowMs() - startedAt;
      await fleet.progress(0);
      offProgress();
      if (failure) throw failure;
      while (inFlight > 0 && nowMs() - startedAt < options.durationMs + 10_000) await sleep(5);
      const drained = await fleet.waitFor(published, 15_000);
      // After the drain: a server that buffered frames spends CPU writing them out late.
      const after = await statsUnlessBehind(host);
      const publishedPerSec = (published * 1_000) / publishedSpanMs;
      return {
        clients: options.clients,
        published,
        deliveredPerSec: ((last.received - first.received) * 1_000) / (last.at - first.at),
        publishedPerSec,
        publisherBound: publishedPerSec >= 0.9 * pool.maxRatePerSec,
        complete: drained.complete && drained.maxPerClient === published,
        missing: drained.missing,
        duplicates: drained.duplicates,
        eventsPerFrame: drained.frames > 0 ? drained.received / drained.frames : 0,
        bytesPerEvent: drained.bytes > 0 ? drained.bytes / drained.received : NaN,
        latency: drained.latency,
        server: after ? hostDelta(before, after) : UNKNOWN_COST,
        serverBehind: after === null,
        fleetCpuMs: drained.cpuMs,
        fleetBusy: drained.busy,
        unexpectedCloses: drained.unexpectedCloses,
        errors: drained.errors,
      };
    } finally {
      await pool.close();
    }
  });
}

// ---- (b) steady rate ----------------------------------------------------------------------

export interface SteadyOptions {
  clients: number;
  /** Stream updates per second, all streams together. */
  rate: number;
  durationMs: number;
  /** Every client subscribes to all of them; updates go round-robin. */
  streams: number;
}

export interface SteadyResult {
  clients: number;
  published: number;
  expected: number;
  received: number;
  /** expected − received, STEADY_DRAIN_MS after the last publish: late or lost (offset checks tell which). */
  undelivered: number;
  missing: number;
  duplicates: number;
  latency: LatencySummary | null;
  /** Average events per frame the clients received. */
  eventsPerFrame: number;
  /** Bytes received per event delivered (frame overhead included); NaN where not counted (Socket.IO). */
  bytesPerEvent: number;
  /** Publish → ack, seen by the publisher. */
  ackLatency: LatencySummary;
  server: ServerCost;
  /** The server had not answered its final stats within a minute (still working off a backlog): `server` is NaN. */
  serverBehind: boolean;
  /** The fleets' CPU time (ms), all processes together. */
  fleetCpuMs: number;
  /** Event-loop utilisation of the client fleet, 0..1: near 1, the latency is the fleet's backlog. */
  fleetBusy: number;
  unexpectedCloses: Record<string, number>;
  errors: string[];
  /** CPU other processes used meanwhile. */
  foreign?: ForeignLoad;
}

/** How long after its last publish the steady scenario waits for every update to arrive. */
export const STEADY_DRAIN_MS = 10_000;

export async function runSteady(kind: ServerKind, fleet: Fleet, options: SteadyOptions): Promise<SteadyResult> {
  return withServer(kind, fleet, async (host) => {
    const keys = Array.from({ length: options.streams }, (_, i) => `bench.steady.${i}`);
    await fleet.connect(host.info, options.clients, keys.map((key) => `stream:${key}`));
    // Pacing: each connection stays well below the server's per-connection rate limit.
    const publisher = await PublisherPool.open(host.info, Math.max(2, Math.ceil(options.rate / 100)));
    try {
      const total = Math.round((options.rate * options.durationMs) / 1_000);
      const periodMs = 1_000 / options.rate;
      const acks: Array<Promise<void>> = [];
      const ackLatencies: number[] = [];
      // Past the drain's end (with 5 s for late publish timers) the fleet stops reading even if flooded.
      await fleet.reset(true, false, nowMs() + options.durationMs + STEADY_DRAIN_MS + 5_000);
      const before = await host.stats();
      const startedAt = nowMs();
      await new Promise<void>((resolve, reject) => {
        let sent = 0;
        const tick = (): void => {
          // Catch up in a burst if a timer fired late, so the average rate holds.
          while (sent < total && startedAt + sent * periodMs <= nowMs()) {
            const sentAt = nowMs();
            const ack = publisher.tryPublish(keys[sent % keys.length] as string, benchPayload(sentAt, sent));
            if (!ack) return reject(new Error(`steady: ${options.rate}/s is over the publisher's pacing (${publisher.maxRatePerSec}/s)`));
            // A server that fell far behind may still owe acks when it is stopped: not an error here.
            acks.push(ack.then(() => void ackLatencies.push(nowMs() - sentAt)).catch(() => {}));
            sent += 1;
          }
          if (sent < total) setTimeout(tick, Math.max(0, startedAt + sent * periodMs - nowMs()));
          else resolve();
        };
        tick();
      });
      // A server that cannot keep up falls behind without bound: stop waiting after the drain time.
      const drainEndsAt = nowMs() + STEADY_DRAIN_MS;
      await Promise.race([Promise.all(acks), sleep(STEADY_DRAIN_MS)]);
      const report = await fleet.waitFor(total, Math.max(0, drainEndsAt - nowMs())).catch((error: Error) => {
        const perSec = options.rate * options.clients;
        throw new Error(
          `the client fleet fell too far behind to answer (${options.rate}/s × ${options.clients} clients = ${perSec.toLocaleString('en-US')} deliveries/s to parse on one core): ${error.message.split('\n')[0]}`,
        );
      });
      const after = await statsUnlessBehind(host);
      const expected = total * options.clients;
      return {
        clients: options.clients,
        published: total,
        expected,
        received: report.received,
        undelivered: expected - report.received,
        missing: report.missing,
        duplicates: report.duplicates,
        latency: report.latency,
        eventsPerFrame: report.frames > 0 ? report.received / report.frames : 0,
        bytesPerEvent: report.bytes > 0 ? report.bytes / report.received : NaN,
        ackLatency: summarise(ackLatencies),
        server: after ? hostDelta(before, after) : UNKNOWN_COST,
        serverBehind: after === null,
        fleetCpuMs: report.cpuMs,
        fleetBusy: report.busy,
        unexpectedCloses: report.unexpectedCloses,
        errors: report.errors,
      };
    } finally {
      await publisher.close();
    }
  });
}

// ---- (c) idle memory ---------------------------------------------------------------------

export interface MemoryResult {
  clients: number;
  idleRssMb: number;
  /** Per connection, KB: RSS delta / clients. */
  rssKbPerConnection: number;
  /** Per connection, KB: (heapUsed + external) delta / clients. */
  heapKbPerConnection: number;
  /** Per connection, KB: heapTotal delta / clients (V8 heap reserved, live or not). */
  heapTotalKbPerConnection: number;
  /** Each round's figures, when several were run (the fields above are then their medians). */
  rounds?: Array<{ rssKbPerConnection: number; heapKbPerConnection: number }>;
  /** Connections opened per second (hello and subscribe included). */
  connectPerSec?: number;
}

export async function runMemory(kind: ServerKind, fleet: Fleet, options: { clients: number; settleMs: number }): Promise<MemoryResult> {
  return withServer(kind, fleet, async (host) => {
    await sleep(options.settleMs);
    const empty = await host.stats(true);
    const connected = await fleet.connect(host.info, options.clients, ['stream:bench.idle']);
    await sleep(options.settleMs);
    const full = await host.stats(true);
    const heap = (m: NodeJS.MemoryUsage): number => m.heapUsed + m.external;
    return {
      clients: options.clients,
      idleRssMb: empty.memory.rss / 1_048_576,
      rssKbPerConnection: (full.memory.rss - empty.memory.rss) / options.clients / 1_024,
      heapKbPerConnection: (heap(full.memory) - heap(empty.memory)) / options.clients / 1_024,
      heapTotalKbPerConnection: (full.memory.heapTotal - empty.memory.heapTotal) / options.clients / 1_024,
      connectPerSec: connected.ms > 0 ? (connected.connected * 1_000) / connected.ms : 0,
    };
  });
}

// ---- (d) fan-out of one update to N idle connections -------------------------------------

/** How long the fan-out scenario watches the server's CPU with every connection idle. */
const FANOUT_IDLE_SPAN_MS = 2_000;
/** At least this long between one update reaching every client and the next publish. */
const FANOUT_QUIET_MS = 100;

export interface FanoutOptions {
  clients: number;
  /** Single updates published, one at a time. */
  updates: number;
  /** At least this long from one publish to the next (and never sooner than FANOUT_QUIET_MS after every client has the previous one). */
  spacingMs: number;
  /** Idle time after connecting (and before the empty-server reading). */
  settleMs: number;
  /** How long one update may take to reach every client before it is counted late and the next one goes out. */
  updateTimeoutMs: number;
}

export interface FanoutResult {
  clients: number;
  updates: number;
  /** Connections opened per second (hello and subscribe included), all fleet processes together. */
  connectPerSec: number;
  connectMs: number;
  /** The server after a forced GC, with no connection and with N idle ones. */
  idleRssMb: number;
  rssMb: number;
  /** heapUsed + external (MB). */
  idleHeapMb: number;
  heapMb: number;
  /** Every delivery (update × client): publish → receipt (ms). */
  latency: LatencySummary | null;
  /** Per update, publish → the LAST client's receipt (ms), in publish order. */
  lastClientMs: number[];
  /** Median and max of `lastClientMs`. */
  lastClientP50: number;
  lastClientMax: number;
  /** Updates that had not reached every client within `updateTimeoutMs`. */
  lateUpdates: number;
  /** updates × clients − deliveries, after the last update's wait. */
  undelivered: number;
  missing: number;
  duplicates: number;
  /** Publish → ack, seen by the publisher (ms). */
  ackLatency: LatencySummary;
  /** Server CPU over the publishing phase, per update (ms), less what the idle connections cost over the same time. */
  serverCpuMsPerUpdate: number;
  /** Server CPU with the N connections idle (heartbeats, sweeps, GC), % of a core. */
  serverIdleCpuPercent: number;
  fleetCpuMs: number;
  /** Event-loop utilisation of the busiest fleet process over the publishing phase, 0..1. */
  fleetBusy: number;
  unexpectedCloses: Record<string, number>;
  errors: string[];
  foreign?: ForeignLoad;
}

/**
 * N clients connect and subscribe to one stream and sit idle; then the publisher sends single
 * updates, each only once every client has the previous one and `spacingMs` has passed, so each
 * measures the fan-out of ONE update to N idle connections, not a backlog.
 */
export async function runFanout(kind: ServerKind, fleet: Fleet, options: FanoutOptions): Promise<FanoutResult> {
  return withServer(kind, fleet, async (host) => {
    const stream = 'bench.fanout';
    await sleep(options.settleMs);
    const empty = await host.stats(true);
    const connected = await fleet.connect(host.info, options.clients, [`stream:${stream}`]);
    const publisher = await ProbeClient.open(host.info, 'fanout-publisher');
    try {
      await sleep(options.settleMs);
      const full = await host.stats(true);
      // What the idle connections cost meanwhile (pings, sweeps, timers), to net out of the fan-out's CPU.
      const idleFrom = await host.stats();
      await sleep(FANOUT_IDLE_SPAN_MS);
      const idle = hostDelta(idleFrom, await host.stats());
      const idleCpuPerMs = idle.cpuMs / FANOUT_IDLE_SPAN_MS;
      await fleet.reset(true, true);
      const before = await host.stats();
      const phaseStartedAt = nowMs();
      const lastClientMs: number[] = [];
      const ackLatencies: number[] = [];
      let lateUpdates = 0;
      for (let i = 0; i < options.updates; i++) {
        const sentAt = nowMs();
        const ack = publisher.publish(stream, benchPayload(sentAt, i)).then(() => void ackLatencies.push(nowMs() - sentAt));
        const [update] = await Promise.all([fleet.waitForUpdate(sentAt, options.updateTimeoutMs), ack]);
        if (update.complete) lastClientMs.push(update.maxLatency);
        else lateUpdates += 1;
        // Quiet time after the last receipt too, so no update starts in the previous one's tail (its ack, GC).
        await sleep(Math.max(FANOUT_QUIET_MS, sentAt + options.spacingMs - nowMs()));
      }
      const after = await host.stats();
      const phaseMs = nowMs() - phaseStartedAt;
      const report = await fleet.report();
      const heap = (m: NodeJS.MemoryUsage): number => (m.heapUsed + m.external) / 1_048_576;
      const sortedLast = [...lastClientMs].sort((a, b) => a - b);
      return {
        clients: options.clients,
        updates: options.updates,
        connectPerSec: connected.ms > 0 ? (connected.connected * 1_000) / connected.ms : 0,
        connectMs: connected.ms,
        idleRssMb: empty.memory.rss / 1_048_576,
        rssMb: full.memory.rss / 1_048_576,
        idleHeapMb: heap(empty.memory),
        heapMb: heap(full.memory),
        latency: report.latency,
        lastClientMs,
        lastClientP50: sortedLast.length ? median(sortedLast) : NaN,
        lastClientMax: sortedLast.at(-1) ?? NaN,
        lateUpdates,
        undelivered: options.updates * options.clients - report.received,
        missing: report.missing,
        duplicates: report.duplicates,
        ackLatency: summarise(ackLatencies),
        serverCpuMsPerUpdate: Math.max(0, hostDelta(before, after).cpuMs - idleCpuPerMs * phaseMs) / options.updates,
        serverIdleCpuPercent: idleCpuPerMs * 100,
        fleetCpuMs: report.cpuMs,
        fleetBusy: report.busy,
        unexpectedCloses: report.unexpectedCloses,
        errors: report.errors,
      };
    } finally {
      await publisher.close();
    }
  });
}

// ---- (e) batch push ----------------------------------------------------------------------

export interface BatchOptions {
  repetitions: number;
  /** Extra first rounds, not counted. */
  warmup: number;
  keys: number;
  pointsPerKey: number;
}

export interface BatchResult {
  points: number;
  /** POST sent → the subscriber has every point (ms). */
  broadcast: { p50: number; p95: number; max: number };
  /** POST sent → HTTP answer (ms). */
  response: { p50: number; p95: number };
  /** Server CPU per batch (parse, validate, store, fan out), median (ms): steadier than wall time on a busy machine. */
  serverCpuMs: number;
}

/** The body of POST /api/streams for `batch`, in each server's format. */
function batchBody(kind: ServerKind, batch: Array<{ key: string; points: Array<{ ts: number; value: number }> }>): unknown {
  return isPulseboard(kind) ? pulseboardBatchBody(batch) : { streams: batch };
}

/** One server's side of the batch scenario: its host and a client subscribed to every key. */
class BatchTarget {
  readonly broadcast: number[] = [];
  readonly response: number[] = [];
  readonly serverCpu: number[] = [];
  error: string | null = null;

  private constructor(
    readonly kind: ServerKind,
    readonly host: ServerHost,
    readonly subscriber: ProbeClient,
  ) {}

  static async open(kind: ServerKind, keys: string[]): Promise<BatchTarget> {
    const host = await ServerHost.start(kind, { pin: pinServers });
    try {
      const subscriber = await ProbeClient.open(host.info, 'batch-subscriber');
      await subscriber.subscribe(keys.map((key) => `stream:${key}`));
      return new BatchTarget(kind, host, subscriber);
    } catch (error) {
      await host.stop();
      throw error;
    }
  }

  /** Pushes one batch; records POST → all points received, and POST → HTTP answer. */
  async round(round: number, keys: string[], options: BatchOptions, record: boolean): Promise<void> {
    const total = keys.length * options.pointsPerKey;
    const ts = Date.now();
    const batch = keys.map((key) => ({ key, points: Array.from({ length: options.pointsPerKey }, (_, i) => ({ ts: ts + i, value: round * 1_000 + i })) }));
    const body = JSON.stringify(batchBody(this.kind, batch));
    let received = 0;
    let timer: NodeJS.Timeout | undefined;
    const allReceived = new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`batch round ${round}: ${received} of ${total} points broadcast within 10 s`)), 10_000);
      this.subscriber.onEvent = () => {
        received += 1;
        if (received === total) resolve(nowMs());
      };
    });
    allReceived.catch(() => {});
    try {
      const before = await this.host.stats();
      const sentAt = nowMs();
      const res = await fetch(`${this.host.info.url}/api/streams`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.host.info.token ? { authorization: `Bearer ${this.host.info.token}` } : {}) },
        body,
      });
      const answeredAt = nowMs();
      const text = await res.text();
      if (!res.ok) throw new Error(`POST /api/streams answered ${res.status}: ${text.slice(0, 300)}`);
      const doneAt = await allReceived;
      const after = await this.host.stats();
      if (record) {
        this.broadcast.push(doneAt - sentAt);
        this.response.push(answeredAt - sentAt);
        this.serverCpu.push(hostDelta(before, after).cpuMs);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  result(points: number): BatchResult {
    const broadcast = [...this.broadcast].sort((a, b) => a - b);
    const response = [...this.response].sort((a, b) => a - b);
    return {
      points,
      broadcast: { p50: percentile(broadcast, 50), p95: percentile(broadcast, 95), max: broadcast.at(-1) ?? NaN },
      response: { p50: percentile(response, 50), p95: percentile(response, 95) },
      serverCpuMs: median(this.serverCpu),
    };
  }

  async close(): Promise<void> {
    await this.subscriber.close().catch(() => {});
    await this.host.stop();
  }
}

/**
 * The batch scenario for several servers at once, rounds interleaved (ws, Socket.IO,
 * Pulseboard, ws, …) so a burst of load from elsewhere on the machine hits all of them alike.
 */
export async function runBatch(kinds: ServerKind[], options: BatchOptions): Promise<Partial<Record<ServerKind, { ok: true; value: BatchResult } | { ok: false; error: string }>>> {
  const keys = Array.from({ length: options.keys }, (_, i) => `bench.batch.${i}`);
  const targets: BatchTarget[] = [];
  const outcomes: Partial<Record<ServerKind, { ok: true; value: BatchResult } | { ok: false; error: string }>> = {};
  try {
    for (const kind of kinds) {
      try {
        targets.push(await BatchTarget.open(kind, keys));
      } catch (error) {
        outcomes[kind] = { ok: false, error: (error as Error).message };
      }
    }
    for (let round = 0; round < options.warmup + options.repetitions; round++) {
      for (const target of targets) {
        if (target.error) continue;
        try {
          await target.round(round, keys, options, round >= options.warmup);
        } catch (error) {
          target.error = (error as Error).message;
        }
      }
    }
    for (const target of targets) {
      outcomes[target.kind] = target.error ? { ok: false, error: target.error } : { ok: true, value: target.result(keys.length * options.pointsPerKey) };
    }
    return outcomes;
  } finally {
    await Promise.all(targets.map((target) => target.close()));
  }
}

/** Burst used by the harness test: `updates` publishes to one stream, then a full drain. */
export async function runBurst(info: ServerInfo, fleet: Fleet, updates: number): Promise<FleetReport & { complete: boolean }> {
  const publisher = await ProbeClient.open(info, 'publisher');
  try {
    await fleet.reset(false);
    await Promise.all(Array.from({ length: updates }, (_, i) => publisher.publish('bench.burst', benchPayload(nowMs(), i))));
    return await fleet.waitFor(updates, 10_000);
  } finally {
    await publisher.close();
  }
}
