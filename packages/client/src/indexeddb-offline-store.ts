import { openDB, type IDBPDatabase } from 'idb';
import { PulseboardError } from '@pulseboard/model';
import type { OfflineStore, PersistedClientState } from './offline-store.js';

const STORE = 'clients';

/** Browser persistence in IndexedDB (through `idb`): one record per client key. */
export class IndexedDbOfflineStore implements OfflineStore {
  readonly #db: Promise<IDBPDatabase>;

  constructor(options: { databaseName?: string } = {}) {
    if (typeof indexedDB === 'undefined') throw new PulseboardError('no_indexeddb', 'IndexedDB is not available here; use MemoryOfflineStore');
    this.#db = openDB(options.databaseName ?? 'pulseboard-client', 1, {
      upgrade(db) {
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
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
    await (await this.#db).delete(STORE, key);
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }
}
