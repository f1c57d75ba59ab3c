import { describe, expect, it, vi } from 'vitest';
import { PerformanceMonitor } from './performance-monitor.js';

describe('PerformanceMonitor', () => {
  it('measures latency from server ts to applied, events/s, frames, pending, reconnects and cache hit rate', () => {
    let now = 10_000;
    const monitor = new PerformanceMonitor({ sampleSize: 100, rateWindowMs: 1_000, now: () => now });
    let notified = 0;
    monitor.subscribe(() => notified++);
    for (let i = 1; i <= 20; i++) monitor.recordEvents(10, now - i);
    monitor.recordFrame();
    monitor.setPending(3);
    monitor.setReconnects(2);
    monitor.recordCache(true);
    monitor.recordCache(true);
    monitor.recordCache(false);
    monitor.publish();
    const snap = monitor.getSnapshot();
    expect(snap.updateLatencyMs.last).toBe(20);
    expect(snap.updateLatencyMs.avg).toBe(10.5);
    expect(snap.updateLatencyMs.p95).toBe(20);
    expect(snap).toMatchObject({ eventsApplied: 200, eventsPerSecond: 200, framesFlushed: 1, pendingCount: 3, reconnects: 2, cacheHits: 2, cacheMisses: 1 });
    expect(snap.cacheHitRate).toBeCloseTo(2 / 3);
    expect(notified).toBeGreaterThan(0);
    now += 2_000;
    monitor.publish();
    expect(monitor.getSnapshot().eventsPerSecond).toBe(0);
  });

  it('keeps the latency sample bounded and resets', () => {
    const monitor = new PerformanceMonitor({ sampleSize: 4, rateWindowMs: 1_000, now: () => 100 });
    for (let i = 0; i < 10; i++) monitor.recordEvents(1, 100 - i);
    monitor.publish();
    expect(monitor.getSnapshot().updateLatencyMs.avg).toBe((6 + 7 + 8 + 9) / 4);
    monitor.reset();
    expect(monitor.getSnapshot()).toMatchObject({ eventsApplied: 0, updateLatencyMs: { last: null, avg: null }, cacheHitRate: null });
  });

  it('lets events/s fall back to 0 once events stop, without anything else happening', () => {
    vi.useFakeTimers();
    try {
      const monitor = new PerformanceMonitor({ sampleSize: 10, rateWindowMs: 1_000, now: () => Date.now() });
      let notified = 0;
      monitor.subscribe(() => notified++);
      monitor.recordEvents(50, Date.now());
      monitor.publish();
      expect(monitor.getSnapshot().eventsPerSecond).toBe(50);
      vi.advanceTimersByTime(1_001);
      expect(monitor.getSnapshot().eventsPerSecond).toBe(0);
      expect(notified).toBe(2);
      expect(vi.getTimerCount()).toBe(0);
      monitor.recordEvents(5, Date.now());
      monitor.publish();
      monitor.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('measures latency on the server clock when the client clock is off (offset from the welcome)', () => {
    const now = 1_000_000;
    const monitor = new PerformanceMonitor({ sampleSize: 10, rateWindowMs: 1_000, now: () => now });
    // The server's clock is 60 s ahead of ours: an event it committed 25 ms ago carries now + 60 s - 25 ms.
    monitor.setClockOffset(60_000);
    monitor.recordEvents(1, now + 60_000 - 25);
    monitor.publish();
    expect(monitor.getSnapshot().updateLatencyMs.last).toBe(25);
    monitor.close();
  });

  it('publishing every frame keeps one decay timer per oldest batch while someone listens, and figures follow new latencies', () => {
    vi.useFakeTimers();
    try {
      const monitor = new PerformanceMonitor({ sampleSize: 10, rateWindowMs: 1_000, now: () => Date.now() });
      monitor.subscribe(() => {});
      const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
      monitor.recordEvents(1, Date.now() - 30);
      // Sixty frames in a second, no new events: the oldest batch stays, so does its timer.
      for (let frame = 0; frame < 60; frame++) {
        monitor.publish();
        vi.advanceTimersByTime(16);
      }
      expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
      expect(monitor.getSnapshot().updateLatencyMs).toEqual({ last: 30, avg: 30, p95: 30 });
      // A new latency shows in the next publish; the timer still ages the oldest batch.
      monitor.recordEvents(1, Date.now() - 10);
      monitor.publish();
      expect(monitor.getSnapshot().updateLatencyMs).toEqual({ last: 10, avg: 20, p95: 30 });
      expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
      // The first batch ages out (its timer re-arms for the second), then the second.
      vi.advanceTimersByTime(1_002);
      expect(setTimeoutSpy).toHaveBeenCalledTimes(2);
      expect(monitor.getSnapshot().eventsPerSecond).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
      monitor.close();
    } finally {
      vi.restoreAllMocks();
      vi.useRealTimers();
    }
  });

  it('with nobody listening, publishing builds nothing and arms no timer; a read builds the snapshot, and events/s still decays', () => {
    vi.useFakeTimers();
    try {
      const monitor = new PerformanceMonitor({ sampleSize: 10, rateWindowMs: 1_000, now: () => Date.now() });
      const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
      const before = monitor.getSnapshot();
      for (let frame = 0; frame < 60; frame++) {
        monitor.recordEvents(2, Date.now() - 20);
        monitor.recordFrame();
        monitor.publish();
        vi.advanceTimersByTime(10);
      }
      expect(setTimeoutSpy).not.toHaveBeenCalled();
      const read = monitor.getSnapshot();
      expect(read).not.toBe(before);
      expect(read).toMatchObject({ eventsApplied: 120, framesFlushed: 60, eventsPerSecond: 120, updateLatencyMs: { last: 20, avg: 20, p95: 20 } });
      // Nothing recorded in between: the same object (what useSyncExternalStore needs).
      expect(monitor.getSnapshot()).toBe(read);
      // The batches age out with no timer: the next read sees it.
      vi.advanceTimersByTime(1_001);
      expect(monitor.getSnapshot().eventsPerSecond).toBe(0);
      expect(monitor.getSnapshot().eventsApplied).toBe(120);
      // A listener gets the live behaviour back: a publish notifies, and the decay timer runs while it listens.
      let notified = 0;
      const stop = monitor.subscribe(() => notified++);
      monitor.recordEvents(5, Date.now());
      monitor.publish();
      expect(notified).toBe(1);
      expect(vi.getTimerCount()).toBe(1);
      stop();
      expect(vi.getTimerCount()).toBe(0);
      monitor.close();
    } finally {
      vi.restoreAllMocks();
      vi.useRealTimers();
    }
  });
});
