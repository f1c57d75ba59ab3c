/**
 * The bench's processes as objects: a server host (one server under test in its own child
 * process) and the client fleet (all clients in another child process).
 */
import { BenchChild } from './child.js';
import { CLIENT_CPU, pinToCpu, SERVER_CPU } from './cpu-accounting.js';
import { assertFdRoom } from './fd-limit.js';
import { summarise } from './stats.js';
import type { FleetReport, HostStats, ServerInfo, ServerKind } from './types.js';

const HOST_ENTRY = new URL('../server-host.ts', import.meta.url);
const FLEET_ENTRY = new URL('../client-fleet.ts', import.meta.url);
const START_TIMEOUT_MS = 30_000;

/** A server under test, running in its own process. */
export class ServerHost {
  private constructor(
    readonly child: BenchChild,
    readonly info: ServerInfo,
  ) {}

  /** With `pin`, the server process runs on SERVER_CPU only (taskset). */
  static async start(kind: ServerKind, options: { pin?: boolean } = {}): Promise<ServerHost> {
    const child = new BenchChild(HOST_ENTRY, { name: `server-host(${kind})`, args: [kind], nodeFlags: ['--expose-gc'] });
    try {
      if (options.pin && child.proc.pid !== undefined) pinToCpu(child.proc.pid, SERVER_CPU);
      const ready = await child.waitForEvent<{ event: 'ready'; info: ServerInfo }>('ready', START_TIMEOUT_MS);
      return new ServerHost(child, ready.info);
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  /** CPU, event-loop use and memory of the server process; `gc` forces a full collection first. */
  stats(gc = false): Promise<HostStats> {
    // Generous: a server that fell behind answers only after working off its backlog.
    return this.child.request<HostStats>({ cmd: 'stats', gc }, 60_000);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}

/** Server-side cost between two stats readings. */
export interface ServerCost {
  /** CPU time, user + system (ms). */
  cpuMs: number;
  /** Of which in the kernel (socket writes): ms. */
  systemMs: number;
  /** CPU time over wall time: 1 = one core busy throughout. */
  cpuShare: number;
  /** Event-loop utilisation 0..1 (wall time the loop was busy, which counts time descheduled). */
  elu: number;
}

export function hostDelta(before: HostStats, after: HostStats): ServerCost {
  const systemMs = (after.cpu.system - before.cpu.system) / 1_000;
  const cpuMs = (after.cpu.user - before.cpu.user) / 1_000 + systemMs;
  const active = after.elu.active - before.elu.active;
  const idle = after.elu.idle - before.elu.idle;
  return { cpuMs, systemMs, cpuShare: active + idle > 0 ? cpuMs / (active + idle) : 0, elu: active + idle > 0 ? active / (active + idle) : 0 };
}

/**
 * The client fleet: one or more processes (`processes`), the clients split evenly between
 * them. Several processes let the clients use more than one core's share on a busy machine;
 * their counts are added up and their latency samples merged.
 */
export class Fleet {
  readonly #minPerProcess: number[];
  /** Processes holding at least one client (only they count for the slowest client). */
  #active: boolean[];
  #children: BenchChild[];

  private constructor(
    children: BenchChild[],
    readonly options: { pin?: boolean },
  ) {
    this.#children = children;
    this.#minPerProcess = children.map(() => 0);
    this.#active = children.map(() => true);
  }

  /** With `pin`, the fleet processes run on CLIENT_CPU only (taskset). */
  static async start(processes = 1, options: { pin?: boolean } = {}): Promise<Fleet> {
    return new Fleet(await Fleet.#spawn(processes, options), options);
  }

  static async #spawn(processes: number, options: { pin?: boolean }): Promise<BenchChild[]> {
    const children = Array.from(
      { length: processes },
      (_, i) => new BenchChild(FLEET_ENTRY, { name: processes > 1 ? `client-fleet#${i + 1}` : 'client-fleet', nodeFlags: ['--expose-gc', '--max-old-space-size=4096'] }),
    );
    try {
      if (options.pin) for (const child of children) if (child.proc.pid !== undefined) pinToCpu(child.proc.pid, CLIENT_CPU);
      await Promise.all(children.map((child) => child.waitForEvent('ready', START_TIMEOUT_MS)));
      return children;
    } catch (error) {
      for (const child of children) child.kill();
      throw error;
    }
  }

  get children(): readonly BenchChild[] {
    return this.#children;
  }

  /**
   * Kills the fleet processes and starts fresh ones: after a fleet fell so far behind (a
   * flood of deliveries it cannot parse) that it no longer answers, the next server must not
   * inherit its clients or its backlog.
   */
  async respawn(): Promise<void> {
    for (const child of this.#children) child.kill();
    await Promise.all(this.#children.map((child) => child.stop(1_000)));
    this.#children = await Fleet.#spawn(this.#children.length, this.options);
  }

  /** Disconnects every client; a fleet that does not manage to within the timeout is respawned. */
  async disconnectOrRespawn(): Promise<void> {
    try {
      await this.disconnect();
    } catch {
      await this.respawn();
    }
  }

  #all<T>(message: { cmd: string } & Record<string, unknown>, timeoutMs: number): Promise<T[]> {
    return Promise.all(this.children.map((child) => child.request<T>(message, timeoutMs)));
  }

  /** Connects `clients` clients to the server, each subscribed to every topic. */
  async connect(info: ServerInfo, clients: number, topics: string[]): Promise<{ connected: number; ms: number }> {
    // The server holds one descriptor per client (each fleet process checks its own share).
    assertFdRoom(clients, `the server under test (${info.kind}, pid ${info.pid})`, info.pid);
    const n = this.children.length;
    const timeoutMs = 20_000 + clients * 30;
    const shares = this.children.map((_, i) => Math.floor(clients / n) + (i < clients % n ? 1 : 0));
    this.#active = shares.map((share) => share > 0);
    const parts = await Promise.all(
      this.children.map((child, i) => {
        const share = shares[i] ?? 0;
        return share === 0
          ? { connected: 0, ms: 0 }
          : child.request<{ connected: number; ms: number }>({ cmd: 'connect', kind: info.kind, url: info.wsUrl, token: info.token, clients: share, topics, timeoutMs: 15_000 }, timeoutMs);
      }),
    );
    return { connected: parts.reduce((sum, p) => sum + p.connected, 0), ms: Math.max(...parts.map((p) => p.ms)) };
  }

  /**
   * Zeroes the counters; with `recordLatency`, keeps every publish-to-receive sample, and with
   * `perUpdate` also each update's receipt count and latest receipt (for `waitForUpdate`); past
   * `stopReadingAt` (nowMs clock, 0 = never) a fleet flooded with deliveries stops reading, so it
   * can still answer.
   */
  async reset(recordLatency: boolean, perUpdate = false, stopReadingAt = 0): Promise<null> {
    await this.#all({ cmd: 'reset', recordLatency, perUpdate, stopReadingAt }, 10_000);
    return null;
  }

  /**
   * Waits until every client has the update sent at `sentAt` (its payload's `t`), or the
   * timeout: how many clients got it and the latest publish → receive (ms) among them.
   */
  async waitForUpdate(sentAt: number, timeoutMs: number): Promise<{ count: number; maxLatency: number; complete: boolean }> {
    const parts = await this.#all<{ clients: number; count: number; maxLatency: number; complete: boolean }>({ cmd: 'waitForUpdate', sentAt, timeoutMs }, timeoutMs + 10_000);
    const latencies = parts.filter((p) => p.count > 0).map((p) => p.maxLatency);
    return {
      count: parts.reduce((sum, p) => sum + p.count, 0),
      maxLatency: latencies.length ? Math.max(...latencies) : NaN,
      complete: parts.every((p) => p.complete),
    };
  }

  /** Total received, with the fleets' mean clock reading. */
  async mark(): Promise<{ at: number; received: number }> {
    const marks = await this.#all<{ at: number; received: number }>({ cmd: 'mark' }, 10_000);
    return { at: marks.reduce((sum, m) => sum + m.at, 0) / marks.length, received: marks.reduce((sum, m) => sum + m.received, 0) };
  }

  /** Starts (intervalMs > 0) or stops progress events; `listener` gets the slowest client's count. */
  async progress(intervalMs: number, listener?: (minPerClient: number) => void): Promise<() => void> {
    const offs = listener
      ? this.children.map((child, i) =>
          child.onEvent((event) => {
            if (event.event !== 'progress') return;
            this.#minPerProcess[i] = event.minPerClient as number;
            listener(Math.min(...this.#minPerProcess.filter((_, j) => this.#active[j])));
          }),
        )
      : [];
    this.#minPerProcess.fill(0);
    await this.#all({ cmd: 'progress', intervalMs }, 10_000);
    return () => offs.forEach((off) => off());
  }

  async report(): Promise<FleetReport> {
    return mergeReports(await this.#all<FleetReport>({ cmd: 'report', samples: true }, 30_000));
  }

  /** Waits until every client has `perClient` events (or the timeout), then reports. */
  async waitFor(perClient: number, timeoutMs: number): Promise<FleetReport & { complete: boolean; waitedMs: number }> {
    const parts = await this.#all<FleetReport & { complete: boolean; waitedMs: number }>({ cmd: 'waitFor', perClient, timeoutMs, samples: true }, timeoutMs + 30_000);
    return { ...mergeReports(parts), complete: parts.every((p) => p.complete), waitedMs: Math.max(...parts.map((p) => p.waitedMs)) };
  }

  async disconnect(): Promise<null> {
    await this.#all({ cmd: 'disconnect' }, 30_000);
    return null;
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((child) => child.stop()));
  }

  /** The fleet processes' ids (for CPU accounting). */
  get pids(): number[] {
    return this.children.flatMap((child) => (child.proc.pid === undefined ? [] : [child.proc.pid]));
  }
}

/** Adds up the reports of several fleet processes; latency from their merged samples. */
function mergeReports(parts: FleetReport[]): FleetReport {
  const withClients = parts.filter((p) => p.clients > 0);
  const samples = new Float64Array(parts.reduce((sum, p) => sum + (p.samples?.length ?? 0), 0));
  let at = 0;
  for (const part of parts) {
    if (!part.samples) continue;
    samples.set(part.samples, at);
    at += part.samples.length;
  }
  const unexpectedCloses: Record<string, number> = {};
  for (const part of parts) for (const [code, n] of Object.entries(part.unexpectedCloses)) unexpectedCloses[code] = (unexpectedCloses[code] ?? 0) + n;
  const sum = (pick: (p: FleetReport) => number): number => parts.reduce((total, p) => total + pick(p), 0);
  return {
    clients: sum((p) => p.clients),
    received: sum((p) => p.received),
    minPerClient: withClients.length ? Math.min(...withClients.map((p) => p.minPerClient)) : 0,
    maxPerClient: Math.max(0, ...parts.map((p) => p.maxPerClient)),
    frames: sum((p) => p.frames),
    bytes: sum((p) => p.bytes),
    duplicates: sum((p) => p.duplicates),
    missing: sum((p) => p.missing),
    latency: samples.length > 0 ? summarise(samples) : null,
    unexpectedCloses,
    errors: parts.flatMap((p) => p.errors).slice(0, 5),
    cpuMs: sum((p) => p.cpuMs),
    busy: Math.max(0, ...parts.map((p) => p.busy)),
  };
}
