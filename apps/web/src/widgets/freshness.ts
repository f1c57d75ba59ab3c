/**
 * Freshness of a widget's data (live, stale or empty) and the one shared clock that makes
 * every badge re-evaluate over time without a data change. No React here; the hooks in
 * `useNow.ts` bind the clock with `useSyncExternalStore`.
 */
import type { WidgetOptions } from '@pulseboard/model';
import { numberOption, type WidgetData } from './widget-data';

/** Staleness limit when the stream's push interval cannot be told from its history. */
export const DEFAULT_STALE_AFTER_MS = 60_000;
/** A stream is stale after this many of its usual push intervals without a point. */
export const STALE_INTERVAL_FACTOR = 3;
/** Lower bound of the learned limit: a 10/s stream is not "stale" after 300 ms of jitter. */
export const MIN_STALE_AFTER_MS = 10_000;
/** Upper bound of the learned limit: an hourly job still shows stale after a missed hour or so. */
export const MAX_STALE_AFTER_MS = 2 * 60 * 60_000;
/** How often the shared clock ticks. */
export const CLOCK_TICK_MS = 1000;

/** Freshness of a widget's data at one instant. */
export type FreshnessState =
  | { kind: 'empty' }
  | { kind: 'live'; updatedAt: number; staleAfterMs: number }
  | { kind: 'stale'; updatedAt: number; staleAfterMs: number; staleSince: number };

/**
 * The staleness limit of a widget: `options.staleAfterMs` when set, else three times the
 * median gap between its recent points (clamped to 10 s … 2 h), else 60 s.
 */
export function staleAfterMsOf(options: WidgetOptions, data: WidgetData): number {
  const explicit = numberOption(options, 'staleAfterMs');
  if (explicit !== undefined && explicit > 0) return explicit;
  // A history array is never changed once made (an update brings a new one), and a widget asks
  // several times per render and on every clock tick: work it out once per array.
  let inferred = inferredByHistory.get(data.history);
  if (inferred === undefined) {
    inferred = inferStaleAfterMs(data.history);
    inferredByHistory.set(data.history, inferred);
  }
  return inferred;
}

const inferredByHistory = new WeakMap<WidgetData['history'], number>();

function inferStaleAfterMs(history: WidgetData['history']): number {
  const recent = history.slice(-11);
  const gaps: number[] = [];
  for (let i = 1; i < recent.length; i++) {
    const gap = recent[i]!.ts - recent[i - 1]!.ts;
    if (gap > 0) gaps.push(gap);
  }
  if (gaps.length < 2) return DEFAULT_STALE_AFTER_MS;
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)]!;
  return Math.min(MAX_STALE_AFTER_MS, Math.max(MIN_STALE_AFTER_MS, median * STALE_INTERVAL_FACTOR));
}

/** The time of the last point a widget has, or null. */
export function lastUpdateOf(data: WidgetData): number | null {
  if (data.latestTs !== null) return data.latestTs;
  const last = data.history[data.history.length - 1];
  return last ? last.ts : null;
}

/** Freshness of `data` at `now`. */
export function computeFreshness(data: WidgetData, options: WidgetOptions, now: number): FreshnessState {
  const updatedAt = lastUpdateOf(data);
  if (updatedAt === null || data.latest === null) return { kind: 'empty' };
  const staleAfterMs = staleAfterMsOf(options, data);
  const staleSince = updatedAt + staleAfterMs;
  return now >= staleSince
    ? { kind: 'stale', updatedAt, staleAfterMs, staleSince }
    : { kind: 'live', updatedAt, staleAfterMs };
}

type Listener = () => void;

/**
 * A clock shared by every widget: one interval for the whole page, running only while
 * something listens. `getSnapshot` returns the same number between ticks, as
 * `useSyncExternalStore` requires.
 */
export class SharedClock {
  #listeners = new Set<Listener>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #now = Date.now();
  readonly #tickMs: number;

  constructor(tickMs: number = CLOCK_TICK_MS) {
    this.#tickMs = tickMs;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    if (this.#timer === null) {
      this.#now = Date.now();
      this.#timer = setInterval(this.#tick, this.#tickMs);
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#timer !== null) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    };
  };

  getSnapshot = (): number => this.#now;

  /** Number of listeners; for tests. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  #tick = (): void => {
    this.#now = Date.now();
    // Copy so a listener that unsubscribes while being notified does not skip another.
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        console.error('clock listener failed', error);
      }
    }
  };
}

/** The page's clock. */
export const sharedClock = new SharedClock();
