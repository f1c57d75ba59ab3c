import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalLeaseStore, SingletonRunner, type LeaseStore } from './singleton-runner.js';

describe('SingletonRunner', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function node(store: LeaseStore, holder: string, log: string[]) {
    return new SingletonRunner({
      store,
      name: 'job',
      holder,
      ttlMs: 1_000,
      renewIntervalMs: 200,
      start: () => void log.push(`${holder} start`),
      stop: () => void log.push(`${holder} stop`),
    });
  }

  it('starts the job on the first node to take the lease only', async () => {
    const store = new LocalLeaseStore();
    const log: string[] = [];
    const a = node(store, 'a', log);
    const b = node(store, 'b', log);
    await a.begin();
    await b.begin();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(log).toEqual(['a start']);
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
    const a = new SingletonRunner({ store, name: 'job', holder: 'a', ttlMs: 1_000, renewIntervalMs: 200, start: () => void log.push('start'), stop: () => void log.push('stop'), onError: (e) => errors.push(e) });
    await a.begin();
    failing = true;
    // Still covered by the last renewal for a while, then it must assume another node may take over.
    await vi.advanceTimersByTimeAsync(400);
    expect(log).toEqual(['start']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(log).toEqual(['start', 'stop']);
    expect(errors.length).toBeGreaterThan(0);
    failing = false;
    await vi.advanceTimersByTimeAsync(400);
    expect(log).toEqual(['start', 'stop', 'start']);
    await a.close();
  });
});
