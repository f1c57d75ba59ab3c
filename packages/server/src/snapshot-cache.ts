import type { Storage, TopicPosition } from './storage/storage.js';

/** A topic's snapshot, serialised once, with the position it reflects. */
export interface CachedSnapshot extends TopicPosition {
  topic: string;
  /** The snapshot (Dashboard or StreamSnapshot) as JSON text. */
  json: string;
}

export interface SnapshotCacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses); 0 before the first lookup. */
  hitRate: number;
  entries: number;
  bytes: number;
}

export interface SnapshotCacheOptions {
  maxEntries?: number;
  maxBytes?: number;
}

interface InflightRead {
  promise: Promise<CachedSnapshot | null>;
  /** Set when an event for the topic arrived during the read: its result must not be kept. */
  stale: boolean;
}

/**
 * Serialised snapshots per topic, so a thousand clients subscribing to one dashboard cost
 * one storage read and one JSON.stringify. An entry is dropped as soon as an event for its
 * topic arrives (`invalidate`); concurrent misses for one topic share a single read. LRU,
 * bounded by entries and bytes. A lookup that reads storage is a miss; everything else a hit.
 */
export class SnapshotCache {
  readonly #storage: Storage;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  /** Map order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, CachedSnapshot>();
  readonly #inflight = new Map<string, InflightRead>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;

  constructor(storage: Storage, options: SnapshotCacheOptions = {}) {
    this.#storage = storage;
    this.#maxEntries = options.maxEntries ?? 1_000;
    this.#maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  }

  /** The topic's current snapshot, from the cache or storage; null for an unknown dashboard. */
  async get(topic: string): Promise<CachedSnapshot | null> {
    const entry = this.#entries.get(topic);
    if (entry) {
      this.#hits += 1;
      this.#entries.delete(topic);
      this.#entries.set(topic, entry);
      return entry;
    }
    const inflight = this.#inflight.get(topic);
    if (inflight) {
      this.#hits += 1;
      return inflight.promise;
    }
    this.#misses += 1;
    const read: InflightRead = { promise: this.#read(topic), stale: false };
    this.#inflight.set(topic, read);
    try {
      const result = await read.promise;
      if (result && !read.stale) this.#store(result);
      return result;
    } finally {
      if (this.#inflight.get(topic) === read) this.#inflight.delete(topic);
    }
  }

  /** Drops the topic's entry unless it already reflects `position` (called for every event). */
  invalidate(topic: string, position?: TopicPosition): void {
    const inflight = this.#inflight.get(topic);
    if (inflight) inflight.stale = true;
    const entry = this.#entries.get(topic);
    if (!entry) return;
    if (position && entry.epoch === position.epoch && entry.offset >= position.offset) return;
    this.#remove(topic, entry);
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
    for (const inflight of this.#inflight.values()) inflight.stale = true;
  }

  stats(): SnapshotCacheStats {
    const lookups = this.#hits + this.#misses;
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: lookups === 0 ? 0 : this.#hits / lookups,
      entries: this.#entries.size,
      bytes: this.#bytes,
    };
  }

  async #read(topic: string): Promise<CachedSnapshot | null> {
    const result = await this.#storage.getSnapshot(topic);
    if (!result) return null;
    return { topic, epoch: result.position.epoch, offset: result.position.offset, json: JSON.stringify(result.snapshot) };
  }

  #store(entry: CachedSnapshot): void {
    const previous = this.#entries.get(entry.topic);
    if (previous) this.#remove(entry.topic, previous);
    if (entry.json.length > this.#maxBytes) return;
    this.#entries.set(entry.topic, entry);
    this.#bytes += entry.json.length;
    for (const [topic, oldest] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#remove(topic, oldest);
    }
  }

  #remove(topic: string, entry: CachedSnapshot): void {
    this.#entries.delete(topic);
    this.#bytes -= entry.json.length;
  }
}
