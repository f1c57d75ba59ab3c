import { describe, expect, it } from 'vitest';
import { MAX_PERSISTED_TOPICS, type OfflineStore, type PersistedClientState, type PersistedTopicSnapshot } from './offline-store.js';

const state = (clientId: string, ids: number[]): PersistedClientState => ({
  clientId,
  lastMutationId: Math.max(0, ...ids),
  queue: ids.map((mutationId) => ({ mutationId, dashboardId: 'ops', name: 'moveWidget', args: { id: 'a', x: mutationId, y: 0 }, createdAt: 1 })),
});

const topic = (name: string, offset: number, savedAt: number): PersistedTopicSnapshot => ({
  topic: `stream:${name}`,
  epoch: 'e1',
  offset,
  data: { latest: offset, history: [{ ts: savedAt, value: offset, offset }] },
  savedAt,
});

/** The one contract every OfflineStore passes. `create` gives a fresh, empty store. */
export function runOfflineStoreContract(name: string, create: () => OfflineStore | Promise<OfflineStore>): void {
  describe(`OfflineStore contract: ${name}`, () => {
    it('loads null for a key never saved', async () => {
      const store = await create();
      expect(await store.load('nobody')).toBeNull();
      await store.close?.();
    });

    it('loads what was saved, queue order and args intact', async () => {
      const store = await create();
      await store.save('k', state('client-1', [3, 4, 5]));
      expect(await store.load('k')).toEqual(state('client-1', [3, 4, 5]));
      await store.close?.();
    });

    it('overwrites on save and keeps keys apart', async () => {
      const store = await create();
      await store.save('k', state('client-1', [1, 2]));
      await store.save('k', state('client-1', [2]));
      await store.save('other', state('client-2', [7]));
      expect((await store.load('k'))!.queue.map((m) => m.mutationId)).toEqual([2]);
      expect((await store.load('other'))!.clientId).toBe('client-2');
      await store.close?.();
    });

    it('returns copies: changing a loaded or saved object does not change the store', async () => {
      const store = await create();
      const saved = state('client-1', [1]);
      await store.save('k', saved);
      saved.queue.length = 0;
      const loaded = (await store.load('k'))!;
      expect(loaded.queue).toHaveLength(1);
      loaded.lastMutationId = 99;
      expect((await store.load('k'))!.lastMutationId).toBe(1);
      await store.close?.();
    });

    it('deletes a key', async () => {
      const store = await create();
      await store.save('k', state('client-1', [1]));
      await store.delete('k');
      expect(await store.load('k')).toBeNull();
      await store.close?.();
    });

    it('saves topic snapshots per key, replacing each topic, most recently saved first', async () => {
      const store = await create();
      expect(await store.loadTopics!('k')).toEqual([]);
      await store.saveTopic!('k', topic('a', 1, 10));
      await store.saveTopic!('k', topic('b', 5, 20));
      await store.saveTopic!('k', topic('a', 3, 30));
      await store.saveTopic!('other', topic('c', 9, 40));
      expect(await store.loadTopics!('k')).toEqual([topic('a', 3, 30), topic('b', 5, 20)]);
      expect((await store.loadTopics!('other')).map((t) => t.topic)).toEqual(['stream:c']);
      await store.close?.();
    });

    it(`keeps the ${MAX_PERSISTED_TOPICS} most recently saved topics of a key`, async () => {
      const store = await create();
      for (let i = 0; i < MAX_PERSISTED_TOPICS + 3; i++) await store.saveTopic!('k', topic(`s${i}`, i, 1_000 + i));
      const kept = await store.loadTopics!('k');
      expect(kept).toHaveLength(MAX_PERSISTED_TOPICS);
      expect(kept[0]!.topic).toBe(`stream:s${MAX_PERSISTED_TOPICS + 2}`);
      expect(kept.map((t) => t.topic)).not.toContain('stream:s2');
      await store.close?.();
    });

    it('returns topic copies and deletes them with the key', async () => {
      const store = await create();
      const saved = topic('a', 1, 10);
      await store.saveTopic!('k', saved);
      saved.offset = 99;
      expect((await store.loadTopics!('k'))[0]!.offset).toBe(1);
      await store.save('k', state('client-1', [1]));
      await store.delete('k');
      expect(await store.loadTopics!('k')).toEqual([]);
      await store.close?.();
    });
  });
}
