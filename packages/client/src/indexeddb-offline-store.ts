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

/** Browser persistence in IndexedDB (through `idb`): one record per client key, one per held topic snapshot. */
export class IndexedDbOfflineStore implements OfflineStore {
  readonly #db: Promise<IDBPDatabase>;

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
    const tx = (await this.#db).transaction([STORE, TOPICS], 'readwrite');
    await Promise.all([tx.objectStore(STORE).delete(key), tx.objectStore(TOPICS).delete(topicRange(key)), tx.done]);
  }

  async saveTopic(key: string, snapshot: PersistedTopicSnapshot): Promise<void> {
    const tx = (await this.#db).transaction(TOPICS, 'readwrite');
    const topics = tx.objectStore(TOPICS);
    await topics.put(snapshot, [key, snapshot.topic]);
    const all = (await topics.getAll(topicRange(key))) as PersistedTopicSnapshot[];
    await Promise.all([...topicsToEvict(all).map((topic) => topics.delete([key, topic])), tx.done]);
  }

  async loadTopics(key: string): Promise<PersistedTopicSnapshot[]> {
    return newestFirst((await (await this.#db).getAll(TOPICS, topicRange(key))) as PersistedTopicSnapshot[]);
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }
}
