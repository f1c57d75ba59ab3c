import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnvironmentManager } from './environment-manager.js';
import { UpdateProcessor } from './update-processor.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('UpdateProcessor (incoming)', () => {
  it('flushes every scheduled target once per frame, however often it was scheduled', () => {
    const processor = new UpdateProcessor({ frameIntervalMs: 16 });
    const flushes: string[] = [];
    const a = { flushFrame: () => flushes.push('a') };
    const b = { flushFrame: () => flushes.push('b') };
    for (let i = 0; i < 1_000; i++) processor.schedule(i % 2 ? a : b);
    expect(flushes).toEqual([]);
    vi.advanceTimersByTime(16);
    expect(flushes.sort()).toEqual(['a', 'b']);
    vi.advanceTimersByTime(100);
    expect(flushes).toHaveLength(2);
  });

  it('uses requestAnimationFrame when the page is visible and a timer when it is hidden', () => {
    const callbacks: Array<() => void> = [];
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => callbacks.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    try {
      const environment = new EnvironmentManager({ attach: false });
      const processor = new UpdateProcessor({ frameIntervalMs: 16, environment });
      let flushed = 0;
      const target = { flushFrame: () => flushed++ };
      processor.schedule(target);
      expect(callbacks).toHaveLength(1);
      callbacks[0]!();
      expect(flushed).toBe(1);
      environment.emit('hidden');
      processor.schedule(target);
      expect(callbacks).toHaveLength(1);
      vi.advanceTimersByTime(16);
      expect(flushed).toBe(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('still flushes when the page is hidden after a frame was requested (rAF stalls in hidden tabs)', () => {
    const callbacks: Array<() => void> = [];
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => callbacks.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    try {
      const environment = new EnvironmentManager({ attach: false });
      const processor = new UpdateProcessor({ frameIntervalMs: 16, environment });
      let flushed = 0;
      const target = { flushFrame: () => flushed++ };
      processor.schedule(target);
      expect(callbacks).toHaveLength(1);
      environment.emit('hidden');
      processor.schedule(target);
      vi.advanceTimersByTime(16);
      expect(flushed).toBe(1);
      callbacks[0]!();
      expect(flushed).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('isolates a target that throws so the others still flush', () => {
    const processor = new UpdateProcessor({ frameIntervalMs: 16 });
    let flushed = false;
    processor.schedule({ flushFrame: () => { throw new Error('boom'); } });
    processor.schedule({ flushFrame: () => { flushed = true; } });
    const errors: unknown[] = [];
    const original = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (fn) => { try { fn(); } catch (e) { errors.push(e); } };
    try {
      processor.flush();
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(flushed).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
