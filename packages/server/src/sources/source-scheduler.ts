/** Longest wait between runs of a failing source: 5 minutes (or its interval, if longer). */
export const MAX_SOURCE_BACKOFF_MS = 5 * 60_000;

/** What the scheduler calls; `run` resolves true on success, false on failure (it never rejects). */
export interface SourceSchedulerOptions {
  run: (id: string) => Promise<boolean>;
  /** Called as each run starts, with how late it starts (ms after it was due). */
  onStart?: (id: string, lagMs: number) => void;
  /** Uniform random number in [0, 1); injectable for tests. */
  random?: () => number;
}

interface Entry {
  intervalMs: number;
  dueAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<void> | null;
  failures: number;
  removed: boolean;
}

/**
 * Runs each source on its interval, one timer per source:
 * - a first run at a random phase within one interval (jitter), so a thousand sources with
 *   the same interval spread over it instead of firing together;
 * - then at a fixed rate from that phase; a run is never started while the same source's
 *   previous run is in progress (an overrun skips to the next free slot);
 * - after a failure, exponential backoff with jitter: 1–2, 2–4, 4–8 … intervals, capped at
 *   MAX_SOURCE_BACKOFF_MS; a success returns to the normal rate.
 */
export class SourceScheduler {
  readonly #entries = new Map<string, Entry>();
  readonly #run: SourceSchedulerOptions['run'];
  readonly #onStart: SourceSchedulerOptions['onStart'];
  readonly #random: () => number;
  #closed = false;

  constructor(options: SourceSchedulerOptions) {
    this.#run = options.run;
    this.#onStart = options.onStart;
    this.#random = options.random ?? Math.random;
  }

  /** Schedules `id` (or changes its interval); a new source's first run comes at a random phase. */
  set(id: string, intervalMs: number): void {
    if (this.#closed) return;
    const existing = this.#entries.get(id);
    if (existing) {
      if (existing.intervalMs === intervalMs) return;
      existing.intervalMs = intervalMs;
      if (!existing.running) this.#schedule(id, existing, Date.now() + this.#random() * intervalMs);
      return;
    }
    const entry: Entry = { intervalMs, dueAt: 0, timer: null, running: null, failures: 0, removed: false };
    this.#entries.set(id, entry);
    this.#schedule(id, entry, Date.now() + this.#random() * intervalMs);
  }

  /** Runs `id` as soon as its current run (if any) is over, e.g. after it was created or edited. */
  runSoon(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry || entry.running) return;
    entry.failures = 0;
    this.#schedule(id, entry, Date.now());
  }

  /** Runs `id` now and resolves when that run is over (when it is running already, when that run is over). */
  async runNow(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    if (!entry.running) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.dueAt = Date.now();
      this.#fire(id, entry);
    }
    await entry.running;
  }

  /** Stops scheduling `id`; a run in progress finishes (its result is ignored by the caller). */
  remove(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    entry.removed = true;
    if (entry.timer) clearTimeout(entry.timer);
    this.#entries.delete(id);
  }

  /** The ids scheduled. */
  ids(): string[] {
    return [...this.#entries.keys()];
  }

  /** When `id` runs next (ms since epoch); null while it runs or when unknown. */
  nextRunAt(id: string): number | null {
    const entry = this.#entries.get(id);
    return entry && !entry.running ? entry.dueAt : null;
  }

  isRunning(id: string): boolean {
    return Boolean(this.#entries.get(id)?.running);
  }

  /** Stops every timer and waits for the runs in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    const running: Array<Promise<void>> = [];
    for (const [id, entry] of this.#entries) {
      if (entry.running) running.push(entry.running);
      this.remove(id);
    }
    await Promise.all(running);
  }

  #schedule(id: string, entry: Entry, dueAt: number): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.dueAt = dueAt;
    entry.timer = setTimeout(() => this.#fire(id, entry), Math.max(0, dueAt - Date.now()));
    entry.timer.unref?.();
  }

  #fire(id: string, entry: Entry): void {
    entry.timer = null;
    if (entry.removed || entry.running) return;
    const startedAt = Date.now();
    this.#onStart?.(id, Math.max(0, startedAt - entry.dueAt));
    entry.running = this.#run(id).then(
      (ok) => this.#finished(id, entry, ok),
      () => this.#finished(id, entry, false),
    );
  }

  #finished(id: string, entry: Entry, ok: boolean): void {
    entry.running = null;
    if (entry.removed || this.#closed) return;
    const now = Date.now();
    if (ok) {
      entry.failures = 0;
      // Fixed rate from the phase: the next slot after now (an overrun skips the slots it covered).
      let next = entry.dueAt + entry.intervalMs;
      if (next <= now) next += Math.ceil((now - next) / entry.intervalMs) * entry.intervalMs;
      this.#schedule(id, entry, next);
      return;
    }
    entry.failures++;
    const cap = Math.max(MAX_SOURCE_BACKOFF_MS, entry.intervalMs);
    const base = Math.min(entry.intervalMs * 2 ** entry.failures, cap);
    this.#schedule(id, entry, now + Math.max(entry.intervalMs, base / 2 + (this.#random() * base) / 2));
  }
}
