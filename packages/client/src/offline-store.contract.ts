import { describe, expect, it } from 'vitest';
import type { OfflineStore, PersistedClientState } from './offline-store.js';

const state = (clientId: string, ids: number[]): PersistedClientState => ({
  clientId,
  lastMutationId: Math.max(0, ...ids),
  queue: ids.map((mutationId) => ({ mutationId, dashboardId: 'ops', name: 'moveWidget', args: { id: 'a', x: mutationId, y: 0 }, createdAt: 1 })),
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
  });
}
