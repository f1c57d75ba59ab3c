import 'fake-indexeddb/auto';
import { IndexedDbOfflineStore } from './indexeddb-offline-store.js';
import { MemoryOfflineStore } from './offline-store.js';
import { runOfflineStoreContract } from './offline-store.contract.js';

let databases = 0;
runOfflineStoreContract('MemoryOfflineStore', () => new MemoryOfflineStore());
runOfflineStoreContract('IndexedDbOfflineStore (fake-indexeddb)', () => new IndexedDbOfflineStore({ databaseName: `pulseboard-test-${++databases}` }));
