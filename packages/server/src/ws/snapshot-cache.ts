import type { Dashboard } from '@pulseboard/model';
import { applyDashboardEvent, type DashboardEventData, type Position, type StreamPointEvent, type StreamSnapshot } from '@pulseboard/protocol';
import { appendToStreamSnapshot } from '../storage/storage-rules.js';
import type { Storage, StoredEvent, StreamLimits, TopicPosition } from '../storage/storage.js';
import { serializeEvent } from './event-frame.js';

/** A topic's snapshot, serialised once per position, with the position it reflects. */
export interface CachedSnapshot extends TopicPosition {
  topic: string;
  /** The snapshot (Dashboard or StreamSnapshot) as JSON text. */
  json: string;
  /** A stream nothing was pushed to yet (its snapshot is empty). */
  empty: boolean;
}

export interface SnapshotCacheStats {
  /** Snapshot lookups answered from memory. */
  hits: number;
  /** Snapshot lookups that read storage. */
  misses: number;
  /** `since` catch-ups answered from a cached tail of the log. */
  replayHits: number;
  /** `since` catch-ups the cache could not answer (storage was read). */
  replayMisses: number;
  /** Every answer from memory over every lookup (snapshots and catch-ups); 0 before the first. */
  hitRate: number;
  entries: number;
  bytes: number;
  /** Cached entries refreshed because an event did not follow them (a gap, another epoch). */
  refreshes: number;
}

export interface SnapshotCacheOptions {
  /** How stream snapshots are trimmed (the limits storage applies on push). */
  streamLimits: StreamLimits;
  maxEntries?: number;
  maxBytes?: number;
  /** Most events of one topic's log kept for `since` catch-up. */
  maxTailEvents?: number;
}

/** Events read with a missed snapshot to seed its tail, so a catch-up right after is served too. */
const TAIL_PREFILL_EVENTS = 128;
/** Out-of-order events an entry holds while it waits for the one before them; past this it is dropped. */
const MAX_EARLY_EVENTS = 256;

interface Entry {
  readonly topic: string;
  readonly kind: 'dashboard' | 'stream';
  epoch: string;
  offset: number;
  /** The snapshot at `offset`, owned by the cache (stream snapshots are patched in place). */
  doc: Dashboard | StreamSnapshot;
  /** The answer for the current position, serialised on first use after a change. */
  view: CachedSnapshot | null;
  /** The newest events up to `offset`, contiguous (tail[i].offset = offset - tail.length + 1 + i). */
  tail: StoredEvent[];
  tailBytes: number;
  /** Estimated size of `doc` as JSON (exact once serialised). */
  docBytes: number;
  /** Events that arrived ahead of `offset + 1`: the entry is behind until they connect. */
  early: Map<number, StoredEvent> | null;
}

interface InflightRead {
  promise: Promise<Entry | null>;
  /** Events for the topic that arrived while the read ran: applied on top of its result. */
  seen: StoredEvent[];
  dropped: boolean;
}

/**
 * Snapshots and log tails of hot topics, kept current by applying each committed event
 * (a stream point appended and trimmed as storage does; a dashboard event's patch), so a
 * topic is read from storage once, not once per subscriber, even while it is live.
 *
 * An event applies only when it directly follows the entry's position (same epoch, offset + 1);
 * duplicates are ignored; one that arrives early waits until the gap closes, and the entry
 * counts as behind meanwhile (the next lookup refreshes it from storage): a snapshot is never
 * patched across a gap. Concurrent misses share one read; events that arrive during the read
 * are applied on top of its result. LRU, bounded by entries and (estimated) bytes.
 */
export class SnapshotCache {
  readonly #storage: Storage;
  readonly #limits: StreamLimits;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #maxTail: number;
  /** Map order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, InflightRead>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #replayHits = 0;
  #replayMisses = 0;
  #refreshes = 0;

  constructor(storage: Storage, options: SnapshotCacheOptions) {
    this.#storage = storage;
    this.#limits = options.streamLimits;
    this.#maxEntries = options.maxEntries ?? 1_000;
    this.#maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.#maxTail = options.maxTailEvents ?? 512;
  }

  /** The topic's current snapshot, from memory or storage; null for an unknown dashboard or stream. */
  async get(topic: string): Promise<CachedSnapshot | null> {
    const entry = this.#fresh(topic);
    if (entry) {
      this.#hits += 1;
      return this.#view(entry);
    }
    const inflight = this.#inflight.get(topic);
    if (inflight) this.#hits += 1;
    else this.#misses += 1;
    const read = await (inflight ?? this.#startRead(topic)).promise;
    return read ? this.#view(read) : null;
  }

  /**
   * The events after `since` when the cached tail of the topic's log holds all of them (an
   * empty list when `since` is the current position); null when storage must answer. A topic
   * not in the cache is loaded first (one shared read of its snapshot and newest events), so
   * a crowd catching up on a cold topic — after a restart — costs one read, not one each.
   */
  async replay(topic: string, since: Position): Promise<StoredEvent[] | null> {
    let entry = this.#fresh(topic);
    let readHere = false;
    if (!entry) {
      const inflight = this.#inflight.get(topic);
      readHere = inflight === undefined;
      entry = await (inflight ?? this.#startRead(topic)).promise;
    }
    const events = entry ? this.#covered(entry, since) : null;
    if (events && !readHere) this.#replayHits += 1;
    else this.#replayMisses += 1;
    return events;
  }

  /** The tail events after `since` when the entry's tail reaches back to it, else null. */
  #covered(entry: Entry, since: Position): StoredEvent[] | null {
    const first = entry.tail[0]?.offset ?? entry.offset + 1;
    if (entry.epoch !== since.epoch || since.offset > entry.offset || since.offset < first - 1) return null;
    return entry.tail.slice(since.offset - first + 1);
  }

  /** Takes in a committed event (from PubSub or the writer's own fast path). Never throws. */
  apply(event: StoredEvent): void {
    const inflight = this.#inflight.get(event.topic);
    if (inflight) inflight.seen.push(event);
    const entry = this.#entries.get(event.topic);
    if (entry) this.#applyToEntry(entry, event);
  }

  /** Forgets a topic (its next lookup reads storage), e.g. after a catch-up found the log trimmed. */
  invalidate(topic: string): void {
    const inflight = this.#inflight.get(topic);
    if (inflight) inflight.dropped = true;
    const entry = this.#entries.get(topic);
    if (entry) this.#remove(entry);
  }

  clear(): void {
    for (const entry of [...this.#entries.values()]) this.#remove(entry);
    for (const inflight of this.#inflight.values()) inflight.dropped = true;
  }

  stats(): SnapshotCacheStats {
    const lookups = this.#hits + this.#misses + this.#replayHits + this.#replayMisses;
    return {
      hits: this.#hits,
      misses: this.#misses,
      replayHits: this.#replayHits,
      replayMisses: this.#replayMisses,
      hitRate: lookups === 0 ? 0 : (this.#hits + this.#replayHits) / lookups,
      entries: this.#entries.size,
      bytes: this.#bytes,
      refreshes: this.#refreshes,
    };
  }

  /** The entry when it is current (not waiting for a missing event), marked most recently used. */
  #fresh(topic: string): Entry | null {
    const entry = this.#entries.get(topic);
    if (!entry) return null;
    if (entry.early) {
      this.#refreshes += 1;
      this.#remove(entry);
      return null;
    }
    this.#entries.delete(topic);
    this.#entries.set(topic, entry);
    return entry;
  }

  #startRead(topic: string): InflightRead {
    const read: InflightRead = { promise: Promise.resolve(null), seen: [], dropped: false };
    read.promise = this.#read(topic).then(
      (entry) => {
        if (this.#inflight.get(topic) === read) this.#inflight.delete(topic);
        if (!entry) return null;
        if (!read.dropped) this.#store(entry);
        for (const event of read.seen.sort((a, b) => a.offset - b.offset)) this.#applyToEntry(entry, event);
        return entry;
      },
      (error: unknown) => {
        if (this.#inflight.get(topic) === read) this.#inflight.delete(topic);
        throw error;
      },
    );
    this.#inflight.set(topic, read);
    return read;
  }

  async #read(topic: string): Promise<Entry | null> {
    const result = await this.#storage.getSnapshot(topic);
    if (!result) return null;
    const { epoch, offset } = result.position;
    const kind = topic.startsWith('stream:') ? 'stream' : 'dashboard';
    const entry: Entry = { topic, kind, epoch, offset, doc: result.snapshot, view: null, tail: [], tailBytes: 0, docBytes: 0, early: null };
    if (offset > 0) {
      const after = Math.max(0, offset - Math.min(TAIL_PREFILL_EVENTS, this.#maxTail));
      const events = await this.#storage.readEvents(topic, after, offset - after);
      // Only a run that ends exactly at the snapshot's position is its tail.
      const last = events[events.length - 1];
      if (last && last.offset === offset && last.epoch === epoch && events[0]?.offset === offset - events.length + 1) {
        for (const event of events) this.#pushTail(entry, event);
      }
    }
    return entry;
  }

  #applyToEntry(entry: Entry, event: StoredEvent): void {
    if (event.epoch !== entry.epoch) {
      // The log was reset (dashboard deleted and created again): start over from storage.
      this.#refreshes += 1;
      return this.#remove(entry);
    }
    if (event.offset <= entry.offset) return;
    if (event.offset > entry.offset + 1) {
      const early = (entry.early ??= new Map());
      early.set(event.offset, event);
      if (early.size > MAX_EARLY_EVENTS) {
        this.#refreshes += 1;
        this.#remove(entry);
      }
      return;
    }
    const before = this.#size(entry);
    let next: StoredEvent | undefined = event;
    while (next) {
      if (!this.#advance(entry, next)) {
        this.#refreshes += 1;
        return this.#remove(entry);
      }
      entry.early?.delete(next.offset);
      next = entry.early?.get(entry.offset + 1);
    }
    if (entry.early?.size === 0) entry.early = null;
    if (this.#entries.get(entry.topic) === entry) {
      this.#bytes += this.#size(entry) - before;
      this.#evict();
    }
  }

  /** Moves the entry one event on; false when the event ends the topic (deleted) or cannot apply. */
  #advance(entry: Entry, event: StoredEvent): boolean {
    if (entry.kind === 'stream') {
      const snapshot = entry.doc as StreamSnapshot;
      appendToStreamSnapshot(snapshot, event.data as StreamPointEvent, event.offset, this.#limits);
      // A stream's log is its retained history: catch-up never reaches past what storage keeps.
      this.#pushTail(entry, event);
      const first = snapshot.history[0]?.offset ?? event.offset + 1;
      while (entry.tail.length > 0 && (entry.tail[0] as StoredEvent).offset < first) this.#shiftTail(entry);
    } else {
      const doc = applyDashboardEvent(entry.doc as Dashboard, { offset: event.offset, ts: event.ts, data: event.data as DashboardEventData });
      if (!doc) return false;
      entry.doc = doc;
    }
    entry.offset = event.offset;
    entry.view = null;
    if (entry.kind === 'dashboard') this.#pushTail(entry, event);
    entry.docBytes += serializeEvent(event).length;
    return true;
  }

  #pushTail(entry: Entry, event: StoredEvent): void {
    entry.tail.push(event);
    entry.tailBytes += serializeEvent(event).length;
    while (entry.tail.length > this.#maxTail) this.#shiftTail(entry);
  }

  #shiftTail(entry: Entry): void {
    const dropped = entry.tail.shift() as StoredEvent;
    entry.tailBytes -= serializeEvent(dropped).length;
  }

  #view(entry: Entry): CachedSnapshot {
    if (entry.view) return entry.view;
    const json = JSON.stringify(entry.doc);
    const live = this.#entries.get(entry.topic) === entry;
    const before = this.#size(entry);
    entry.docBytes = json.length;
    const empty = entry.kind === 'stream' && (entry.doc as StreamSnapshot).latest === null;
    entry.view = { topic: entry.topic, epoch: entry.epoch, offset: entry.offset, json, empty };
    if (live) {
      this.#bytes += this.#size(entry) - before;
      this.#evict();
    }
    return entry.view;
  }

  #size(entry: Entry): number {
    return entry.docBytes + entry.tailBytes;
  }

  #store(entry: Entry): void {
    const previous = this.#entries.get(entry.topic);
    if (previous) this.#remove(previous);
    this.#entries.set(entry.topic, entry);
    this.#bytes += this.#size(entry);
    this.#evict();
  }

  #evict(): void {
    for (const oldest of this.#entries.values()) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#remove(oldest);
    }
  }

  #remove(entry: Entry): void {
    if (this.#entries.get(entry.topic) !== entry) return;
    this.#entries.delete(entry.topic);
    this.#bytes -= this.#size(entry);
  }
}
