import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '@pulseboard/model';
import { MAX_SOURCE_BACKOFF_MS, SourceScheduler } from './source-scheduler.js';

const T0 = Date.UTC(2026, 11, 1, 12);

/** A run the test settles by hand. */
function deferred() {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SourceScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spreads the first runs of many sources with the same interval over that interval', async () => {
    const firstRun = new Map<string, number>();
    const scheduler = new SourceScheduler({
      run: async (id) => {
        if (!firstRun.has(id)) firstRun.set(id, Date.now() - T0);
        return true;
      },
      random: seededRandom(7),
    });
    for (let i = 0; i < 1000; i++) scheduler.set(`s${i}`, 1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(firstRun.size).toBe(1000);
    // Ten 100 ms buckets each hold roughly a tenth of the first runs, none more than 15 %.
    const buckets = new Array<number>(10).fill(0);
    for (const at of firstRun.values()) buckets[Math.min(9, Math.floor(at / 100))]!++;
    expect(Math.max(...buckets)).toBeLessThan(150);
    expect(Math.min(...buckets)).toBeGreaterThan(50);
    await scheduler.close();
  });

  it('runs at a fixed rate from its phase and reports no lag when on time', async () => {
    const starts: number[] = [];
    const lags: number[] = [];
    const scheduler = new SourceScheduler({ run: async () => (starts.push(Date.now() - T0), true), onStart: (_id, lag) => lags.push(lag), random: () => 0.25 });
    scheduler.set('a', 2000);
    await vi.advanceTimersByTimeAsync(6600);
    expect(starts).toEqual([500, 2500, 4500, 6500]);
    expect(lags).toEqual([0, 0, 0, 0]);
    expect(scheduler.nextRunAt('a')).toBe(T0 + 8500);
    await scheduler.close();
  });

  it('never starts a run while the previous run of the same source is in progress', async () => {
    const runs: Array<ReturnType<typeof deferred>> = [];
    const scheduler = new SourceScheduler({
      run: () => {
        const d = deferred();
        runs.push(d);
        return d.promise;
      },
      random: () => 0,
    });
    scheduler.set('slow', 1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(1);
    expect(scheduler.isRunning('slow')).toBe(true);
    expect(scheduler.nextRunAt('slow')).toBeNull();
    // The answer takes 3.5 intervals: no run stacks up meanwhile.
    await vi.advanceTimersByTimeAsync(3500);
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(true);
    await vi.advanceTimersByTimeAsync(0);
    // The next run is the next free slot of the phase (4000), not the three missed ones at once.
    expect(scheduler.nextRunAt('slow')).toBe(T0 + 4000);
    await vi.advanceTimersByTimeAsync(500);
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(true);
    await scheduler.close();
  });

  it('backs off exponentially after failures, capped, and returns to its interval after a success', async () => {
    let fail = true;
    const starts: number[] = [];
    const scheduler = new SourceScheduler({ run: async () => (starts.push(Date.now()), !fail), random: () => 0.999999 });
    scheduler.set('flaky', 10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    const waits = (): number[] => starts.slice(1).map((t, i) => t - starts[i]!);
    await vi.advanceTimersByTimeAsync(20 * 60_000);
    // With the largest jitter the waits double each time (20 s, 40 s, 80 s, …) up to the cap.
    expect(waits().slice(0, 4).map((w) => Math.round(w / 1000))).toEqual([20, 40, 80, 160]);
    expect(Math.max(...waits())).toBeLessThanOrEqual(MAX_SOURCE_BACKOFF_MS);
    expect(waits().at(-1)).toBeGreaterThan(MAX_SOURCE_BACKOFF_MS - 1000);
    fail = false;
    await vi.advanceTimersByTimeAsync(MAX_SOURCE_BACKOFF_MS);
    const afterSuccess = starts.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(starts.length - afterSuccess).toBe(3);
    await scheduler.close();
  });

  it('keeps at least one interval between failed runs even with the smallest jitter', async () => {
    const starts: number[] = [];
    const scheduler = new SourceScheduler({ run: async () => (starts.push(Date.now()), false), random: () => 0 });
    scheduler.set('down', 5000);
    await vi.advanceTimersByTimeAsync(60_000);
    const waits = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(waits.length).toBeGreaterThan(2);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(5000);
    await scheduler.close();
  });

  it('treats a run that throws as a failure and keeps scheduling', async () => {
    let calls = 0;
    const scheduler = new SourceScheduler({
      run: async () => {
        calls++;
        throw new Error('boom');
      },
      random: () => 0,
    });
    scheduler.set('x', 1000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBeGreaterThan(2);
    await scheduler.close();
  });

  it('stops a removed source and runNow runs at once and waits for the run', async () => {
    let calls = 0;
    const scheduler = new SourceScheduler({ run: async () => (calls++, true), random: () => 0.5 });
    scheduler.set('a', 60_000);
    await scheduler.runNow('a');
    expect(calls).toBe(1);
    scheduler.remove('a');
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(calls).toBe(1);
    expect(scheduler.ids()).toEqual([]);
    await scheduler.close();
  });
});
