import type { RealtimeConfig } from './realtime-config.js';

/**
 * The default of every realtime setting (realtime-config.ts documents each and checks its
 * range). Kept apart from the zod schema so that a client made without `config` (the web
 * app's) takes them as they are and its bundle carries no zod.
 */
export const REALTIME_CONFIG_DEFAULTS = Object.freeze({
  reconnectMinDelayMs: 250,
  reconnectMaxDelayMs: 5_000,
  rateLimitedReconnectDelayMs: 30_000,
  connectTimeoutMs: 10_000,
  heartbeatIntervalMs: 15_000,
  hiddenHeartbeatIntervalMs: 60_000,
  deadConnectionTimeoutMs: 45_000,
  offlineProbeTimeoutMs: 2_000,
  frameIntervalMs: 16,
  textEditDebounceMs: 300,
  refreshIntervalMs: 60_000,
  staleTimeMs: 5_000,
  httpFallbackAfterMs: 5_000,
  httpFallbackIntervalMs: 5_000,
  requestTimeoutMs: 10_000,
  httpBatchMaxMutations: 100,
  maxPendingMutations: 10_000,
  maxNotices: 50,
  streamHistoryLimit: 500,
  presenceTtlMs: 10_000,
  latencySampleSize: 256,
  rateWindowMs: 5_000,
});

/** Configs that went through `resolveRealtimeConfig` (or are the defaults): the only ones a client takes. */
const resolved = new WeakSet<object>([REALTIME_CONFIG_DEFAULTS]);

/** Records `config` as validated; returns it. */
export function markResolvedRealtimeConfig<T extends RealtimeConfig>(config: T): T {
  resolved.add(config);
  return config;
}

/** True for a config made by `resolveRealtimeConfig` (so every field is present and in range). */
export function isResolvedRealtimeConfig(config: unknown): config is RealtimeConfig {
  return typeof config === 'object' && config !== null && resolved.has(config);
}
