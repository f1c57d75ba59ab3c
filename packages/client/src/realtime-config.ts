import * as z from 'zod/mini';
import { PulseboardError, safeParseWithMessages } from '@pulseboard/model';

/** An integer setting in [min, max], `fallback` when not given. */
const setting = (min: number, max: number, fallback: number) => z._default(z.int().check(z.gte(min), z.lte(max)), fallback);

/**
 * Every timing and limit of the client core, each with its unit in its name and a default.
 * Validated once at construction; a bad value throws a PulseboardError naming the field.
 */
export const realtimeConfigSchema = z
  .strictObject({
    /** Smallest backoff cap before the first retry (full jitter draws from [0, cap]). */
    reconnectMinDelayMs: setting(0, 60_000, 250),
    /**
     * Largest backoff cap; the cap doubles per failed attempt up to this. A few seconds (as
     * Home Assistant's frontend does): after a flapping server comes back, a client waits at
     * most this long, while full jitter still spreads the reconnects.
     */
    reconnectMaxDelayMs: setting(1, 600_000, 5_000),
    /** After a rate-limit close (4029) the wait is uniform in [half of this, this]. */
    rateLimitedReconnectDelayMs: setting(1, 600_000, 30_000),
    /** Socket open + hello/welcome must finish within this, or the attempt fails. */
    connectTimeoutMs: setting(100, 120_000, 10_000),
    /** Interval of app-level pings while the page is visible (a welcome may lower it). */
    heartbeatIntervalMs: setting(100, 600_000, 15_000),
    /** Interval of pings while the page is hidden (relaxed to save battery). */
    hiddenHeartbeatIntervalMs: setting(100, 3_600_000, 60_000),
    /** No message at all for this long means the connection is dead: close and reconnect. */
    deadConnectionTimeoutMs: setting(200, 3_600_000, 45_000),
    /**
     * The browser reported `offline` while the socket is open: a ping is sent at once, and
     * without any frame back within this the connection is judged dead (no waiting out the
     * heartbeat), so the UI shows offline promptly.
     */
    offlineProbeTimeoutMs: setting(100, 60_000, 2_000),
    /** Incoming events are coalesced and applied once per frame; this is the frame in Node. */
    frameIntervalMs: setting(1, 1_000, 16),
    /** Default hold of a debounced (text) edit before it is sent. */
    textEditDebounceMs: setting(0, 60_000, 300),
    /** Periodic HTTP refresh of held dashboards and streams; 0 disables it. */
    refreshIntervalMs: setting(0, 86_400_000, 60_000),
    /** A cached snapshot younger than this is not refetched on focus/online. */
    staleTimeMs: setting(0, 86_400_000, 5_000),
    /** The socket must have been unable to connect this long before mutations go over HTTP. */
    httpFallbackAfterMs: setting(0, 600_000, 5_000),
    /** Interval of HTTP fallback attempts (mutations and snapshots) while the socket is down. */
    httpFallbackIntervalMs: setting(100, 600_000, 5_000),
    /** Timeout of one HTTP request. */
    requestTimeoutMs: setting(100, 600_000, 10_000),
    /** Most mutations sent in one HTTP fallback request. */
    httpBatchMaxMutations: setting(1, 10_000, 100),
    /** Most unconfirmed mutations kept; past it new edits are refused. */
    maxPendingMutations: setting(1, 1_000_000, 10_000),
    /** Most notices kept per dashboard (oldest dropped first). */
    maxNotices: setting(1, 10_000, 50),
    /** Most points kept in a stream handle's history. */
    streamHistoryLimit: setting(0, 1_000_000, 500),
    /** Presence entries older than this are dropped. */
    presenceTtlMs: setting(100, 600_000, 10_000),
    /** Latency samples kept by the performance monitor. */
    latencySampleSize: setting(1, 100_000, 256),
    /** Window over which events/s is computed. */
    rateWindowMs: setting(100, 600_000, 5_000),
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
  return Object.freeze(parsed.data);
}

/** The defaults, resolved. */
export const DEFAULT_REALTIME_CONFIG: RealtimeConfig = resolveRealtimeConfig();
