/**
 * @pulseboard/server — the Pulseboard server: `startServer` (HTTP API, WebSocket gateway,
 * storage, pubsub, auth, metrics, demo) and its configuration. The `pulseboard` CLI
 * (cli.ts) is a thin layer over this.
 */
export { startServer, type RunningServer, type StartServerOptions } from './server.js';
export { resolveConfig, validateConfig, ConfigError, DEFAULT_CONFIG, type ServerConfig, type ConfigFlags } from './config.js';
export { SyncService, type SyncServiceObserver } from './sync-service.js';
export { Auth, hashToken, generateTokenSecret, type Principal } from './auth.js';
export { Metrics } from './metrics.js';
export type { GatewayObserver } from './ws/gateway-observer.js';
export { openStorage, MemoryStorage, SqliteStorage, type StorageOptions, type SqliteStorageOptions } from './storage/index.js';
export type { Storage, StoredEvent, TokenRecord, TokenScopes, StreamLimits } from './storage/storage.js';
export type { PubSub } from './pubsub/pubsub.js';
export { LocalPubSub } from './pubsub/local-pubsub.js';
export { SourceManager } from './sources/source-manager.js';
export type { GatewayConfig } from './ws/gateway.js';
export { PostgresStorage, type PostgresStorageOptions } from './storage/index.js';
export { RedisPubSub, type RedisPubSubOptions } from './pubsub/redis-pubsub.js';
export {
  LeasedSingletonRunner,
  LocalSingletonRunner,
  PostgresLeaseStore,
  LocalLeaseStore,
  LEASE_TTL_MS,
  LEASE_RENEW_INTERVAL_MS,
  type SingletonRunner,
  type SingletonStop,
  type LeaseStore,
  type LeasedSingletonRunnerOptions,
} from './singleton-runner.js';
