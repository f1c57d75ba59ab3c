import type { OfflineStore } from './offline-store.js';
import type { PulseboardApi } from './pulseboard-api.js';
import type { RealtimeConfig } from './realtime-config.js';
import type { ConnectionHandle, WebSocketConstructor } from './connection-types.js';
import type { DashboardHandle, DashboardHandleOptions, DashboardSnapshot, NoticesHandle } from './dashboard-types.js';
import type { BackgroundSyncHandle, PerformanceMonitorHandle } from './monitor-types.js';
import type { StreamHandle, StreamSnapshot } from './stream-types.js';
import type { PointValue } from '@pulseboard/model';

export type * from './connection-types.js';
export type * from './dashboard-types.js';
export type * from './stream-types.js';
export type * from './monitor-types.js';

/**
 * The client and its options, and the contract every store follows; the other public
 * shapes live by concern (connection-, dashboard-, stream-, monitor-types.ts) and are
 * re-exported here. Every store follows one contract (the one
 * `useSyncExternalStore` needs): `subscribe(listener)` returns an unsubscribe function and
 * `getSnapshot()` returns an immutable value whose identity changes only when it changed.
 */
export interface ExternalStore<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/** What `createPulseboardClient` takes. */
export interface PulseboardClientOptions {
  /** HTTP base of the server (`http://host:port`); the socket URL is derived (`/ws`). */
  url: string;
  token?: string;
  /** Stable id of this install; by default loaded from the store, or generated and saved. */
  clientId?: string;
  /** Shown to others as the author of this client's edits. */
  name?: string;
  /** The WebSocket class (pass `ws`'s in Node); defaults to the global one. */
  WebSocket?: WebSocketConstructor;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Persistence of the offline queue; in memory by default. */
  store?: OfflineStore;
  /** Names this install's record in the store (default `"default"`). */
  storeKey?: string;
  config?: Partial<RealtimeConfig>;
  /** Connect at once (default true); otherwise call `connect()`. */
  autoConnect?: boolean;
}

/**
 * The client: one connection, one mutation queue, ref-counted dashboards and streams, and
 * the HTTP calls an app makes itself (`dashboards`, `streams`, `shares`, `tokens`, `me()`, `request()`).
 */
export interface PulseboardClient extends PulseboardApi {
  /** This install's client id (final once `ready` resolved). */
  readonly clientId: string;
  /** Resolves once the persisted state is loaded (edits made before are queued after it). */
  readonly ready: Promise<void>;
  readonly connection: ConnectionHandle;
  readonly sync: BackgroundSyncHandle;
  readonly monitor: PerformanceMonitorHandle;
  /** Notices about edits of dashboards no handle holds (a held dashboard's are in its snapshot). */
  readonly notices: NoticesHandle;
  readonly config: RealtimeConfig;
  dashboard(id: string, options?: DashboardHandleOptions): DashboardHandle;
  stream(key: string): StreamHandle;
  /**
   * The snapshot of a dashboard some handle holds now, without taking a handle (null when none
   * does): what an earlier holder (a prefetch) already has, for a view's first render.
   */
  peekDashboard(id: string): DashboardSnapshot | null;
  /** The snapshot of a stream some handle holds now (null when none does); see `peekDashboard`. */
  peekStream(key: string): StreamSnapshot | null;
  /** Pushes a value to a stream (over the socket when open, else HTTP); resolves with its offset. */
  publish(key: string, value: PointValue): Promise<number>;
  /** Starts connecting (when created with `autoConnect: false`). */
  connect(): void;
  /** Closes the socket, stops timers and flushes the store; handles stop updating. */
  close(): Promise<void>;
}
