import { PulseboardError, describeZodError, pointValueSchema, safeParseWithMessages, streamKeySchema, type PointValue } from '@pulseboard/model';
import { MAX_POINTS_PER_REQUEST } from '@pulseboard/protocol';
import { fullJitterDelayMs } from './backoff.js';
import { HttpClient } from './http-client.js';

/** What to do with a new point when the buffer is full. */
export type PusherDropPolicy = 'drop-oldest' | 'drop-newest';

/** What a caller passes to `new Pusher()`; every timing and limit has a default. */
export interface PusherOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** A token with push scope for the keys pushed. */
  token?: string;
  /** `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
  /** Most points in one `POST /api/streams` (default 1,000; at most 10,000). */
  maxBatchPoints?: number;
  /** Longest a pushed point waits before a send starts (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Most points held while waiting or retrying (default 100,000); see `dropPolicy`. */
  maxBufferedPoints?: number;
  /** When the buffer is full: evict the oldest waiting point (default) or refuse the new one. */
  dropPolicy?: PusherDropPolicy;
  /** First retry waits up to this long (full jitter, doubling per attempt; default 250 ms). */
  retryMinDelayMs?: number;
  /** Longest wait between retries (default 30,000 ms). */
  retryMaxDelayMs?: number;
  /** Failed attempts of one batch retried before it counts as rejected (default: no limit). */
  maxRetries?: number;
  /** One request's timeout (default 10,000 ms). */
  requestTimeoutMs?: number;
  /** Told about each batch the server refused for good (4xx other than 408/429) and each retried failure. */
  onError?: (error: PulseboardError, info: { points: number; willRetry: boolean }) => void;
}

/** One point for `pushMany`. */
export interface PusherPoint {
  key: string;
  value: PointValue;
  /** Milliseconds since the epoch; default: the time of the `push` call. */
  ts?: number;
}

/** Counters of a Pusher, for logs and metrics. */
export interface PusherStats {
  /** Points waiting to be sent (not counting the batch in flight). */
  buffered: number;
  /** Points in the request in flight (or waiting for its retry). */
  inFlight: number;
  /** Points the server confirmed. */
  sent: number;
  /** Points dropped because the buffer was full (see `dropPolicy`). */
  dropped: number;
  /** Points the server refused for good (a 4xx for their batch). */
  rejected: number;
  /** Failed requests that were retried. */
  retries: number;
}

interface QueuedPoint {
  seq: number;
  key: string;
  ts: number;
  value: PointValue;
}

const RETRYABLE_STATUSES = new Set([0, 408, 425, 429]);

function positiveInt(value: number | undefined, fallback: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new PulseboardError('bad_config', `${name}: must be an integer from 1 to ${max}`);
  return value;
}

/**
 * A push SDK for collectors: buffers points in memory and sends them in batches to
 * `POST /api/streams` (one request in flight at a time, so points of a key arrive in push
 * order), when `maxBatchPoints` are waiting or `flushIntervalMs` after the first one.
 * Network errors, 5xx, 408 and 429 are retried with full-jitter backoff (forever unless
 * `maxRetries`), keeping the batch and everything behind it; other 4xx drop the batch (counted in `rejected`,
 * reported to `onError`), except 413, which halves the batch. Delivery is at least once:
 * a request that committed but whose answer was lost is sent again.
 *
 * The buffer is bounded (`maxBufferedPoints`): when full, `drop-oldest` evicts the oldest
 * waiting point and `drop-newest` refuses the new one (`push` returns false); either way
 * `stats.dropped` counts it. `flush()` resolves once every point pushed before it was
 * confirmed, rejected or dropped. Runs in Node and browsers (needs only `fetch`).
 */
export class Pusher {
  readonly #http: HttpClient;
  readonly #maxBatchPoints: number;
  readonly #flushIntervalMs: number;
  readonly #maxBufferedPoints: number;
  readonly #dropPolicy: PusherDropPolicy;
  readonly #retryMinDelayMs: number;
  readonly #retryMaxDelayMs: number;
  readonly #maxRetries: number;
  readonly #onError: PusherOptions['onError'];
  readonly #buffer: QueuedPoint[] = [];
  #bufferHead = 0;
  #inFlight: QueuedPoint[] = [];
  #nextSeq = 1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #sending = false;
  #closed = false;
  #attempt = 0;
  #waiters: Array<{ seq: number; resolve: () => void }> = [];
  readonly #stats = { sent: 0, dropped: 0, rejected: 0, retries: 0 };

  constructor(options: PusherOptions) {
    const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (!fetchFn) throw new PulseboardError('no_fetch', 'no fetch here: pass options.fetch');
    this.#http = new HttpClient({
      baseUrl: options.url,
      fetch: fetchFn,
      timeoutMs: positiveInt(options.requestTimeoutMs, 10_000, 600_000, 'requestTimeoutMs'),
      ...(options.token === undefined ? {} : { token: options.token }),
    });
    this.#maxBatchPoints = positiveInt(options.maxBatchPoints, 1_000, MAX_POINTS_PER_REQUEST, 'maxBatchPoints');
    this.#flushIntervalMs = positiveInt(options.flushIntervalMs, 1_000, 3_600_000, 'flushIntervalMs');
    this.#maxBufferedPoints = positiveInt(options.maxBufferedPoints, 100_000, 100_000_000, 'maxBufferedPoints');
    this.#dropPolicy = options.dropPolicy ?? 'drop-oldest';
    this.#retryMinDelayMs = positiveInt(options.retryMinDelayMs, 250, 3_600_000, 'retryMinDelayMs');
    this.#retryMaxDelayMs = positiveInt(options.retryMaxDelayMs, 30_000, 3_600_000, 'retryMaxDelayMs');
    this.#maxRetries = options.maxRetries ?? Number.POSITIVE_INFINITY;
    if (!(this.#maxRetries >= 0)) throw new PulseboardError('bad_config', 'maxRetries: must be ≥ 0');
    this.#onError = options.onError;
  }

  /**
   * Queues one point; returns false when `drop-newest` refused it (buffer full). Throws a
   * PulseboardError `bad_request` for a bad key or value, and `closed` after `close()`.
   */
  push(key: string, value: PointValue, ts?: number): boolean {
    if (this.#closed) throw new PulseboardError('closed', 'this Pusher is closed');
    const keyCheck = safeParseWithMessages(streamKeySchema, key);
    if (!keyCheck.success) throw new PulseboardError('bad_request', describeZodError(keyCheck.error, 'key'));
    const valueCheck = safeParseWithMessages(pointValueSchema, value);
    if (!valueCheck.success) throw new PulseboardError('bad_request', describeZodError(valueCheck.error, 'value'));
    if (ts !== undefined && !(Number.isInteger(ts) && ts >= 0)) throw new PulseboardError('bad_request', 'ts: must be milliseconds since the epoch (an integer ≥ 0)');
    if (this.#waitingCount() >= this.#maxBufferedPoints) {
      this.#stats.dropped++;
      if (this.#dropPolicy === 'drop-newest') return false;
      this.#bufferHead++;
      this.#settle();
    }
    this.#buffer.push({ seq: this.#nextSeq++, key, ts: ts ?? Date.now(), value });
    if (this.#waitingCount() >= this.#maxBatchPoints) this.#kick();
    else this.#timer ??= setTimeout(() => this.#kick(), this.#flushIntervalMs);
    return true;
  }

  /** Queues many points in order; returns how many were accepted (see `push`). */
  pushMany(points: Iterable<PusherPoint>): number {
    let accepted = 0;
    for (const point of points) if (this.push(point.key, point.value, point.ts)) accepted++;
    return accepted;
  }

  /** Sends what is waiting now and resolves once every point pushed before the call is settled. */
  flush(): Promise<void> {
    const seq = this.#nextSeq - 1;
    if (this.#firstUnsettledSeq() > seq) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#waiters.push({ seq, resolve }));
    this.#kick();
    return done;
  }

  /** Flushes, then refuses further pushes. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The counters (see PusherStats). */
  get stats(): PusherStats {
    return { buffered: this.#waitingCount(), inFlight: this.#inFlight.length, ...this.#stats };
  }

  #waitingCount(): number {
    return this.#buffer.length - this.#bufferHead;
  }

  #firstUnsettledSeq(): number {
    return this.#inFlight[0]?.seq ?? this.#buffer[this.#bufferHead]?.seq ?? this.#nextSeq;
  }

  #settle(): void {
    const first = this.#firstUnsettledSeq();
    const ready = this.#waiters.filter((w) => w.seq < first);
    if (ready.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => w.seq >= first);
    for (const waiter of ready) waiter.resolve();
  }

  /** Starts sending unless a request (or its retry wait) is under way. */
  #kick(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#sending) return;
    this.#sending = true;
    void this.#sendLoop();
  }

  async #sendLoop(): Promise<void> {
    try {
      for (;;) {
        if (this.#inFlight.length === 0) {
          if (this.#waitingCount() === 0) return;
          this.#inFlight = this.#buffer.slice(this.#bufferHead, this.#bufferHead + this.#maxBatchPoints);
          this.#bufferHead += this.#inFlight.length;
          if (this.#bufferHead > 4096 && this.#bufferHead * 2 > this.#buffer.length) {
            this.#buffer.splice(0, this.#bufferHead);
            this.#bufferHead = 0;
          }
        }
        await this.#sendInFlight();
        // Points that arrived during the request wait for their timer unless a flush wants them.
        if (this.#inFlight.length === 0 && this.#waiters.length === 0 && this.#waitingCount() < this.#maxBatchPoints) {
          if (this.#waitingCount() > 0) this.#timer ??= setTimeout(() => this.#kick(), this.#flushIntervalMs);
          return;
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  /** One attempt at the batch in flight; settles it, shrinks it (413) or waits before its retry. */
  async #sendInFlight(): Promise<void> {
    const batch = this.#inFlight;
    try {
      await this.#http.request('POST', '/api/streams', { body: { points: batch.map(({ key, ts, value }) => ({ key, ts, value })) } });
      this.#stats.sent += batch.length;
      this.#attempt = 0;
      this.#inFlight = [];
      this.#settle();
    } catch (caught) {
      const error = caught instanceof PulseboardError ? caught : new PulseboardError('network_error', String(caught), { status: 0, cause: caught });
      if (error.status === 413 && batch.length > 1) {
        // Too big for the server's body limit: send the first half now, the rest after it.
        const half = Math.ceil(batch.length / 2);
        this.#inFlight = batch.slice(0, half);
        this.#buffer.splice(this.#bufferHead, 0, ...batch.slice(half));
        return;
      }
      const willRetry = (RETRYABLE_STATUSES.has(error.status) || error.status >= 500) && this.#attempt < this.#maxRetries;
      this.#report(error, batch.length, willRetry);
      if (!willRetry) {
        this.#stats.rejected += batch.length;
        this.#attempt = 0;
        this.#inFlight = [];
        this.#settle();
        return;
      }
      this.#stats.retries++;
      const delayMs = fullJitterDelayMs(this.#attempt++, this.#retryMinDelayMs, this.#retryMaxDelayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  #report(error: PulseboardError, points: number, willRetry: boolean): void {
    try {
      this.#onError?.(error, { points, willRetry });
    } catch {
      // A throwing onError must not stop delivery.
    }
  }
}
