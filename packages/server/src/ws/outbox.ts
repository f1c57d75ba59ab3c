import type { WebSocket } from 'ws';
import type { StoredEvent } from '../storage/storage.js';
import { eventRowsHeader, serializeEvent, serializeEventRow, topicIdRowsHeader } from './event-frame.js';

/**
 * A message serialised once and shared by every recipient (a fan-out event). Made from a
 * stored event, it has two wire forms, each serialised on first use: the `event` message
 * (`text`) and the `event-rows` row (`row`). Its UTF-8 bytes are made on first use and
 * reused, so sending one event to a thousand sockets encodes it once.
 */
export class SharedFrame {
  /** The event this frame carries, when it is one (rows are grouped per topic). */
  readonly event: StoredEvent | null;
  /**
   * For a `topic-ids` connection: the topic id to send the event under, the one that
   * connection was told for its topic and epoch; 0 sends it with topic and epoch (`events`).
   * Fixed when the event is handed to the connection, so an id forgotten or made anew before
   * the flush never reaches a connection that was not told it.
   */
  readonly topicId: number;
  #text: string | null;
  #buffer: Buffer | null = null;
  #underTopicId: SharedFrame | null = null;

  constructor(content: string | StoredEvent, topicId = 0) {
    this.topicId = topicId;
    if (typeof content === 'string') {
      this.#text = content;
      this.event = null;
    } else {
      this.#text = null;
      this.event = content;
    }
  }

  /** This event to go out under topic id `id` (topic-ids connections); one copy per id, shared by every connection that gets it. */
  underTopicId(id: number): SharedFrame {
    if (this.event === null || this.topicId === id) return this;
    if (this.#underTopicId?.topicId !== id) this.#underTopicId = new SharedFrame(this.event, id);
    return this.#underTopicId;
  }

  get text(): string {
    this.#text ??= serializeEvent(this.event as StoredEvent);
    return this.#text;
  }

  /**
   * This event's `event-rows` row for a connection with time base `tsBase` (0: none): its
   * times count from the base only under a topic id, the one form `ts-base` shortens.
   */
  row(tsBase: number): string {
    return serializeEventRow(this.event as StoredEvent, this.topicId > 0 ? tsBase : 0);
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
  /** The client asked for the `event-rows` encoding: events of a topic go out as rows. */
  readonly eventRows?: boolean;
  /** Granted `topic-ids` too: rows of an item with a `topicId` go out as `[id, offset, row…]`. */
  readonly topicIds?: boolean;
  /** Granted `ts-base` too: the times in those rows are milliseconds after this (0: not granted). */
  readonly tsBase?: number;
  queue: OutItem[] | null;
  queuedBytes: number;
  lagging: boolean;
  /** When this connection was last told it is lagging (0: never). */
  laggingNoticeAt: number;
  closed: boolean;
}

/**
 * Adaptive flush window: after a flush that wrote to at least FLUSH_WINDOW_MIN_TARGETS
 * connections, the next flush waits until FLUSH_WINDOW_MS after it instead of the next
 * tick. Updates further apart than that (50/s is one per 20 ms) still go out the same tick;
 * closer ones (a busy topic with many subscribers) share a frame, which costs each
 * connection one write instead of several.
 */
export const FLUSH_WINDOW_MS = 4;
export const FLUSH_WINDOW_MIN_TARGETS = 64;
/**
 * While the fan-out is busy, the window also scales with what the last large flush cost: the
 * next one waits until FLUSH_COST_FACTOR times that flush's own duration after it began, so
 * fan-out writes take at most 1 / FLUSH_COST_FACTOR of the event loop instead of going out one
 * event per frame (a flush to 1,000 connections took ~7 ms on the bench's 2-core machine, so
 * 300 updates/s flushed every 4 ms kept its core busy: BENCHMARKS.md, session 10). Busy: the
 * last large flush already carried BUSY_MESSAGES_PER_FRAME messages per frame or more (updates
 * come faster than the window), or flushes took 1 / FLUSH_COST_FACTOR of the time since the
 * one before. Updates that come one at a time
 * at a rate the server keeps up with (50/s) keep the FLUSH_WINDOW_MS window. Never more than
 * FLUSH_WINDOW_MAX_MS, so replies and acks never wait longer than that behind a fan-out.
 */
export const FLUSH_COST_FACTOR = 2;
export const FLUSH_WINDOW_MAX_MS = 25;
export const BUSY_MESSAGES_PER_FRAME = 1.5;

export interface OutboxOptions {
  softLimitBytes: number;
  hardLimitBytes: number;
  laggingRetryMs: number;
  /** Adaptive flush window (ms); 0 flushes every tick. Default FLUSH_WINDOW_MS. */
  flushWindowMs?: number;
  /** Connections a flush must write to before the window applies. Default FLUSH_WINDOW_MIN_TARGETS. */
  flushWindowMinTargets?: number;
  /** The clock flushes are timed by (ms). Default performance.now. */
  now?: () => number;
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

function itemLength(item: OutItem, rows: boolean, tsBase: number): number {
  if (typeof item === 'string') return item.length;
  return rows && item.event !== null ? item.row(tsBase).length : item.text.length;
}

/** An `events` (or topic-ids) message being built: its text so far, the offset of its last row, how it ends. */
interface RowGroup {
  text: string;
  lastOffset: number;
  end: string;
}

/**
 * The `event-rows` frame of a queue. Between two non-event messages (which keep their
 * place), events are grouped per topic: each run of consecutive offsets of one topic and
 * epoch becomes one `events` message, in the order the topics first appear; a topic's
 * events keep their order. With `topicIds` (a topic-ids connection), a run of items with a
 * `topicId` becomes `[id, offset, row…]` instead, its times after `tsBase` (`ts-base`; 0:
 * as they are). One message alone is not wrapped.
 */
function encodeRows(queue: OutItem[], topicIds: boolean, tsBase: number): string {
  const parts: string[] = [];
  const groups = new Map<string | number, RowGroup>();
  const closeGroups = (): void => {
    for (const group of groups.values()) parts.push(group.text + group.end);
    groups.clear();
  };
  for (const item of queue) {
    const event = typeof item === 'string' ? null : item.event;
    if (event === null) {
      closeGroups();
      parts.push(typeof item === 'string' ? item : item.text);
      continue;
    }
    const id = topicIds ? (item as SharedFrame).topicId : 0;
    const key = id > 0 ? id : `${event.epoch}\u0000${event.topic}`;
    const row = (item as SharedFrame).row(tsBase);
    const group = groups.get(key);
    if (group !== undefined && event.offset === group.lastOffset + 1) {
      group.text += `,${row}`;
      group.lastOffset = event.offset;
      continue;
    }
    if (group !== undefined) {
      // Not the next offset (a gap the client must see): the run ends here.
      parts.push(group.text + group.end);
      groups.delete(key);
    }
    const header = id > 0 ? topicIdRowsHeader(id, event.offset) : eventRowsHeader(event);
    groups.set(key, { text: header + row, lastOffset: event.offset, end: id > 0 ? ']' : ']}' });
  }
  closeGroups();
  return parts.length === 1 ? (parts[0] as string) : `[${parts.join(',')}]`;
}

/**
 * Per-connection outgoing queues, flushed once per tick for all connections together
 * (one setImmediate, not one per socket): whatever became ready for a connection during
 * the tick goes out as ONE frame, a JSON array when there are several messages. After a
 * large flush the next one waits for the rest of a short window (FLUSH_WINDOW_MS, longer
 * when the flush itself took long: FLUSH_COST_FACTOR), so a busy topic with many
 * subscribers batches without delaying updates that come less often.
 *
 * Backpressure: a connection whose socket holds more than `softLimitBytes` unsent is
 * lagging — its queue is kept and retried every `laggingRetryMs` (offsets stay dense:
 * nothing is dropped or coalesced); once buffered plus queued bytes pass `hardLimitBytes`
 * it is handed to `onSlowConsumer`, and the client recovers by offset after reconnecting.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  #dirty: OutboxTarget[] = [];
  /**
   * Connections with a reply of their own queued (an ack, `published`, `subscribed`…): the
   * next flush writes to them first. A publish fanned out to 10,000 subscribers queues its
   * `published` last; in `#dirty` order its sender waited for all 10,000 writes.
   */
  #replying: OutboxTarget[] = [];
  #scheduled = false;
  #timer: NodeJS.Timeout | null = null;
  /** The earliest time (`now()`) the next flush may run: the end of the window after the last large flush. */
  #nextFlushAt = -Infinity;
  /** When the last large flush began (`now()`). */
  #lastLargeFlushAt = -Infinity;
  /** Messages and frames written since the last flush began. */
  #messagesSent = 0;
  #framesSent = 0;
  readonly #windowMs: number;
  readonly #windowMinTargets: number;
  readonly #now: () => number;
  readonly #lagging = new Set<OutboxTarget>();
  #laggingTimer: NodeJS.Timeout | null = null;
  /**
   * The last batch encoded in this flush. Subscribers of the same topics are usually flushed
   * one after another with the same events queued, so they share one encoded frame.
   */
  #lastBatch: OutItem[] | null = null;
  #lastBatchData: Buffer | null = null;
  /** The same, for connections that get the `event-rows` encoding. */
  #lastRows: OutItem[] | null = null;
  #lastRowsData: Buffer | null = null;
  /** The same, for connections that get `topic-ids` (ids are node-wide, so the bytes are shared too), and the `tsBase` it was encoded with. */
  #lastIds: OutItem[] | null = null;
  #lastIdsData: Buffer | null = null;
  #lastIdsBase = 0;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#windowMs = options.flushWindowMs ?? FLUSH_WINDOW_MS;
    this.#windowMinTargets = options.flushWindowMinTargets ?? FLUSH_WINDOW_MIN_TARGETS;
    this.#now = options.now ?? (() => performance.now());
  }

  get laggingCount(): number {
    return this.#lagging.size;
  }

  enqueue(target: OutboxTarget, item: OutItem): void {
    if (target.closed) return;
    const bytes = itemLength(item, target.eventRows === true, target.tsBase ?? 0);
    if (target.queue === null) {
      target.queue = [item];
      target.queuedBytes = bytes;
      if (!target.lagging) this.#markDirty(target);
    } else {
      target.queue.push(item);
      target.queuedBytes += bytes;
    }
    if (typeof item === 'string' && !target.lagging && this.#replying.at(-1) !== target) this.#replying.push(target);
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
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#laggingTimer) clearInterval(this.#laggingTimer);
    this.#laggingTimer = null;
    this.#lagging.clear();
    this.#dirty = [];
    this.#replying = [];
  }

  #markDirty(target: OutboxTarget): void {
    this.#dirty.push(target);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const waitMs = this.#nextFlushAt - this.#now();
    if (waitMs >= 1) this.#timer = setTimeout(this.#flush, waitMs);
    else setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    this.#timer = null;
    const dirty = this.#dirty;
    const replying = this.#replying;
    this.#dirty = [];
    this.#replying = [];
    const startedAt = this.#now();
    this.#messagesSent = 0;
    this.#framesSent = 0;
    // A connection flushed first is skipped later (its queue is empty by then).
    for (const target of replying) this.#flushSafely(target);
    for (const target of dirty) this.#flushSafely(target);
    if (this.#windowMs > 0 && dirty.length >= this.#windowMinTargets) {
      const durationMs = this.#now() - startedAt;
      const batching = this.#messagesSent >= BUSY_MESSAGES_PER_FRAME * this.#framesSent;
      const busy = batching || durationMs * FLUSH_COST_FACTOR >= startedAt - this.#lastLargeFlushAt;
      this.#lastLargeFlushAt = startedAt;
      const costWindowMs = busy ? Math.min(FLUSH_WINDOW_MAX_MS, FLUSH_COST_FACTOR * durationMs) : 0;
      this.#nextFlushAt = startedAt + Math.max(this.#windowMs, costWindowMs);
    }
    this.#lastBatch = null;
    this.#lastBatchData = null;
    this.#lastRows = null;
    this.#lastRowsData = null;
    this.#lastIds = null;
    this.#lastIdsData = null;
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
    if (target.eventRows === true && target.topicIds === true) {
      const tsBase = target.tsBase ?? 0;
      if (this.#lastIdsData !== null && this.#lastIdsBase === tsBase && sameItems(queue, this.#lastIds)) {
        data = this.#lastIdsData;
      } else {
        data = Buffer.from(encodeRows(queue, true, tsBase));
        this.#lastIds = queue;
        this.#lastIdsData = data;
        this.#lastIdsBase = tsBase;
      }
    } else if (target.eventRows === true) {
      if (this.#lastRowsData !== null && sameItems(queue, this.#lastRows)) {
        data = this.#lastRowsData;
      } else {
        data = Buffer.from(encodeRows(queue, false, 0));
        this.#lastRows = queue;
        this.#lastRowsData = data;
      }
    } else if (queue.length === 1) {
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
    this.#messagesSent += queue.length;
    this.#framesSent += 1;
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
