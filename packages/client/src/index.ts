/**
 * @pulseboard/client — the framework-agnostic sync core (DESIGN.md §3–6): one WebSocket
 * connection with a state machine, optimistic dashboards (confirmed + pending + view),
 * live streams, background HTTP refresh, a persisted offline queue and a performance
 * monitor. No framework import; runs in browsers and in Node (pass `ws`'s WebSocket).
 * docs/architecture.md describes the modules and their data flow.
 */
export { createPulseboardClient, createPulseboardClientCore, socketUrl, randomClientId, type PulseboardClientCoreOptions, type PulseboardClientInternals } from './pulseboard-client.js';
export { installMutationRunner } from './mutation-runner.js';
export type {
  BackgroundSyncHandle,
  BackgroundSyncSnapshot,
  ConnectionError,
  ConnectionHandle,
  ConnectionSnapshot,
  ConnectionState,
  DashboardHandle,
  DashboardHandleOptions,
  DashboardMetaChanges,
  DashboardSnapshot,
  EditOptions,
  ExternalStore,
  NoticesHandle,
  PendingMutation,
  PerformanceMonitorHandle,
  PerformanceSnapshot,
  PresenceEntry,
  PulseboardClient,
  PulseboardClientOptions,
  StreamHandle,
  StreamPoint,
  StreamSnapshot,
  SyncNotice,
  SyncStatus,
  WebSocketConstructor,
  WebSocketLike,
  WidgetChanges,
  WidgetInput,
} from './types.js';
export {
  createPulseboardApi,
  type DashboardsApi,
  type PulseboardApi,
  type PulseboardApiOptions,
  type SharesApi,
  type StreamsApi,
  type TokensApi,
} from './pulseboard-api.js';
export { Pusher, type PusherOptions, type PusherPoint, type PusherStats, type PusherDropPolicy } from './pusher.js';
export { MemoryOfflineStore, type OfflineStore, type PersistedClientState, type PersistedMutation } from './offline-store.js';
export { IndexedDbOfflineStore } from './indexeddb-offline-store.js';
export { resolveRealtimeConfig, DEFAULT_REALTIME_CONFIG, type RealtimeConfig, type RealtimeConfigOptions } from './realtime-config.js';
export { REALTIME_CONFIG_DEFAULTS } from './realtime-defaults.js';

// Building blocks, for embedding, tests and benchmarks (bench/client-core.ts).
export { RealtimeState, type ApplyResult, type DashboardEvent } from './realtime-state.js';
export { WebSocketManager, type WebSocketManagerOptions } from './websocket-manager.js';
export { EnvironmentManager, type EnvironmentSignal, type EnvironmentState } from './environment-manager.js';
export { UpdateProcessor, type FrameTarget } from './update-processor.js';
export { mergeUnsentEdit, type UnsentEdit } from './merge-unsent-edit.js';
export { PerformanceMonitor } from './performance-monitor.js';
export { fullJitterDelayMs, backoffCapMs } from './backoff.js';
