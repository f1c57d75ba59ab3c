/**
 * The bench's processes as objects: a server host (one server under test in its own child
 * process) and the client fleet (all clients in another child process).
 */
import { BenchChild } from './child.js';
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

  static async start(kind: ServerKind): Promise<ServerHost> {
    const child = new BenchChild(HOST_ENTRY, { name: `server-host(${kind})`, args: [kind], nodeFlags: ['--expose-gc'] });
    try {
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

/** The client fleet process. */
export class Fleet {
  private constructor(readonly child: BenchChild) {}

  static async start(): Promise<Fleet> {
    const child = new BenchChild(FLEET_ENTRY, { name: 'client-fleet', nodeFlags: ['--expose-gc', '--max-old-space-size=4096'] });
    try {
      await child.waitForEvent('ready', START_TIMEOUT_MS);
      return new Fleet(child);
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  /** Connects `clients` clients to the server, each subscribed to every topic. */
  connect(info: ServerInfo, clients: number, topics: string[]): Promise<{ connected: number; ms: number }> {
    const timeoutMs = 20_000 + clients * 30;
    return this.child.request({ cmd: 'connect', kind: info.kind, url: info.wsUrl, token: info.token, clients, topics, timeoutMs: 15_000 }, timeoutMs);
  }

  /** Zeroes the counters; with `recordLatency`, keeps every publish-to-receive sample. */
  reset(recordLatency: boolean): Promise<null> {
    return this.child.request({ cmd: 'reset', recordLatency }, 10_000);
  }

  /** The fleet's clock and total received, read together. */
  mark(): Promise<{ at: number; received: number }> {
    return this.child.request({ cmd: 'mark' }, 10_000);
  }

  /** Starts (intervalMs > 0) or stops progress events; returns the unsubscribe for `listener`. */
  async progress(intervalMs: number, listener?: (minPerClient: number) => void): Promise<() => void> {
    const off = listener ? this.child.onEvent((event) => event.event === 'progress' && listener(event.minPerClient as number)) : () => {};
    await this.child.request({ cmd: 'progress', intervalMs }, 10_000);
    return off;
  }

  report(): Promise<FleetReport> {
    return this.child.request({ cmd: 'report' }, 30_000);
  }

  /** Waits until every client has `perClient` events (or the timeout), then reports. */
  waitFor(perClient: number, timeoutMs: number): Promise<FleetReport & { complete: boolean; waitedMs: number }> {
    return this.child.request({ cmd: 'waitFor', perClient, timeoutMs }, timeoutMs + 30_000);
  }

  disconnect(): Promise<null> {
    return this.child.request({ cmd: 'disconnect' }, 30_000);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}
