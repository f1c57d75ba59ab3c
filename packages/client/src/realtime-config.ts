import * as z from 'zod/mini';
import { PulseboardError, safeParseWithMessages } from '@pulseboard/model';
import { markResolvedRealtimeConfig, REALTIME_CONFIG_DEFAULTS as D } from './realtime-defaults.js';

/** An integer setting in [min, max], `fallback` when not given. */
const setting = (min: number, max: number, fallback: number) => z._default(z.int().check(z.gte(min), z.lte(max)), fallback);

/**
 * Every timing and limit of the client core, each with its unit in its name, its range and its
 * default (the defaults themselves live in realtime-defaults.ts, which imports no zod).
 * Validated once at construction; a bad value throws a PulseboardError naming the field.
 */
export const realtimeConfigSchema = z
  .strictObject({
    /** Smallest backoff cap before the first retry (full jitter draws from [0, cap]). */
    reconnectMinDelayMs: setting(0, 60_000, D.reconnectMinDelayMs),
    /**
     * Largest backoff cap; the cap doubles per failed attempt up to this. A few seconds (as
     * Home Assistant's frontend does): after a flapping server comes back, a client waits at
     * most this long, while full jitter still spreads the reconnects.
     */
    reconnectMaxDelayMs: setting(1, 600_000, D.reconnectMaxDelayMs),
    /** After a rate-limit close (4029) the wait is uniform in [half of this, this]. */
    rateLimitedReconnectDelayMs: setting(1, 600_000, D.rateLimitedReconnectDelayMs),
    /** Socket open + hello/welcome must finish within this, or the attempt fails. */
    connectTimeoutMs: setting(100, 120_000, D.connectTimeoutMs),
    /** Interval of app-level pings while the page is visible (a welcome may lower it). */
    heartbeatIntervalMs: setting(100, 600_000, D.heartbeatIntervalMs),
    /** Interval of pings while the page is hidden (relaxed to save battery). */
    hiddenHeartbeatIntervalMs: setting(100, 3_600_000, D.hiddenHeartbeatIntervalMs),
    /** No message at all for this long means the connection is dead: close and reconnect. */
    deadConnectionTimeoutMs: setting(200, 3_600_000, D.deadConnectionTimeoutMs),
    /**
     * The browser reported `offline` while the socket is open: a ping is sent at once, and
     * without any frame back within this the connection is judged dead (no waiting out the
     * heartbeat), so the UI shows offline promptly.
     */
    offlineProbeTimeoutMs: setting(100, 60_000, D.offlineProbeTimeoutMs),
    /** Incoming events are coalesced and applied once per frame; this is the frame in Node. */
    frameIntervalMs: setting(1, 1_000, D.frameIntervalMs),
    /** Default hold of a debounced (text) edit before it is sent. */
    textEditDebounceMs: setting(0, 60_000, D.textEditDebounceMs),
    /** Periodic HTTP refresh of held dashboards and streams; 0 disables it. */
    refreshIntervalMs: setting(0, 86_400_000, D.refreshIntervalMs),
    /** A cached snapshot younger than this is not refetched on focus/online. */
    staleTimeMs: setting(0, 86_400_000, D.staleTimeMs),
    /** The socket must have been unable to connect this long before mutations go over HTTP. */
    httpFallbackAfterMs: setting(0, 600_000, D.httpFallbackAfterMs),
    /** Interval of HTTP fallback attempts (mutations and snapshots) while the socket is down. */
    httpFallbackIntervalMs: setting(100, 600_000, D.httpFallbackIntervalMs),
    /** Timeout of one HTTP request. */
    requestTimeoutMs: setting(100, 600_000, D.requestTimeoutMs),
    /** Most mutations sent in one HTTP fallback request. */
    httpBatchMaxMutations: setting(1, 10_000, D.httpBatchMaxMutations),
    /** Most unconfirmed mutations kept; past it new edits are refused. */
    maxPendingMutations: setting(1, 1_000_000, D.maxPendingMutations),
    /** Most notices kept per dashboard (oldest dropped first). */
    maxNotices: setting(1, 10_000, D.maxNotices),
    /** Most points kept in a stream handle's history. */
    streamHistoryLimit: setting(0, 1_000_000, D.streamHistoryLimit),
    /** Presence entries older than this are dropped. */
    presenceTtlMs: setting(100, 600_000, D.presenceTtlMs),
    /** Latency samples kept by the performance monitor. */
    latencySampleSize: setting(1, 100_000, D.latencySampleSize),
    /** Window over which events/s is computed. */
    rateWindowMs: setting(100, 600_000, D.rateWindowMs),
  })
  .check(
    z.refine((c) => c.reconnectMinDelayMs <= c.reconnectMaxDelayMs, {
      message: 'reconnectMinDelayMs must not exceed reconnectMaxDelayMs',
      path: ['reconnectMinDelayMs'],
    }),
  );

/** The resolved configuration (every field present). */
export type RealtimeConfig = z.output<typeof realtimeConfigSchema>;
/** What a caller may pass: any subset. */
export type RealtimeConfigOptions = Partial<RealtimeConfig>;

/** Fills defaults and validates; throws `invalid_config` naming the first bad field. */
export function resolveRealtimeConfig(options: RealtimeConfigOptions = {}): RealtimeConfig {
  const parsed = safeParseWithMessages(realtimeConfigSchema, options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'config';
    throw new PulseboardError('invalid_config', `realtime config ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return markResolvedRealtimeConfig(Object.freeze(parsed.data));
}

/** The defaults, resolved. */
export const DEFAULT_REALTIME_CONFIG: RealtimeConfig = resolveRealtimeConfig();
