import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { IndexedDbOfflineStore } from './indexeddb-offline-store.js';
import { MAX_PERSISTED_TOPICS, MemoryOfflineStore } from './offline-store.js';
import { runOfflineStoreContract } from './offline-store.contract.js';

let databases = 0;
runOfflineStoreContract('MemoryOfflineStore', () => new MemoryOfflineStore());
runOfflineStoreContract('IndexedDbOfflineStore (fake-indexeddb)', () => new IndexedDbOfflineStore({ databaseName: `pulseboard-test-${++databases}` }));

describe('IndexedDbOfflineStore topic saves', () => {
  it('write one record: after the snapshots are loaded once, a save never reads them back', async () => {
    const store = new IndexedDbOfflineStore({ databaseName: `pulseboard-test-${++databases}` });
    const snapshot = (n: number, savedAt: number) => ({ topic: `stream:s${n}`, epoch: 'e', offset: n, savedAt, data: { history: Array.from({ length: 500 }, (_, i) => ({ ts: i, value: i })) } });
    for (let i = 0; i < 40; i++) await store.saveTopic('k', snapshot(i, i));
    expect(await store.loadTopics('k')).toHaveLength(40);
    const getAll = vi.spyOn(IDBObjectStore.prototype, 'getAll');
    const getAllIndexed = vi.spyOn(IDBIndex.prototype, 'getAll');
    for (let round = 1; round <= 3; round++) for (let i = 0; i < 40; i++) await store.saveTopic('k', snapshot(i, round * 100 + i));
    expect(getAll).not.toHaveBeenCalled();
    expect(getAllIndexed).not.toHaveBeenCalled();
    const kept = await store.loadTopics('k');
    expect(kept).toHaveLength(40);
    expect(kept[0]).toMatchObject({ topic: 'stream:s39', savedAt: 339 });
    getAll.mockRestore();
    getAllIndexed.mockRestore();
    await store.close();
  });

  it(`still keeps only the ${MAX_PERSISTED_TOPICS} most recently saved topics when saves come from its own view`, async () => {
    const store = new IndexedDbOfflineStore({ databaseName: `pulseboard-test-${++databases}` });
    await store.loadTopics('k');
    for (let i = 0; i < MAX_PERSISTED_TOPICS + 5; i++) await store.saveTopic('k', { topic: `stream:s${i}`, epoch: 'e', offset: i, savedAt: i, data: null });
    const kept = await store.loadTopics('k');
    expect(kept).toHaveLength(MAX_PERSISTED_TOPICS);
    expect(kept.map((t) => t.topic)).not.toContain('stream:s4');
    expect(kept[0]!.topic).toBe(`stream:s${MAX_PERSISTED_TOPICS + 4}`);
    await store.close();
  });
});
