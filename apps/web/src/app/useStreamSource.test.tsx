// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, renderHook } from '@testing-library/preact';
import type { ReactNode } from 'react';
import type { PulseboardClient } from '@pulseboard/client';
import { PulseboardContext } from '@pulseboard/react';
import { STREAM_SOURCE_GRACE_MS, STREAM_SOURCE_REFRESH_MS, useStreamSource } from './useStreamSource';

const SOURCE = { id: 'cpu-src', name: 'CPU', state: 'failing' };

function withClient(request: ReturnType<typeof vi.fn>) {
  const client = { request } as unknown as PulseboardClient;
  // Testing Library's Preact types call the wrapper's children a DOM Element: taken as unknown.
  return ({ children }: { children: unknown }) => <PulseboardContext.Provider value={client}>{children as ReactNode}</PulseboardContext.Provider>;
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('useStreamSource', () => {
  it('asks only once the widget has stayed without a live value for the grace period, then every refresh', async () => {
    vi.useFakeTimers();
    const request = vi.fn(async () => ({ source: SOURCE }));
    const { result } = renderHook(() => useStreamSource('cpu', true), { wrapper: withClient(request) });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(STREAM_SOURCE_GRACE_MS - 1);
    });
    expect(request).not.toHaveBeenCalled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
    expect(request).toHaveBeenCalledTimes(1);
    expect(request).toHaveBeenCalledWith('GET', '/api/sources/for-stream/cpu');
    expect(result.current).toEqual(SOURCE);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(STREAM_SOURCE_REFRESH_MS);
    });
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('never asks for a widget that gets its value within the grace period', async () => {
    vi.useFakeTimers();
    const request = vi.fn(async () => ({ source: SOURCE }));
    const { rerender, result } = renderHook(({ active }) => useStreamSource('cpu', active), { wrapper: withClient(request), initialProps: { active: true } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(STREAM_SOURCE_GRACE_MS / 2);
    });
    rerender({ active: false });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(STREAM_SOURCE_REFRESH_MS * 2);
    });
    expect(request).not.toHaveBeenCalled();
    expect(result.current).toBeNull();
  });
});
