/**
 * CPU placement and accounting for a fair run on a shared machine: `taskset` pins the
 * server and the publisher to one core and the client fleets to the other, and /proc/stat
 * tells how much CPU other processes (not the bench's) used meanwhile.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Core of the server under test and the publisher (the bench process). */
export const SERVER_CPU = 0;
/** Core of the client fleets. */
export const CLIENT_CPU = 1;

let tasksetChecked: boolean | null = null;

/** True when `taskset` (util-linux) exists and the machine has at least two cores. */
export function canPin(): boolean {
  if (tasksetChecked === null) {
    try {
      execFileSync('taskset', ['-V'], { stdio: 'ignore' });
      tasksetChecked = cpus().length >= 2;
    } catch {
      tasksetChecked = false;
    }
  }
  return tasksetChecked;
}

/** Pins every thread of `pid` to `cpu` (no-op without taskset). */
export function pinToCpu(pid: number, cpu: number): void {
  if (!canPin()) return;
  execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** Clock ticks per second of /proc times (USER_HZ; 100 on every Linux this runs on). */
const TICKS_PER_SEC = 100;

/** Busy ticks (everything but idle and iowait) of each core, from /proc/stat. */
function busyTicksPerCpu(): number[] {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const out: number[] = [];
  for (const line of lines) {
    const match = /^cpu(\d+) (.*)$/.exec(line);
    if (!match) continue;
    const [user, nice, system, , , irq, softirq, steal] = (match[2] as string).trim().split(/\s+/).map(Number);
    out[Number(match[1])] = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  }
  return out;
}

/** utime + stime ticks of one process (0 once it is gone). */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** What other processes did to the machine during a span. */
export interface ForeignLoad {
  /** CPU used by processes that are not the bench's, in cores (2 = both cores busy throughout). */
  foreignCores: number;
  /** Busy share of each core over the span (all processes), 0..1. */
  busyPerCpu: number[];
  /** Wall time of the span (ms). */
  spanMs: number;
}

/**
 * Reads /proc/stat and the bench's own processes at start and at `stop()`: the difference is
 * the foreign CPU use. Processes that exit during the span must be read before they do.
 */
export class CpuWatch {
  readonly #pids: number[];
  readonly #startedAt = performance.now();
  readonly #busy = busyTicksPerCpu();
  readonly #own: number[];

  constructor(pids: number[]) {
    this.#pids = pids;
    this.#own = pids.map(processTicks);
  }

  stop(): ForeignLoad {
    const spanMs = performance.now() - this.#startedAt;
    const busy = busyTicksPerCpu();
    const own = this.#pids.reduce((sum, pid, i) => sum + processTicks(pid) - (this.#own[i] ?? 0), 0);
    const spanTicks = (spanMs / 1_000) * TICKS_PER_SEC;
    const deltas = busy.map((b, i) => b - (this.#busy[i] ?? 0));
    const total = deltas.reduce((sum, d) => sum + d, 0);
    return {
      foreignCores: spanTicks > 0 ? Math.max(0, total - own) / spanTicks : 0,
      busyPerCpu: deltas.map((d) => (spanTicks > 0 ? Math.min(1, d / spanTicks) : 0)),
      spanMs,
    };
  }
}
