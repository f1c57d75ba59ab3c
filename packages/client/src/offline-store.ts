/**
 * Client persistence: what survives a restart of the page or process. One interface, two
 * implementations (memory, IndexedDB) and one contract suite (offline-store.contract.ts).
 */

/** A queued mutation as persisted. */
export interface PersistedMutation {
  mutationId: number;
  dashboardId: string;
  name: string;
  args: unknown;
  createdAt: number;
}

/** Everything one client keeps across restarts. */
export interface PersistedClientState {
  clientId: string;
  /** Highest mutationId this client has assigned (so ids never repeat). */
  lastMutationId: number;
  /** Unconfirmed mutations, in mutationId order. */
  queue: PersistedMutation[];
}

/**
 * A topic's last snapshot as this client held it (a dashboard document or a stream's latest
 * value and history) with its position, so a reload shows it at once and resubscribes with
 * `since` (the server then answers with a replay, not a snapshot).
 */
export interface PersistedTopicSnapshot {
  topic: string;
  epoch: string;
  offset: number;
  data: unknown;
  /** When it was saved (client clock): the most recently saved topics are the ones kept. */
  savedAt: number;
}

/**
 * How many topic snapshots a store keeps per client key (the least recently saved go first):
 * enough for a wallboard of ~100 widgets plus its dashboards. At 32, a 40-widget wallboard
 * evicted (and re-saved) a quarter of its own topics on every save and reloaded partly cold.
 */
export const MAX_PERSISTED_TOPICS = 128;

/**
 * Pluggable persistence; `key` names one client install (see `storeKey`). The topic methods
 * are optional so a store that keeps only the queue still works (reloads then start cold).
 */
export interface OfflineStore {
  load(key: string): Promise<PersistedClientState | null>;
  save(key: string, state: PersistedClientState): Promise<void>;
  delete(key: string): Promise<void>;
  /** Saves one topic's snapshot (replacing the previous one), keeping at most MAX_PERSISTED_TOPICS per key. */
  saveTopic?(key: string, snapshot: PersistedTopicSnapshot): Promise<void>;
  /** Every topic snapshot saved under `key`, most recently saved first. */
  loadTopics?(key: string): Promise<PersistedTopicSnapshot[]>;
  close?(): Promise<void>;
}

/** The topics beyond the MAX_PERSISTED_TOPICS most recently saved (what a store evicts). */
export function topicsToEvict(snapshots: ReadonlyArray<Pick<PersistedTopicSnapshot, 'topic' | 'savedAt'>>): string[] {
  return newestFirst(snapshots)
    .slice(MAX_PERSISTED_TOPICS)
    .map((s) => s.topic);
}

/** Snapshots ordered most recently saved first. */
export function newestFirst<T extends Pick<PersistedTopicSnapshot, 'savedAt'>>(snapshots: readonly T[]): T[] {
  return [...snapshots].sort((a, b) => b.savedAt - a.savedAt);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The default store: keeps state in memory (shared by clients given the same instance). */
export class MemoryOfflineStore implements OfflineStore {
  readonly #states = new Map<string, PersistedClientState>();
  readonly #topics = new Map<string, Map<string, PersistedTopicSnapshot>>();

  async load(key: string): Promise<PersistedClientState | null> {
    const state = this.#states.get(key);
    return state ? clone(state) : null;
  }

  async save(key: string, state: PersistedClientState): Promise<void> {
    this.#states.set(key, clone(state));
  }

  async delete(key: string): Promise<void> {
    this.#states.delete(key);
    this.#topics.delete(key);
  }

  async saveTopic(key: string, snapshot: PersistedTopicSnapshot): Promise<void> {
    let topics = this.#topics.get(key);
    if (!topics) this.#topics.set(key, (topics = new Map()));
    topics.set(snapshot.topic, clone(snapshot));
    for (const topic of topicsToEvict([...topics.values()])) topics.delete(topic);
  }

  async loadTopics(key: string): Promise<PersistedTopicSnapshot[]> {
    return newestFirst([...(this.#topics.get(key)?.values() ?? [])]).map(clone);
  }
}
