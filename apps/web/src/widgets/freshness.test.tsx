// @vitest-environment jsdom
import './test-browser-stubs';
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Widget } from '@pulseboard/model';
import {
  computeFreshness,
  DEFAULT_STALE_AFTER_MS,
  MIN_STALE_AFTER_MS,
  SharedClock,
  sharedClock,
  staleAfterMsOf,
} from './freshness';
import { FreshnessBadge } from './Freshness';
import { WidgetView } from './WidgetView';
import type { WidgetData } from './widget-data';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function pointsEvery(stepMs: number, count: number, end: number): WidgetData {
  const history = Array.from({ length: count }, (_, i) => ({ ts: end - (count - 1 - i) * stepMs, value: i }));
  return { latest: count - 1, latestTs: end, history };
}

describe('computeFreshness', () => {
  it('is empty before any data', () => {
    expect(computeFreshness({ latest: null, latestTs: null, history: [] }, {}, T0)).toEqual({ kind: 'empty' });
  });

  it('is live until staleAfterMs has passed, then stale since the deadline', () => {
    const data: WidgetData = { latest: 1, latestTs: T0, history: [] };
    const options = { staleAfterMs: 5000 };
    expect(computeFreshness(data, options, T0 + 4999).kind).toBe('live');
    expect(computeFreshness(data, options, T0 + 5000)).toEqual({ kind: 'stale', updatedAt: T0, staleAfterMs: 5000, staleSince: T0 + 5000 });
  });

  it('defaults to 60 s when the push interval is unknown', () => {
    expect(staleAfterMsOf({}, { latest: 1, latestTs: T0, history: [] })).toBe(DEFAULT_STALE_AFTER_MS);
  });

  it('learns three push intervals from the history, within bounds', () => {
    expect(staleAfterMsOf({}, pointsEvery(30_000, 10, T0))).toBe(90_000);
    expect(staleAfterMsOf({}, pointsEvery(100, 10, T0))).toBe(MIN_STALE_AFTER_MS);
    expect(staleAfterMsOf({ staleAfterMs: 1234 }, pointsEvery(100, 10, T0))).toBe(1234);
  });
});

describe('SharedClock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks every second only while someone listens, with one timer for all', () => {
    const clock = new SharedClock(1000);
    const a = vi.fn();
    const b = vi.fn();
    const offA = clock.subscribe(a);
    const offB = clock.subscribe(b);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(3000);
    expect(a).toHaveBeenCalledTimes(3);
    expect(b).toHaveBeenCalledTimes(3);
    expect(clock.getSnapshot()).toBe(T0 + 3000);
    offA();
    offB();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps notifying the others when a listener throws', () => {
    const clock = new SharedClock(1000);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    const off1 = clock.subscribe(() => {
      throw new Error('boom');
    });
    const off2 = clock.subscribe(good);
    vi.advanceTimersByTime(1000);
    expect(good).toHaveBeenCalledTimes(1);
    off1();
    off2();
    error.mockRestore();
  });
});

describe('FreshnessBadge', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('turns from live to stale as time passes, without a data change', () => {
    const data: WidgetData = { latest: 5, latestTs: T0, history: [] };
    render(<FreshnessBadge data={data} options={{ staleAfterMs: 10_000 }} />);
    const badge = () => document.querySelector('.pb-freshness')!;
    expect(badge().getAttribute('data-freshness')).toBe('live');
    act(() => {
      vi.advanceTimersByTime(9000);
    });
    expect(badge().getAttribute('data-freshness')).toBe('live');
    act(() => {
      vi.advanceTimersByTime(2000);
    });
    expect(badge().getAttribute('data-freshness')).toBe('stale');
    expect(badge().textContent).toBe('11 s ago');
    expect(badge().getAttribute('title')).toMatch(/^Stale since \d\d:\d\d:\d\d: no update for 11 s \(expected within 10 s\)$/);
    act(() => {
      vi.advanceTimersByTime(120_000);
    });
    expect(badge().textContent).toBe('2 min ago');
  });

  it('becomes live again when a new point arrives', () => {
    const options = { staleAfterMs: 10_000 };
    const { rerender } = render(<FreshnessBadge data={{ latest: 5, latestTs: T0, history: [] }} options={options} />);
    act(() => {
      vi.advanceTimersByTime(15_000);
    });
    expect(screen.queryByText('15 s ago')).not.toBeNull();
    rerender(<FreshnessBadge data={{ latest: 6, latestTs: Date.now(), history: [] }} options={options} />);
    expect(screen.queryByText('Live')).not.toBeNull();
  });

  it('says paused, not live, while no update can arrive; stale stays stale', () => {
    const options = { staleAfterMs: 10_000 };
    const { rerender } = render(<FreshnessBadge data={{ latest: 5, latestTs: T0, history: [] }} options={options} paused />);
    expect(screen.queryByText('Paused')).not.toBeNull();
    expect(document.querySelector('.pb-freshness')?.getAttribute('data-freshness')).toBe('paused');
    act(() => {
      vi.advanceTimersByTime(15_000);
    });
    rerender(<FreshnessBadge data={{ latest: 5, latestTs: T0, history: [] }} options={options} paused />);
    expect(screen.queryByText('15 s ago')).not.toBeNull();
  });

  it('shows no data for an empty stream', () => {
    render(<FreshnessBadge data={{ latest: null, latestTs: null, history: [] }} options={{}} />);
    expect(screen.queryByText('No data')).not.toBeNull();
  });

  it('marks the widget frame stale through the one shared clock', () => {
    const widget: Widget = { id: 'w', type: 'stat', title: 'Load', layout: { x: 0, y: 0, w: 2, h: 2 }, stream: 'cpu', options: { staleAfterMs: 5000 } };
    const data: WidgetData = { latest: 1, latestTs: T0, history: [] };
    render(
      <>
        <WidgetView widget={widget} data={data} />
        <WidgetView widget={{ ...widget, id: 'w2' }} data={data} />
      </>,
    );
    expect(vi.getTimerCount()).toBe(1);
    expect(sharedClock.listenerCount).toBeGreaterThanOrEqual(2);
    const frame = () => document.querySelector('[data-widget-id="w"]')!;
    expect(frame().className).toContain('pb-widget--live');
    act(() => {
      vi.advanceTimersByTime(6000);
    });
    expect(frame().className).toContain('pb-widget--stale');
  });
});
