import { FLUSH_WINDOW_MS } from './outbox.js';

/**
 * Every timing and limit of the WebSocket gateway, each with its unit in the name and a
 * default. `resolveGatewayConfig` fills in what a caller leaves out and rejects nonsense.
 */
export interface GatewayConfig {
  /** A connection that has not sent a valid `hello` by then is closed with 4008. */
  helloTimeoutMs: number;
  /** The server sends an app-level `ping` to a connection that has been quiet this long. */
  heartbeatIntervalMs: number;
  /** A connection with no inbound message (not even a pong) for this long is closed with 4009. */
  deadConnectionTimeoutMs: number;
  /** Largest inbound frame; `ws` closes the connection with 1009 past it. */
  maxPayloadBytes: number;
  /** Token bucket refill rate: messages a connection may send per second, sustained. */
  messagesPerSecond: number;
  /** Token bucket size: messages a connection may send at once after being quiet. */
  burstMessages: number;
  /**
   * A connection still over the limit this long after its first dropped message (without its
   * bucket refilling in between) is closed with 4029.
   */
  rateLimitCloseAfterMs: number;
  /**
   * After a flush that reached many connections, the next waits until this long after it
   * (0: every flush the next tick). Longer windows batch more events per frame (less CPU per
   * delivery on both ends) and add up to this much latency. See ws/outbox.ts.
   */
  flushWindowMs: number;
  /** Past this many bytes buffered in the socket, the server stops writing to it (lagging). */
  softLimitBytes: number;
  /** Past this many bytes buffered plus queued, the connection is closed with 4010. */
  hardLimitBytes: number;
  /** How often a lagging connection is checked for having drained. */
  laggingRetryMs: number;
  /** Events read from storage per query when replaying a topic. */
  replayBatchSize: number;
  /** Topics one connection may be subscribed to at once. */
  maxSubscriptionsPerConnection: number;
  /** Open connections beyond this are refused at the upgrade with 503. */
  maxConnections: number;
  /** Messages that may arrive while `hello` is being checked; more is a protocol error. */
  maxEarlyMessages: number;
  /** Longest an `ack` waits for its own event to reach the sender before it is sent anyway. */
  ackWaitTimeoutMs: number;
  /** Snapshot cache: most entries (topics) kept. */
  snapshotCacheMaxEntries: number;
  /** Snapshot cache: most serialised bytes kept. */
  snapshotCacheMaxBytes: number;
  /** Time `close()` waits for clients to finish the closing handshake before cutting them. */
  closeTimeoutMs: number;
  /** With a multi-node pubsub (Redis) that is down: how often subscribed topics are read from storage. */
  storagePollDegradedMs: number;
  /** With a multi-node pubsub that is up: how often storage is checked for a lost last message. */
  storagePollHealthyMs: number;
}

export const DEFAULT_GATEWAY_CONFIG: Readonly<GatewayConfig> = Object.freeze({
  helloTimeoutMs: 10_000,
  heartbeatIntervalMs: 15_000,
  deadConnectionTimeoutMs: 45_000,
  maxPayloadBytes: 1024 * 1024,
  messagesPerSecond: 200,
  burstMessages: 400,
  rateLimitCloseAfterMs: 10_000,
  flushWindowMs: FLUSH_WINDOW_MS,
  softLimitBytes: 1024 * 1024,
  hardLimitBytes: 8 * 1024 * 1024,
  laggingRetryMs: 25,
  replayBatchSize: 500,
  maxSubscriptionsPerConnection: 1_000,
  maxConnections: 20_000,
  maxEarlyMessages: 100,
  ackWaitTimeoutMs: 2_000,
  snapshotCacheMaxEntries: 1_000,
  snapshotCacheMaxBytes: 32 * 1024 * 1024,
  closeTimeoutMs: 2_000,
  storagePollDegradedMs: 500,
  storagePollHealthyMs: 5_000,
});

/** Settings for which 0 is a meaning (off), not a mistake. */
const MAY_BE_ZERO: ReadonlySet<keyof GatewayConfig> = new Set(['flushWindowMs']);

/** The full config: defaults overridden by `options`. Throws on a non-positive (or negative, where 0 means off) or non-finite value. */
export function resolveGatewayConfig(options: Partial<GatewayConfig> = {}): GatewayConfig {
  const config: GatewayConfig = { ...DEFAULT_GATEWAY_CONFIG };
  for (const [key, value] of Object.entries(options) as Array<[keyof GatewayConfig, number | undefined]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_GATEWAY_CONFIG)) throw new TypeError(`unknown gateway setting "${key}"`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (value === 0 && !MAY_BE_ZERO.has(key))) {
      throw new TypeError(`gateway setting ${key} must be a ${MAY_BE_ZERO.has(key) ? 'non-negative' : 'positive'} number, got ${String(value)}`);
    }
    config[key] = value;
  }
  if (config.hardLimitBytes < config.softLimitBytes) throw new TypeError('gateway setting hardLimitBytes must be >= softLimitBytes');
  return config;
}

/** How often the shared sweep (hello timeouts, heartbeats, dead connections) runs. */
export function sweepIntervalMs(config: GatewayConfig): number {
  return Math.max(5, Math.min(config.helloTimeoutMs, config.heartbeatIntervalMs, config.deadConnectionTimeoutMs) / 4);
}
