import { describe, expect, it } from 'vitest';
import type { ConnectionSnapshot } from '@pulseboard/client';
import { firstConnectSettled, updatesPaused } from './useFirstConnectSettled';

const base: ConnectionSnapshot = { state: 'idle', attempt: 0, lastError: null, nextRetryAt: null, latencyMs: null, connectionId: null, connectedAt: null, reconnects: 0 };

describe('firstConnectSettled', () => {
  it('is false while the first connection is still being made', () => {
    expect(firstConnectSettled(base)).toBe(false);
    expect(firstConnectSettled({ ...base, state: 'connecting' })).toBe(false);
  });

  it('is true once it opened or failed', () => {
    for (const state of ['open', 'reconnecting', 'offline', 'fatal', 'closed'] as const) {
      expect(firstConnectSettled({ ...base, state })).toBe(true);
    }
  });

  it('stays true while a later attempt connects', () => {
    expect(firstConnectSettled({ ...base, state: 'connecting', attempt: 2 })).toBe(true);
    expect(firstConnectSettled({ ...base, state: 'connecting', reconnects: 1 })).toBe(true);
  });
});

describe('updatesPaused', () => {
  it('is true offline or once the client gave up, not while reconnecting', () => {
    expect(updatesPaused('open', true)).toBe(false);
    expect(updatesPaused('reconnecting', true)).toBe(false);
    expect(updatesPaused('open', false)).toBe(true);
    expect(updatesPaused('offline', true)).toBe(true);
    expect(updatesPaused('fatal', true)).toBe(true);
  });
});
