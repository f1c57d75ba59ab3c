import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnvironmentManager } from './environment-manager.js';
import { UpdateProcessor, mergeUnsentEdit, type UnsentEdit } from './update-processor.js';

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

const edit = (mutationId: number, name: string, args: unknown, unsent = true): UnsentEdit => ({ mutationId, dashboardId: 'd', name, args, unsent });

describe('mergeUnsentEdit (outgoing)', () => {
  it('merges consecutive moves of one widget into the last unsent move (a drag commits one mutation)', () => {
    const queue = [edit(1, 'moveWidget', { id: 'a', x: 1, y: 0 })];
    expect(mergeUnsentEdit(queue, { dashboardId: 'd', name: 'moveWidget', args: { id: 'a', x: 4, y: 2 } })).toEqual({ mutationId: 1, args: { id: 'a', x: 4, y: 2 } });
  });

  it('does not merge a move past another layout edit, into a sent edit, or across dashboards', () => {
    expect(mergeUnsentEdit([edit(1, 'moveWidget', { id: 'a', x: 1, y: 0 }), edit(2, 'moveWidget', { id: 'b', x: 1, y: 0 })], { dashboardId: 'd', name: 'moveWidget', args: { id: 'a', x: 2, y: 0 } })).toBeNull();
    expect(mergeUnsentEdit([edit(1, 'moveWidget', { id: 'a', x: 1, y: 0 }, false)], { dashboardId: 'd', name: 'moveWidget', args: { id: 'a', x: 2, y: 0 } })).toBeNull();
    expect(mergeUnsentEdit([edit(1, 'moveWidget', { id: 'a', x: 1, y: 0 })], { dashboardId: 'other', name: 'moveWidget', args: { id: 'a', x: 2, y: 0 } })).toBeNull();
  });

  it('merges field edits of one widget per field (options per key), keeping the first expect', () => {
    const queue = [
      edit(1, 'updateWidget', { id: 'a', set: { title: 'T', options: { unit: '%' } }, expect: { title: 'orig' } }),
      edit(2, 'moveWidget', { id: 'b', x: 0, y: 0 }),
    ];
    const merged = mergeUnsentEdit(queue, { dashboardId: 'd', name: 'updateWidget', args: { id: 'a', set: { title: 'Tit', options: { decimals: 2 } }, expect: { title: 'T' } } });
    expect(merged).toEqual({ mutationId: 1, args: { id: 'a', set: { title: 'Tit', options: { unit: '%', decimals: 2 } }, expect: { title: 'orig' } } });
  });

  it('does not move a column change earlier past a layout edit (compaction makes it order-sensitive), but merges a title', () => {
    const queue = [edit(1, 'setDashboardMeta', { set: { columns: 6 } }), edit(2, 'moveWidget', { id: 'b', x: 0, y: 3 })];
    expect(mergeUnsentEdit(queue, { dashboardId: 'd', name: 'setDashboardMeta', args: { set: { columns: 12 } } })).toBeNull();
    expect(mergeUnsentEdit(queue, { dashboardId: 'd', name: 'setDashboardMeta', args: { set: { title: 'T' } } })).toEqual({ mutationId: 1, args: { set: { columns: 6, title: 'T' } } });
    expect(mergeUnsentEdit([edit(1, 'setDashboardMeta', { set: { columns: 6 } })], { dashboardId: 'd', name: 'setDashboardMeta', args: { set: { columns: 12 } } })).toEqual({ mutationId: 1, args: { set: { columns: 12 } } });
  });

  it('does not merge a field edit past a later edit of the same widget', () => {
    const queue = [edit(1, 'updateWidget', { id: 'a', set: { title: 'T' } }), edit(2, 'removeWidget', { id: 'a' })];
    expect(mergeUnsentEdit(queue, { dashboardId: 'd', name: 'updateWidget', args: { id: 'a', set: { title: 'X' } } })).toBeNull();
  });
});
