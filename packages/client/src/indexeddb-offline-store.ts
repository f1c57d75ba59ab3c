import { openDB, type IDBPDatabase } from 'idb';
import { PulseboardError } from '@pulseboard/model';
import { newestFirst, topicsToEvict, type OfflineStore, type PersistedClientState, type PersistedTopicSnapshot } from './offline-store.js';

const STORE = 'clients';
/** Topic snapshots, keyed `[clientKey, topic]` (version 2 of the database). */
const TOPICS = 'topics';

/** Every `[key, topic]` record of one client key. */
function topicRange(key: string): IDBKeyRange {
  return IDBKeyRange.bound([key], [key, []]);
}

/** Topic → when it was saved, of one key's snapshots. */
function savedAtOf(snapshots: readonly PersistedTopicSnapshot[]): Map<string, number> {
  return new Map(snapshots.map((s) => [s.topic, s.savedAt]));
}

/** Browser persistence in IndexedDB (through `idb`): one record per client key, one per held topic snapshot. */
export class IndexedDbOfflineStore implements OfflineStore {
  readonly #db: Promise<IDBPDatabase>;
  /**
   * Per client key: when each of its topics was last saved, as this store has seen it (read
   * once, by `loadTopics` or the first save). Eviction picks from it, so a save writes one
   * record instead of reading every snapshot back (40 streams' histories, every 3 s each).
   * Another tab's topics are not in it: they can keep the count above the cap until that
   * tab's own saves evict.
   */
  readonly #savedAt = new Map<string, Map<string, number>>();

  constructor(options: { databaseName?: string } = {}) {
    if (typeof indexedDB === 'undefined') throw new PulseboardError('no_indexeddb', 'IndexedDB is not available here; use MemoryOfflineStore');
    this.#db = openDB(options.databaseName ?? 'pulseboard-client', 2, {
      upgrade(db) {
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
        if (!db.objectStoreNames.contains(TOPICS)) db.createObjectStore(TOPICS);
      },
    });
  }

  async load(key: string): Promise<PersistedClientState | null> {
    const value = (await (await this.#db).get(STORE, key)) as PersistedClientState | undefined;
    return value ?? null;
  }

  async save(key: string, state: PersistedClientState): Promise<void> {
    await (await this.#db).put(STORE, state, key);
  }

  async delete(key: string): Promise<void> {
    this.#savedAt.delete(key);
    const tx = (await this.#db).transaction([STORE, TOPICS], 'readwrite');
    await Promise.all([tx.objectStore(STORE).delete(key), tx.objectStore(TOPICS).delete(topicRange(key)), tx.done]);
  }

  async saveTopic(key: string, snapshot: PersistedTopicSnapshot): Promise<void> {
    const tx = (await this.#db).transaction(TOPICS, 'readwrite');
    const topics = tx.objectStore(TOPICS);
    let savedAt = this.#savedAt.get(key);
    if (!savedAt) {
      savedAt = savedAtOf((await topics.getAll(topicRange(key))) as PersistedTopicSnapshot[]);
      this.#savedAt.set(key, savedAt);
    }
    await topics.put(snapshot, [key, snapshot.topic]);
    savedAt.set(snapshot.topic, snapshot.savedAt);
    const evicted = topicsToEvict([...savedAt].map(([topic, at]) => ({ topic, savedAt: at })));
    for (const topic of evicted) savedAt.delete(topic);
    await Promise.all([...evicted.map((topic) => topics.delete([key, topic])), tx.done]);
  }

  async loadTopics(key: string): Promise<PersistedTopicSnapshot[]> {
    const snapshots = (await (await this.#db).getAll(TOPICS, topicRange(key))) as PersistedTopicSnapshot[];
    this.#savedAt.set(key, savedAtOf(snapshots));
    return newestFirst(snapshots);
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }
}
