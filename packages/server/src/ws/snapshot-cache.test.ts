import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDashboard } from '@pulseboard/model';
import { SnapshotCache } from './snapshot-cache.js';
import { MemoryStorage } from '../storage/memory-storage.js';

const LIMITS = { maxPoints: 100, maxAgeMs: 3_600_000 };

describe('SnapshotCache', () => {
  let storage: MemoryStorage;

  beforeEach(async () => {
    storage = new MemoryStorage();
    await storage.createDashboard(createDashboard({ id: 'ops', title: 'Ops', now: new Date().toISOString() }));
  });

  it('reads storage once, then serves the serialised snapshot from memory and counts hits and misses', async () => {
    const cache = new SnapshotCache(storage, { streamLimits: LIMITS });
    const read = vi.spyOn(storage, 'getSnapshot');
    const first = await cache.get('dashboard:ops');
    const second = await cache.get('dashboard:ops');
    expect(second).toBe(first);
    expect(JSON.parse(first?.json ?? '')).toMatchObject({ id: 'ops', title: 'Ops' });
    expect(first).toMatchObject({ topic: 'dashboard:ops', offset: 0 });
    expect(read).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5, entries: 1 });
  });

  it('keeps a live stream current by applying its events instead of reading storage again', async () => {
    const cache = new SnapshotCache(storage, { streamLimits: LIMITS });
    await storage.appendPoints([{ key: 'k', points: [{ value: 1 }] }], LIMITS, Date.now());
    await cache.get('stream:k');
    const read = vi.spyOn(storage, 'getSnapshot');
    const [next] = await storage.appendPoints([{ key: 'k', points: [{ value: 2 }, { value: 3 }] }], LIMITS, Date.now());
    for (const event of next?.events ?? []) cache.apply(event);
    const after = await cache.get('stream:k');
    expect(read).not.toHaveBeenCalled();
    expect(after?.offset).toBe(3);
    expect(JSON.parse(after?.json ?? '')).toEqual((await storage.getSnapshot('stream:k'))?.snapshot);
  });

  it('never patches across a gap: an early event makes the next lookup read storage', async () => {
    const cache = new SnapshotCache(storage, { streamLimits: LIMITS });
    await storage.appendPoints([{ key: 'k', points: [{ value: 1 }] }], LIMITS, Date.now());
    await cache.get('stream:k');
    const [lost] = await storage.appendPoints([{ key: 'k', points: [{ value: 2 }] }], LIMITS, Date.now());
    const [late] = await storage.appendPoints([{ key: 'k', points: [{ value: 3 }] }], LIMITS, Date.now());
    cache.apply(late!.events[0]!);
    const read = vi.spyOn(storage, 'getSnapshot');
    const answer = await cache.get('stream:k');
    expect(read).toHaveBeenCalledTimes(1);
    expect(answer?.offset).toBe(3);
    cache.apply(lost!.events[0]!);
    expect((await cache.get('stream:k'))?.offset).toBe(3);
    expect(cache.stats().refreshes).toBe(1);
  });

  it('answers a catch-up from the cached tail of the log, and says null when the tail does not reach back', async () => {
    const cache = new SnapshotCache(storage, { streamLimits: LIMITS, maxTailEvents: 3 });
    const first = await cache.get('dashboard:ops');
    for (let i = 1; i <= 5; i++) {
      const record = await storage.applyMutation({ clientId: 'c1', mutationId: i, dashboardId: 'ops', name: 'setDashboardMeta', args: { set: { title: `T${i}` } } }, Date.now());
      cache.apply(record.event!);
    }
    const since = { epoch: first!.epoch, offset: 2 };
    expect((await cache.replay('dashboard:ops', since))?.map((e) => e.offset)).toEqual([3, 4, 5]);
    expect(await cache.replay('dashboard:ops', { ...since, offset: 5 })).toEqual([]);
    expect(await cache.replay('dashboard:ops', { ...since, offset: 1 })).toBeNull();
    expect(await cache.replay('dashboard:ops', { epoch: 'other', offset: 4 })).toBeNull();
    expect(cache.stats()).toMatchObject({ replayHits: 2, replayMisses: 2 });
    expect(JSON.parse((await cache.get('dashboard:ops'))!.json)).toEqual(await storage.getDashboard('ops'));
  });

  it('loads a cold topic once for a crowd catching up on it, then answers them from its tail', async () => {
    const cache = new SnapshotCache(storage, { streamLimits: LIMITS });
    const since = (await storage.getHead('dashboard:ops'))!;
    for (let i = 1; i <= 4; i++) {
      await storage.applyMutation({ clientId: 'c1', mutationId: i, dashboardId: 'ops', name: 'setDashboardMeta', args: { set: { title: `T${i}` } } }, Date.now());
    }
    const snapshots = vi.spyOn(storage, 'getSnapshot');
    const reads = vi.spyOn(storage, 'readEvents');
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.replay('dashboard:ops', { epoch: since.epoch, offset: 1 })));
    expect(answers.every((events) => events?.map((e) => e.offset).join() === '2,3,4')).toBe(true);
    expect(snapshots).toHaveBeenCalledTimes(1);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toMatchObject({ replayHits: 19, replayMisses: 1 });
  });

  it('shares one storage read between concurrent misses, and does not keep a read an event overtook', async () => {
    const cache = new SnapshotCache(storage, { streamLimits: LIMITS });
    const read = vi.spyOn(storage, 'getSnapshot');
    const results = await Promise.all([cache.get('dashboard:ops'), cache.get('dashboard:ops'), cache.get('dashboard:ops')]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(new Set(results).size).toBe(1);

    cache.clear();
    const pending = cache.get('dashboard:ops');
    cache.invalidate('dashboard:ops');
    expect(await pending).not.toBeNull();
    expect(cache.stats().entries).toBe(0);

    const during = cache.get('dashboard:ops');
    const record = await storage.applyMutation({ clientId: 'c1', mutationId: 1, dashboardId: 'ops', name: 'setDashboardMeta', args: { set: { title: 'New' } } }, Date.now());
    cache.apply(record.event!);
    await during;
    expect(JSON.parse((await cache.get('dashboard:ops'))!.json)).toMatchObject({ title: 'New', version: 1 });
  });

  it('answers null for an unknown dashboard and does not cache it', async () => {
    const cache = new SnapshotCache(storage, { streamLimits: LIMITS });
    expect(await cache.get('dashboard:missing')).toBeNull();
    expect(cache.stats().entries).toBe(0);
  });

  it('evicts the least recently used entries past maxEntries or maxBytes', async () => {
    const cache = new SnapshotCache(storage, { streamLimits: LIMITS, maxEntries: 2 });
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

    const tiny = new SnapshotCache(storage, { streamLimits: LIMITS, maxBytes: 10 });
    await tiny.get('dashboard:ops');
    expect(tiny.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect((await tiny.get('dashboard:ops'))?.offset).toBe(0);
  });
});
