/**
 * The wallboard the browser benchmarks load (`browser-frame.ts`, `browser-first-value.ts`):
 * a 24-column grid of 3×2 tiles (stat, line, stat, gauge, …), eight a row, so 40 widgets fill
 * one 1920×1080 screen, and `StreamFeeder`, which feeds every widget's stream over HTTP at a
 * steady rate. Also the percentile and number formatting both scripts print with.
 */
import os from 'node:os';
import { seedDashboard, type PulseboardProcess, type SeedWidget } from '../apps/web/e2e/harness';

/** How each benchmarked widget type is laid out and where it shows its value on screen. */
export const WIDGET_KINDS: Record<string, { type: SeedWidget['type']; valueTestId: string; options: Record<string, unknown> }> = {
  stat: { type: 'stat', valueTestId: 'stat-value', options: { decimals: 0 } },
  line: { type: 'line', valueTestId: 'line-latest', options: { decimals: 0 } },
  gauge: { type: 'gauge', valueTestId: 'gauge-value', options: { decimals: 0, min: 0, max: 1000 } },
};

/** The mix both benchmarks default to. */
/** What the browser benches' `--trace` records: the main thread's tasks, script evaluation, network and user timing. */
export const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler', 'v8.execute', 'blink.user_timing', 'loading', 'netlog'];

export const DEFAULT_MIX = 'stat,line,stat,gauge';
/** The wallboard's dashboard id. */
export const WALLBOARD_ID = 'bench';
const GRID_COLUMNS = 24;
const TILE = { w: 3, h: 2 };

/** The seeded wallboard: its widgets and the CSS selector of their visible value elements. */
export interface Wallboard {
  widgets: SeedWidget[];
  /** Matches the element each widget shows its value in (`stat-value`, `line-latest`, `gauge-value`). */
  valueSelector: string;
}

/** Parses `--mix` (comma-separated widget types); throws naming the unknown type. */
export function parseMix(mix: string): Array<(typeof WIDGET_KINDS)[string]> {
  return mix.split(',').map((t) => {
    const kind = WIDGET_KINDS[t.trim()];
    if (!kind) throw new Error(`--mix: unknown type "${t}" (use ${Object.keys(WIDGET_KINDS).join(', ')})`);
    return kind;
  });
}

/**
 * Creates the wallboard (widget `w<i>` on stream `bench.s<i>`) and gives every stream a first
 * value (0), so each widget has its chart or number mounted.
 */
export async function seedWallboard(server: PulseboardProcess, count: number, mix: string): Promise<Wallboard> {
  const kinds = parseMix(mix);
  const widgets: SeedWidget[] = [];
  const perRow = Math.floor(GRID_COLUMNS / TILE.w);
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length]!;
    const layout = { x: (i % perRow) * TILE.w, y: Math.floor(i / perRow) * TILE.h, w: TILE.w, h: TILE.h };
    widgets.push({ id: `w${i}`, type: kind.type, title: `${kind.type} ${i}`, stream: `bench.s${i}`, layout, options: kind.options });
  }
  await seedDashboard(server, { id: WALLBOARD_ID, title: 'Frame bench', columns: GRID_COLUMNS, widgets });
  await server.api('POST', '/api/streams', { streams: Object.fromEntries(widgets.map((w) => [w.stream!, 0])) });
  const valueSelector = [...new Set(kinds.map((k) => `[data-testid="${k.valueTestId}"]`))].join(',');
  return { widgets, valueSelector };
}

/** What `StreamFeeder` is told at construction. */
export interface StreamFeederOptions {
  widgets: number;
  /** Points a second per stream. */
  hz: number;
  /** Batches per round: each `POST /api/streams` carries one group's streams. */
  groups: number;
}

/**
 * Feeds the wallboard: every 1000/hz/groups ms one `POST /api/streams` batch carries the next
 * value of one group of streams, so each stream gets `hz` points a second; stream i gets value
 * n in round n. While `window` is a number, each value sent is recorded with its send time
 * (`Date.now()`) under that window, for push → screen latency.
 */
export class StreamFeeder {
  /** The value of the round in progress (streams of later groups may still show value − 1). */
  value = 0;
  /** The measurement window values are recorded under, or null while nothing is recorded. */
  window: number | null = null;
  /** `w<i>:<value>` → when it was sent and in which window. */
  readonly sent = new Map<string, { at: number; window: number }>();
  /** Values sent per window. */
  readonly pushedPerWindow: number[] = [];
  /** HTTP round trips of the recorded batches, per window (ms). */
  readonly rttsPerWindow: number[][] = [];
  errors = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly server: PulseboardProcess,
    private readonly options: StreamFeederOptions,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops sending and waits for the batches in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all([...this.inFlight]);
  }

  private async run(): Promise<void> {
    const { widgets, hz } = this.options;
    const groups = Math.max(1, Math.min(this.options.groups, widgets));
    const tickMs = 1000 / hz / groups;
    const t0 = performance.now();
    let tick = 0;
    while (this.running) {
      const group = tick % groups;
      if (group === 0) this.value++;
      const streams: Record<string, number> = {};
      const sendTime = Date.now();
      const window = this.window;
      for (let i = group; i < widgets; i += groups) {
        streams[`bench.s${i}`] = this.value;
        if (window !== null) {
          this.sent.set(`w${i}:${this.value}`, { at: sendTime, window });
          this.pushedPerWindow[window] = (this.pushedPerWindow[window] ?? 0) + 1;
        }
      }
      const began = performance.now();
      const p = this.server
        .api('POST', '/api/streams', { streams })
        .then(() => {
          if (window !== null) (this.rttsPerWindow[window] ??= []).push(performance.now() - began);
        })
        .catch(() => {
          this.errors++;
        });
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
      tick++;
      const due = t0 + tick * tickMs;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
  }
}

/** The q-quantile of ascending `sorted` (nearest rank), NaN when empty. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** A number with `digits` decimals, or `n/a`. */
export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** The machine's load averages (1, 5 and 15 min), as `uptime` shows them. */
export const loadAverage = (): [number, number, number] => {
  const [a = NaN, b = NaN, c = NaN] = os.loadavg().map((n) => Number(n.toFixed(2)));
  return [a, b, c];
};
