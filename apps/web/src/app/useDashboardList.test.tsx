// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, renderHook, waitFor } from '@testing-library/react';
import { createPulseboardApi } from '@pulseboard/client';
import { useDashboardList } from './useDashboardList';


afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

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
});
