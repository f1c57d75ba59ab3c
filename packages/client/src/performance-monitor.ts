import { SnapshotStore } from './subscribable.js';
import type { PerformanceMonitorHandle, PerformanceSnapshot } from './types.js';

const EMPTY: PerformanceSnapshot = {
  updateLatencyMs: { last: null, avg: null, p95: null },
  eventsPerSecond: 0,
  eventsApplied: 0,
  framesFlushed: 0,
  pendingCount: 0,
  reconnects: 0,
  cacheHits: 0,
  cacheMisses: 0,
  cacheHitRate: null,
};

/**
 * Measures the sync engine: update latency (server commit `ts` → applied here), events/s,
 * frames, pending count, reconnects and the client cache hit rate (topics served from what
 * the client held: replays and HTTP 304s, against full snapshots). Recording is cheap (a ring
 * buffer and counters). The snapshot is rebuilt at most once per frame (`publish`) while
 * someone listens; with no listener (an app that samples it every few seconds, or never
 * reads it) `publish` only marks it stale and the next `getSnapshot` rebuilds it, so an
 * unwatched monitor costs no sort, no snapshot object and no timer per frame.
 */
export class PerformanceMonitor extends SnapshotStore<PerformanceSnapshot> implements PerformanceMonitorHandle {
  readonly #now: () => number;
  readonly #sampleSize: number;
  readonly #rateWindowMs: number;
  #latencies: number[] = [];
  #latencyIndex = 0;
  #lastLatency: number | null = null;
  /** [time, count] per recorded batch, for events/s. */
  #batches: Array<[number, number]> = [];
  #eventsApplied = 0;
  #frames = 0;
  #pending = 0;
  #reconnects = 0;
  #hits = 0;
  #misses = 0;
  #clockOffsetMs = 0;
  /** Republishes when the oldest batch leaves the window, so events/s decays to 0 when events stop. */
  #decayTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the decay timer fires (the monitor's clock): a publish that leaves it due then keeps it. */
  #decayAt = 0;
  /** Average and p95 of the latency sample as last computed; null once a latency was recorded since. */
  #latencyStats: { avg: number | null; p95: number | null } | null = null;
  /** Something was recorded since the snapshot was last built (only while nobody listens). */
  #stale = false;
  #closed = false;

  constructor(options: { sampleSize: number; rateWindowMs: number; now?: () => number }) {
    super(EMPTY);
    this.#sampleSize = options.sampleSize;
    this.#rateWindowMs = options.rateWindowMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The server clock minus ours (from `welcome.serverTime`, so within that message's transit
   * time): latency compares the server's commit time with "now" on the server's clock.
   */
  setClockOffset(offsetMs: number): void {
    this.#clockOffsetMs = offsetMs;
  }

  /** Records `count` events applied now, the newest committed at `serverTs` (server clock). */
  recordEvents(count: number, serverTs: number | null): void {
    if (count === 0) return;
    const now = this.#now();
    this.#eventsApplied += count;
    // Aged batches go as new ones come, read or not: an unwatched monitor holds one window's worth.
    this.#dropAged(now);
    this.#batches.push([now, count]);
    if (serverTs !== null) {
      const latency = Math.max(0, now + this.#clockOffsetMs - serverTs);
      this.#lastLatency = latency;
      if (this.#latencies.length < this.#sampleSize) this.#latencies.push(latency);
      else this.#latencies[this.#latencyIndex] = latency;
      this.#latencyIndex = (this.#latencyIndex + 1) % this.#sampleSize;
      this.#latencyStats = null;
    }
  }

  recordFrame(): void {
    this.#frames++;
  }

  /**
   * The client cache rule for the socket: a subscribe answered `recovered: true` was caught up
   * by replay from a position this client held (a hit); a full snapshot is a miss.
   */
  recordSubscribed(message: { recovered: boolean }): void {
    this.recordCache(message.recovered);
  }

  /** Records one cache lookup (HTTP: 304 a hit, 200 a miss; socket: `recordSubscribed`). */
  recordCache(hit: boolean): void {
    if (hit) this.#hits++;
    else this.#misses++;
    this.publish();
  }

  setPending(count: number): void {
    if (count === this.#pending) return;
    this.#pending = count;
    this.publish();
  }

  setReconnects(count: number): void {
    if (count === this.#reconnects) return;
    this.#reconnects = count;
    this.publish();
  }

  /**
   * The snapshot, rebuilt first when it is stale: something was recorded since it was built
   * while nobody listened, or (nobody listening, so no decay timer) its oldest batch has left
   * the rate window. Two reads with nothing in between return the same object.
   */
  override getSnapshot = (): PerformanceSnapshot => {
    if (this.#stale || (this.listeners.size === 0 && this.#agedOut(this.#now()))) this.#rebuild(this.#now());
    return this.current();
  };

  /** Publishes the counters (called once per frame and on rare changes): to listeners now, else on the next read. */
  publish(): void {
    if (this.listeners.size === 0) {
      this.#stale = true;
      return;
    }
    const now = this.#now();
    if (this.#rebuild(now)) this.notify();
    this.#armDecay(now);
  }

  protected override onSubscribe(): void {
    // The first listener needs the timer that lets events/s decay without anything happening.
    if (this.listeners.size === 1) this.#armDecay(this.#now());
  }

  protected override onUnsubscribe(): void {
    if (this.listeners.size > 0 || !this.#decayTimer) return;
    clearTimeout(this.#decayTimer);
    this.#decayTimer = null;
  }

  /** Forgets the batches that have left the rate window. */
  #dropAged(now: number): void {
    const cutoff = now - this.#rateWindowMs;
    let start = 0;
    while (start < this.#batches.length && this.#batches[start]![0] < cutoff) start++;
    if (start > 0) this.#batches = this.#batches.slice(start);
  }

  /** The oldest batch has left the rate window: events/s has changed since the last build. */
  #agedOut(now: number): boolean {
    const oldest = this.#batches[0];
    return oldest !== undefined && oldest[0] < now - this.#rateWindowMs;
  }

  /** Rebuilds the snapshot from the counters, without notifying; false when nothing changed. */
  #rebuild(now: number): boolean {
    this.#stale = false;
    this.#dropAged(now);
    const inWindow = this.#batches.reduce((n, [, c]) => n + c, 0);
    // Sorted again only when a latency came in since (a frame of stream points brings none of a dashboard's).
    const { avg, p95 } = (this.#latencyStats ??= latencyStats(this.#latencies));
    const total = this.#hits + this.#misses;
    return this.replace({
      updateLatencyMs: { last: this.#lastLatency, avg, p95 },
      eventsPerSecond: (inWindow * 1000) / this.#rateWindowMs,
      eventsApplied: this.#eventsApplied,
      framesFlushed: this.#frames,
      pendingCount: this.#pending,
      reconnects: this.#reconnects,
      cacheHits: this.#hits,
      cacheMisses: this.#misses,
      cacheHitRate: total === 0 ? null : this.#hits / total,
    });
  }

  /** Stops the decay timer (the client's `close()`); the snapshot stays readable. */
  close(): void {
    this.#closed = true;
    if (this.#decayTimer) clearTimeout(this.#decayTimer);
    this.#decayTimer = null;
  }

  #armDecay(now: number): void {
    const oldest = this.#batches[0];
    const due = oldest ? oldest[0] + this.#rateWindowMs + 1 : 0;
    // Published once per frame: the timer stays as long as the oldest batch does.
    if (this.#decayTimer && due === this.#decayAt) return;
    if (this.#decayTimer) clearTimeout(this.#decayTimer);
    this.#decayTimer = null;
    if (!oldest || this.#closed || this.listeners.size === 0) return;
    this.#decayAt = due;
    this.#decayTimer = setTimeout(() => {
      this.#decayTimer = null;
      this.publish();
    }, Math.max(1, due - now));
    // Never keep a Node process alive just to age a rate.
    (this.#decayTimer as { unref?: () => void }).unref?.();
  }

  reset = (): void => {
    this.#latencies = [];
    this.#latencyStats = null;
    this.#latencyIndex = 0;
    this.#lastLatency = null;
    this.#batches = [];
    this.#eventsApplied = 0;
    this.#frames = 0;
    this.#hits = 0;
    this.#misses = 0;
    this.publish();
  };
}

/** Average and p95 of a latency sample (null when it is empty). */
function latencyStats(sample: readonly number[]): { avg: number | null; p95: number | null } {
  if (sample.length === 0) return { avg: null, p95: null };
  const sorted = [...sample].sort((a, b) => a - b);
  return {
    avg: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!,
  };
}
