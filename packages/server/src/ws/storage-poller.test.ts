import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStorage } from '../storage/memory-storage.js';
import type { StoredEvent } from '../storage/storage.js';
import { StoragePoller } from './storage-poller.js';

describe('StoragePoller', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function setup() {
    const storage = new MemoryStorage();
    const limits = { maxPoints: 100, maxAgeMs: 60_000 };
    await storage.appendPoints([{ key: 'k', points: [{ value: 1 }] }], limits, Date.now());
    let connected = true;
    const ingested: StoredEvent[] = [];
    const poller = new StoragePoller({
      storage,
      positions: () => [{ topic: 'stream:k', offset: 1 }, { topic: 'stream:unpositioned', offset: null }],
      ingest: (event) => ingested.push(event),
      connected: () => connected,
      degradedIntervalMs: 100,
      healthyIntervalMs: 10_000,
      batchSize: 50,
      onError: () => {},
    });
    const push = (value: number) => storage.appendPoints([{ key: 'k', points: [{ value }] }], limits, Date.now());
    return { poller, ingested, push, setConnected: (value: boolean) => (connected = value) };
  }

  it('polls only every healthy interval while the bus is up', async () => {
    const { poller, ingested, push } = await setup();
    poller.start();
    await push(2);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(ingested).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_200);
    expect(ingested.map((e) => e.offset)).toEqual([2]);
    await poller.stop();
  });

  it('notices an outage within one degraded interval, however long the healthy interval', async () => {
    const { poller, ingested, push, setConnected } = await setup();
    poller.start();
    await vi.advanceTimersByTimeAsync(50);
    setConnected(false);
    await push(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(ingested.map((e) => e.offset)).toEqual([2]);
    await poller.stop();
  });

  it('polls once more right after the bus is back, then waits for the healthy interval', async () => {
    const { poller, ingested, push, setConnected } = await setup();
    setConnected(false);
    poller.start();
    await vi.advanceTimersByTimeAsync(100);
    const polledWhileDown = ingested.length;
    setConnected(true);
    await push(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(ingested.length).toBe(polledWhileDown + 1);
    await push(3);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ingested.length).toBe(polledWhileDown + 1);
    await poller.stop();
  });
});
