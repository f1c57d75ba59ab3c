// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, renderHook, waitFor } from '@testing-library/preact';
import { createPulseboardApi, type PulseboardApi } from '@pulseboard/client';
import type { DashboardSummary } from '@pulseboard/protocol';
import { LIST_REFRESH_INTERVAL_MS, useDashboardList } from './useDashboardList';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const summary = (id: string, title: string, version = 1): DashboardSummary => ({ id, title, version, widgetCount: 0, updatedAt: '' });

describe('useDashboardList', () => {
  it('requests nothing while disabled, and loads once enabled', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ dashboards: [{ id: 'b', title: 'B' }, { id: 'a', title: 'A' }] }), { headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetch);
    const api = createPulseboardApi({ url: 'http://pb.test', token: 't' });
    const { result, rerender } = renderHook(({ enabled }) => useDashboardList(api, enabled), { initialProps: { enabled: false } });
    expect(fetch).not.toHaveBeenCalled();
    expect(result.current.dashboards).toBeNull();
    rerender({ enabled: true });
    await waitFor(() => expect(result.current.dashboards?.map((d) => d.id)).toEqual(['a', 'b']));
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('follows changes made elsewhere on its interval, keeping the same list while nothing changed', async () => {
    vi.useFakeTimers();
    let server = [summary('ops', 'Ops')];
    const list = vi.fn(async () => server);
    const api = { dashboards: { list } } as unknown as PulseboardApi;
    const { result } = renderHook(() => useDashboardList(api, true));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    const first = result.current.dashboards;
    expect(first?.map((d) => d.title)).toEqual(['Ops']);

    await act(async () => {
      await vi.advanceTimersByTimeAsync(LIST_REFRESH_INTERVAL_MS);
    });
    expect(list).toHaveBeenCalledTimes(2);
    expect(result.current.dashboards).toBe(first);

    server = [summary('ops', 'Ops (EU)', 2), summary('new', 'Another')];
    await act(async () => {
      await vi.advanceTimersByTimeAsync(LIST_REFRESH_INTERVAL_MS);
    });
    // The effect's request answers after the timers: let its promise settle and the list render.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(result.current.dashboards?.map((d) => d.title)).toEqual(['Another', 'Ops (EU)']);

    server = [];
    await act(async () => {
      await vi.advanceTimersByTimeAsync(LIST_REFRESH_INTERVAL_MS);
    });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(result.current.dashboards).toEqual([]);
  });
});
