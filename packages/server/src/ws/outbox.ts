import type { WebSocket } from 'ws';

/**
 * A message serialised once and shared by every recipient (a fan-out event). Its UTF-8
 * bytes are made on first use and reused, so sending one event to a thousand sockets
 * encodes it once.
 */
export class SharedFrame {
  readonly text: string;
  #buffer: Buffer | null = null;

  constructor(text: string) {
    this.text = text;
  }

  get buffer(): Buffer {
    this.#buffer ??= Buffer.from(this.text);
    return this.#buffer;
  }
}

/** One queued outgoing message: a shared frame or a message for this connection only. */
export type OutItem = SharedFrame | string;

/** What the outbox needs of a connection. `queue` is null while nothing is waiting. */
export interface OutboxTarget {
  readonly ws: WebSocket;
  queue: OutItem[] | null;
  queuedBytes: number;
  lagging: boolean;
  /** When this connection was last told it is lagging (0: never). */
  laggingNoticeAt: number;
  closed: boolean;
}

export interface OutboxOptions {
  softLimitBytes: number;
  hardLimitBytes: number;
  laggingRetryMs: number;
  /** Called once a connection is past the hard limit; the caller closes it (4010). */
  onSlowConsumer(target: OutboxTarget): void;
  /**
   * The message telling a connection it crossed the soft limit (contract C5). It is written
   * to the socket at once, ahead of the held-back queue, at most once per
   * LAGGING_NOTICE_INTERVAL_MS, and also right before a 4010.
   */
  laggingNotice?(bufferedBytes: number): string;
  onFrame?(messages: number, bytes: number): void;
  onError?(error: unknown): void;
}

const SEND_OPTIONS = { binary: false, compress: false } as const;

/** A connection that keeps crossing the soft limit is told so at most this often. */
export const LAGGING_NOTICE_INTERVAL_MS = 1_000;

function sameItems(a: OutItem[], b: OutItem[] | null): boolean {
  if (b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function itemLength(item: OutItem): number {
  return typeof item === 'string' ? item.length : item.text.length;
}

/**
 * Per-connection outgoing queues, flushed once per tick for all connections together
 * (one setImmediate, not one per socket): whatever became ready for a connection during
 * the tick goes out as ONE frame, a JSON array when there are several messages.
 *
 * Backpressure: a connection whose socket holds more than `softLimitBytes` unsent is
 * lagging — its queue is kept and retried every `laggingRetryMs` (offsets stay dense:
 * nothing is dropped or coalesced); once buffered plus queued bytes pass `hardLimitBytes`
 * it is handed to `onSlowConsumer`, and the client recovers by offset after reconnecting.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  #dirty: OutboxTarget[] = [];
  #scheduled = false;
  readonly #lagging = new Set<OutboxTarget>();
  #laggingTimer: NodeJS.Timeout | null = null;
  /**
   * The last batch encoded in this flush. Subscribers of the same topics are usually flushed
   * one after another with the same events queued, so they share one encoded frame.
   */
  #lastBatch: OutItem[] | null = null;
  #lastBatchData: Buffer | null = null;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  get laggingCount(): number {
    return this.#lagging.size;
  }

  enqueue(target: OutboxTarget, item: OutItem): void {
    if (target.closed) return;
    if (target.queue === null) {
      target.queue = [item];
      target.queuedBytes = itemLength(item);
      if (!target.lagging) this.#markDirty(target);
    } else {
      target.queue.push(item);
      target.queuedBytes += itemLength(item);
    }
    // A queue that goes out this tick may be large (a big event); only a lagging one is a backlog.
    if (target.lagging && target.ws.bufferedAmount + target.queuedBytes > this.#options.hardLimitBytes) this.#slow(target);
  }

  /** Sends what is queued for this connection now (before closing it, say). */
  flushNow(target: OutboxTarget): void {
    if (target.queue !== null && target.ws.readyState === target.ws.OPEN) this.#send(target, target.queue);
    this.discard(target);
  }

  /** Forgets the connection's queue (it closed). */
  discard(target: OutboxTarget): void {
    target.queue = null;
    target.queuedBytes = 0;
    if (target.lagging) {
      target.lagging = false;
      this.#lagging.delete(target);
    }
  }

  close(): void {
    if (this.#laggingTimer) clearInterval(this.#laggingTimer);
    this.#laggingTimer = null;
    this.#lagging.clear();
    this.#dirty = [];
  }

  #markDirty(target: OutboxTarget): void {
    this.#dirty.push(target);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const target of dirty) this.#flushSafely(target);
    this.#lastBatch = null;
    this.#lastBatchData = null;
  };

  /** One socket failing to send must not cost the others their frames. */
  #flushSafely(target: OutboxTarget): void {
    try {
      this.#flushOne(target);
    } catch (error) {
      this.discard(target);
      this.#options.onError?.(error);
    }
  }

  #flushOne(target: OutboxTarget): void {
    const queue = target.queue;
    if (queue === null) return;
    if (target.closed || target.ws.readyState !== target.ws.OPEN) {
      this.discard(target);
      return;
    }
    const buffered = target.ws.bufferedAmount;
    if (buffered > this.#options.softLimitBytes) {
      if (buffered + target.queuedBytes > this.#options.hardLimitBytes) {
        this.#slow(target);
        return;
      }
      target.lagging = true;
      this.#lagging.add(target);
      this.#noticeLagging(target, buffered);
      this.#laggingTimer ??= setInterval(this.#retryLagging, this.#options.laggingRetryMs);
      return;
    }
    target.queue = null;
    target.queuedBytes = 0;
    this.#send(target, queue);
  }

  #send(target: OutboxTarget, queue: OutItem[]): void {
    let data: Buffer;
    if (queue.length === 1) {
      const item = queue[0] as OutItem;
      data = typeof item === 'string' ? Buffer.from(item) : item.buffer;
    } else if (this.#lastBatchData !== null && sameItems(queue, this.#lastBatch)) {
      data = this.#lastBatchData;
    } else {
      // Strings concatenate as ropes; Buffer.from flattens and encodes once.
      let text = '[';
      for (let i = 0; i < queue.length; i++) {
        const item = queue[i] as OutItem;
        if (i > 0) text += ',';
        text += typeof item === 'string' ? item : item.text;
      }
      data = Buffer.from(text + ']');
      this.#lastBatch = queue;
      this.#lastBatchData = data;
    }
    target.ws.send(data, SEND_OPTIONS);
    this.#options.onFrame?.(queue.length, data.length);
  }

  readonly #retryLagging = (): void => {
    for (const target of this.#lagging) {
      if (target.closed) {
        this.#lagging.delete(target);
        continue;
      }
      if (target.ws.bufferedAmount > this.#options.softLimitBytes) continue;
      this.#lagging.delete(target);
      target.lagging = false;
      this.#flushSafely(target);
    }
    if (this.#lagging.size === 0 && this.#laggingTimer) {
      clearInterval(this.#laggingTimer);
      this.#laggingTimer = null;
    }
  };

  #slow(target: OutboxTarget): void {
    this.discard(target);
    this.#noticeLagging(target, target.ws.bufferedAmount);
    this.#options.onSlowConsumer(target);
  }

  /** Writes the lagging notice straight to the socket: the queue is held back, the notice is not. */
  #noticeLagging(target: OutboxTarget, bufferedBytes: number): void {
    const notice = this.#options.laggingNotice;
    const now = Date.now();
    if (!notice || target.ws.readyState !== target.ws.OPEN) return;
    // Right before a 4010 too, unless the connection was told a moment ago.
    if (target.laggingNoticeAt !== 0 && now - target.laggingNoticeAt < LAGGING_NOTICE_INTERVAL_MS) return;
    target.laggingNoticeAt = now;
    try {
      const data = Buffer.from(notice(bufferedBytes));
      target.ws.send(data, SEND_OPTIONS);
      this.#options.onFrame?.(1, data.length);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}
