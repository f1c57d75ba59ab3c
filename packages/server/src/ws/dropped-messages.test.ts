import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineTimer, DroppedMessages } from './dropped-messages.js';

describe('DroppedMessages', () => {
  it('keeps mutationIds as inclusive ranges, publish ids that can be echoed, and counts everything', () => {
    const dropped = new DroppedMessages();
    for (const id of [3, 4, 5, 9, 10]) dropped.add(JSON.stringify({ type: 'mutate', dashboardId: 'x', mutationId: id }));
    dropped.add(JSON.stringify({ type: 'publish', id: 'p1', stream: 's', value: 1 }));
    dropped.add(JSON.stringify({ type: 'publish', id: 7, stream: 's', value: 1 }));
    dropped.add(JSON.stringify({ type: 'publish', stream: 's', value: 1 }));
    dropped.add(JSON.stringify({ type: 'publish', id: 'x'.repeat(65), stream: 's', value: 1 }));
    dropped.add(JSON.stringify({ type: 'mutate', mutationId: -1 }));
    dropped.add('{"type":"ping"');
    dropped.add('null');
    expect(dropped.count).toBe(12);
    expect(dropped.mutationIds).toEqual([
      [3, 5],
      [9, 10],
    ]);
    expect(dropped.publishIds).toEqual(['p1', 7]);
  });
});

describe('DeadlineTimer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs each key once at its deadline, keeps the earlier deadline, and forgets cancelled keys', () => {
    vi.useFakeTimers({ now: 0 });
    const fired: Array<[string, number]> = [];
    const timer = new DeadlineTimer<string>((key) => fired.push([key, Date.now()]));
    timer.schedule('a', 1_000);
    timer.schedule('b', 500);
    timer.schedule('a', 2_000);
    timer.schedule('c', 700);
    timer.cancel('c');
    vi.advanceTimersByTime(3_000);
    expect(fired).toEqual([
      ['b', 500],
      ['a', 1_000],
    ]);
    timer.schedule('a', 3_500);
    vi.advanceTimersByTime(1_000);
    expect(fired.at(-1)).toEqual(['a', 3_500]);
    timer.clear();
  });
});
