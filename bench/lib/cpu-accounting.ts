/**
 * CPU placement and accounting for a fair run on a shared machine: `taskset` pins the
 * server and the publisher to one core and the client fleets to the other, and /proc/stat
 * tells how much CPU other processes (not the bench's) used meanwhile.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * Pins `pid` and every process descending from it to `cpu` (no-op without taskset). A
 * process forked later inherits its parent's placement, so pinning a browser's process tree
 * right after launch (its zygote included) keeps the renderers it forks later on `cpu` too.
 */
export function pinTreeToCpu(pid: number, cpu: number): number[] {
  if (!canPin()) return [];
  const tree = processTree(pid);
  for (const member of tree) {
    try {
      pinToCpu(member, cpu);
    } catch {
      // exited between the listing and taskset
    }
  }
  return tree;
}

/** Every process's children, by parent pid, as /proc lists them now. */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  return children;
}

/** `pid` and every process descending from it, as /proc lists them now. */
export function processTree(pid: number): number[] {
  const children = childrenByParent();
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** The direct children of `pid`, as /proc lists them now. */
export function childPids(pid: number): number[] {
  return childrenByParent().get(pid) ?? [];
}

/** CPU time (ms) used so far by the processes of `pid`'s tree that are alive now. */
export function processTreeCpuMs(pid: number): number {
  return (processTree(pid).reduce((sum, member) => sum + processTicks(member), 0) * 1_000) / TICKS_PER_SEC;
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
