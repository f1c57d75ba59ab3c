import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDashboard } from '@pulseboard/model';
import { SnapshotCache } from './snapshot-cache.js';
import { MemoryStorage } from './storage/memory-storage.js';

const LIMITS = { maxPoints: 100, maxAgeMs: 3_600_000 };

describe('SnapshotCache', () => {
  let storage: MemoryStorage;

  beforeEach(async () => {
    storage = new MemoryStorage();
    await storage.createDashboard(createDashboard({ id: 'ops', title: 'Ops', now: new Date().toISOString() }));
  });

  it('reads storage once, then serves the serialised snapshot from memory and counts hits and misses', async () => {
    const cache = new SnapshotCache(storage);
    const read = vi.spyOn(storage, 'getSnapshot');
    const first = await cache.get('dashboard:ops');
    const second = await cache.get('dashboard:ops');
    expect(second).toBe(first);
    expect(JSON.parse(first?.json ?? '')).toMatchObject({ id: 'ops', title: 'Ops' });
    expect(first).toMatchObject({ topic: 'dashboard:ops', offset: 0 });
    expect(read).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5, entries: 1 });
  });

  it('drops an entry when a newer event for its topic arrives', async () => {
    const cache = new SnapshotCache(storage);
    const [result] = await storage.appendPoints([{ key: 'k', points: [{ value: 1 }] }], LIMITS, Date.now());
    const before = await cache.get('stream:k');
    cache.invalidate('stream:k', result?.events[0]);
    expect(cache.stats().entries).toBe(1);
    const [next] = await storage.appendPoints([{ key: 'k', points: [{ value: 2 }] }], LIMITS, Date.now());
    cache.invalidate('stream:k', next?.events[0]);
    expect(cache.stats().entries).toBe(0);
    const after = await cache.get('stream:k');
    expect(after?.offset).toBe((before?.offset ?? 0) + 1);
  });

  it('shares one storage read between concurrent misses, and does not keep a read an event overtook', async () => {
    const cache = new SnapshotCache(storage);
    const read = vi.spyOn(storage, 'getSnapshot');
    const results = await Promise.all([cache.get('dashboard:ops'), cache.get('dashboard:ops'), cache.get('dashboard:ops')]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(new Set(results).size).toBe(1);

    cache.clear();
    const pending = cache.get('dashboard:ops');
    cache.invalidate('dashboard:ops');
    expect(await pending).not.toBeNull();
    expect(cache.stats().entries).toBe(0);
  });

  it('answers null for an unknown dashboard and does not cache it', async () => {
    const cache = new SnapshotCache(storage);
    expect(await cache.get('dashboard:missing')).toBeNull();
    expect(cache.stats().entries).toBe(0);
  });

  it('evicts the least recently used entries past maxEntries or maxBytes', async () => {
    const cache = new SnapshotCache(storage, { maxEntries: 2 });
    await cache.get('stream:a');
    await cache.get('stream:b');
    await cache.get('stream:a');
    await cache.get('stream:c');
    expect(cache.stats().entries).toBe(2);
    const read = vi.spyOn(storage, 'getSnapshot');
    await cache.get('stream:a');
    expect(read).not.toHaveBeenCalled();
    await cache.get('stream:b');
    expect(read).toHaveBeenCalledTimes(1);

    const tiny = new SnapshotCache(storage, { maxBytes: 10 });
    await tiny.get('dashboard:ops');
    expect(tiny.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});
