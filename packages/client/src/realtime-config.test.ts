import { describe, expect, it } from 'vitest';
import { DEFAULT_REALTIME_CONFIG, resolveRealtimeConfig } from './realtime-config.js';

describe('realtime-config', () => {
  it('fills every setting with its default', () => {
    const config = resolveRealtimeConfig();
    expect(config).toEqual(DEFAULT_REALTIME_CONFIG);
    expect(config.reconnectMinDelayMs).toBe(250);
    expect(config.frameIntervalMs).toBe(16);
  });

  it('keeps what the caller sets and is frozen', () => {
    const config = resolveRealtimeConfig({ heartbeatIntervalMs: 1_000 });
    expect(config.heartbeatIntervalMs).toBe(1_000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('rejects a bad value with an error naming the field and the problem', () => {
    expect(() => resolveRealtimeConfig({ frameIntervalMs: -1 })).toThrow('realtime config frameIntervalMs: Too small: expected number to be >=1');
    expect(() => resolveRealtimeConfig({ heartbeatIntervalMs: 1.5 })).toThrow('realtime config heartbeatIntervalMs: Invalid input: expected int, received number');
  });

  it('rejects an unknown setting and a min above the max', () => {
    expect(() => resolveRealtimeConfig({ reconnectDelay: 5 } as never)).toThrow(/invalid_config|realtime config/);
    expect(() => resolveRealtimeConfig({ reconnectMinDelayMs: 5_000, reconnectMaxDelayMs: 1_000 })).toThrow(/reconnectMinDelayMs/);
  });
});
