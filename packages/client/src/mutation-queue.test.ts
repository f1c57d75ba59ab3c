import { describe, expect, it } from 'vitest';
import { MutationQueue, type QueueEntry } from './mutation-queue.js';
import { MemoryOfflineStore, type OfflineStore, type PersistedClientState } from './offline-store.js';

/** A store whose saves complete only when the test says so. */
class GatedStore implements OfflineStore {
  readonly inner = new MemoryOfflineStore();
  gates: Array<() => void> = [];
  gated = false;
  load(key: string) {
    return this.inner.load(key);
  }
  async save(key: string, state: PersistedClientState) {
    if (this.gated) await new Promise<void>((resolve) => this.gates.push(resolve));
    await this.inner.save(key, state);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  async openAll() {
    await new Promise((r) => setTimeout(r, 0));
    while (this.gates.length) {
      this.gates.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}

describe('MutationQueue', () => {
  it('never sends an entry before it is persisted', async () => {
    const store = new GatedStore();
    const queue = new MutationQueue({ store, storeKey: 'k', clientId: 'client-0001' });
    await queue.load(true);
    store.gated = true;
    const sent: number[] = [];
    queue.setSender((e: QueueEntry) => (sent.push(e.mutationId), true));
    queue.enqueue('ops', 'moveWidget', { id: 'a', x: 1, y: 0 });
    queue.flush();
    expect(sent).toEqual([]);
    await store.openAll();
    expect(sent).toEqual([1]);
    expect((await store.inner.load('k'))!.queue.map((m) => m.mutationId)).toEqual([1]);
  });

  it('numbers edits made before loading after the persisted ones, and keeps the stored clientId', async () => {
    const store = new MemoryOfflineStore();
    await store.save('k', { clientId: 'stored-client-1', lastMutationId: 7, queue: [{ mutationId: 7, dashboardId: 'ops', name: 'moveWidget', args: { id: 'a', x: 1, y: 0 }, createdAt: 0 }] });
    const queue = new MutationQueue({ store, storeKey: 'k', clientId: 'provisional-1' });
    queue.enqueue('ops', 'updateWidget', { id: 'b', set: { title: 'x' } });
    await queue.load(false);
    expect(queue.clientId).toBe('stored-client-1');
    expect(queue.entries.map((e) => e.mutationId)).toEqual([7, 8]);
  });

  it('resends on a new connection what the server has not processed, in order, stopping at a held edit, and asks for unknown results', async () => {
    const queue = new MutationQueue({ store: new MemoryOfflineStore(), storeKey: 'k', clientId: 'client-0001', now: () => 1_000 });
    await queue.load(true);
    queue.enqueue('ops', 'moveWidget', { id: 'a', x: 1, y: 0 });
    queue.enqueue('ops', 'moveWidget', { id: 'b', x: 1, y: 0 });
    queue.enqueue('ops', 'updateWidget', { id: 'c', set: { title: 'typing' } }, 500);
    queue.enqueue('ops', 'moveWidget', { id: 'd', x: 1, y: 0 });
    await queue.persist();
    queue.serverProcessedUpTo(1);
    queue.newGeneration();
    const sent: number[] = [];
    queue.setSender((e) => (sent.push(e.mutationId), true));
    // 1 was processed but its result is unknown: sent once per connection for the stored result.
    expect(sent).toEqual([1, 2]);
    expect(queue.due().map((e) => e.mutationId)).toEqual([1, 2]);
    queue.markProcessed(1, 5);
    expect(queue.due().map((e) => e.mutationId)).toEqual([2]);
    queue.newGeneration();
    sent.length = 0;
    queue.flush();
    expect(sent).toEqual([2]);
    await queue.close();
  });

  it('moves unaccepted entries down when the server expects an earlier id', async () => {
    const queue = new MutationQueue({ store: new MemoryOfflineStore(), storeKey: 'k', clientId: 'client-0001' });
    await queue.load(true);
    for (const id of ['a', 'b', 'c']) queue.enqueue('ops', 'moveWidget', { id, x: 1, y: 0 });
    queue.remove(1);
    queue.renumberFrom(1);
    expect(queue.entries.map((e) => e.mutationId)).toEqual([1, 2]);
    expect(queue.lastAssigned).toBe(2);
  });
});
