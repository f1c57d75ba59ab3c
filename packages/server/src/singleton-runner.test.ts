import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeasedSingletonRunner, LocalLeaseStore, type LeaseStore } from './singleton-runner.js';

describe('SingletonRunner', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function node(store: LeaseStore, holder: string, log: string[], onError?: (error: unknown) => void) {
    const runner = new LeasedSingletonRunner({ store, holder, ttlMs: 1_000, renewIntervalMs: 200, ...(onError ? { onError } : {}) });
    await runner.run('job', () => {
      log.push(`${holder} start`);
      return () => void log.push(`${holder} stop`);
    });
    return runner;
  }

  it('starts the job on the first node to take the lease only', async () => {
    const store = new LocalLeaseStore();
    const log: string[] = [];
    const a = await node(store, 'a', log);
    const b = await node(store, 'b', log);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(log).toEqual(['a start']);
    expect([a.holds('job'), b.holds('job')]).toEqual([true, false]);
    await a.close();
    await b.close();
  });

  it('stops the job when the lease can no longer be renewed past its expiry', async () => {
    let failing = false;
    const local = new LocalLeaseStore();
    const store: LeaseStore = {
      tryAcquire: (...args) => (failing ? Promise.reject(new Error('database away')) : local.tryAcquire(...args)),
      release: (...args) => local.release(...args),
    };
    const log: string[] = [];
    const errors: unknown[] = [];
    const a = await node(store, 'a', log, (e) => errors.push(e));
    failing = true;
    // Still covered by the last renewal for a while, then it must assume another node may take over.
    await vi.advanceTimersByTimeAsync(400);
    expect(log).toEqual(['a start']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(log).toEqual(['a start', 'a stop']);
    expect(errors.length).toBeGreaterThan(0);
    failing = false;
    await vi.advanceTimersByTimeAsync(400);
    expect(log).toEqual(['a start', 'a stop', 'a start']);
    await a.close();
  });
});
