import type { OfflineStore } from './offline-store.js';
import type { RealtimeConfig } from './realtime-config.js';
import type { Dashboard, FieldConflict, Layout, MutatorArgs, MutatorName, PointValue } from '@pulseboard/model';

/**
 * The public shapes of the client core. Every store follows one contract (the one
 * `useSyncExternalStore` needs): `subscribe(listener)` returns an unsubscribe function and
 * `getSnapshot()` returns an immutable value whose identity changes only when it changed.
 */
export interface ExternalStore<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/** The connection lifecycle; see the diagram in websocket-manager.ts. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed' | 'fatal';

/** Why the connection failed last; `closeCode` when the socket was closed with one. */
export interface ConnectionError {
  /**
   * `closed`, `connect_timeout`, `heartbeat_timeout`, `offline`, `lagging` (cut for not
   * keeping up; reconnecting at once), …; in the `fatal` state the server's close reason
   * (`unauthorized`, `token_revoked`, `token_expired`, `client_id_in_use`), or `fatal_close`.
   */
  code: string;
  message: string;
  closeCode?: number;
}

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** Consecutive failed attempts since the last successful welcome. */
  attempt: number;
  lastError: ConnectionError | null;
  /** When the next automatic attempt is due (ms since epoch), while reconnecting. */
  nextRetryAt: number | null;
  /** Round trip of the last heartbeat. */
  latencyMs: number | null;
  connectionId: string | null;
  /** When the current connection got its welcome (ms since epoch). */
  connectedAt: number | null;
  /** Successful connections after the first one. */
  reconnects: number;
}

/**
 * Sync status of one dashboard: synced, pending (n in `pending`), offline (not connected; the
 * client keeps retrying) or error (the dashboard is missing/forbidden/deleted, or the
 * connection failed for good with a fatal close code: see `connection.lastError`).
 */
export type SyncStatus = 'synced' | 'pending' | 'offline' | 'error';

/** A local mutation not yet confirmed by the server. */
export interface PendingMutation {
  mutationId: number;
  dashboardId: string;
  name: string;
  args: unknown;
  createdAt: number;
  /** queued: not sent yet (may still merge with later edits); sent: awaiting the server. */
  state: 'queued' | 'sent';
}

/**
 * Something the person should be told about one dashboard:
 * - `conflict`: someone else changed a field my edit also changed, just before it (the server
 *   reported my `expect` no longer held, or their event arrived while mine was pending);
 *   mine was applied after theirs, `by` names them;
 * - `overwritten`: someone else's edit replaced a value I had written (their `expect` named
 *   mine), or deleted the widget my pending edit was for; `by` names them;
 * - `rejected`: the server refused my edit (rolled back), `error` says why;
 * - `superseded`: my edit no longer applies (its widget was deleted);
 * - `deleted` / `reset`: the dashboard was deleted, or replaced as a whole.
 */
export interface SyncNotice {
  id: string;
  kind: 'conflict' | 'overwritten' | 'rejected' | 'superseded' | 'deleted' | 'reset';
  dashboardId: string;
  message: string;
  /** The local mutation this is about, when there is one (`retry` resends it). */
  mutation?: { mutationId: number; name: string; args: unknown };
  /** Who made the other change, when known. */
  by?: { clientId: string; name?: string };
  /** Field keys (`w:<id>:title`, `meta:title`, …) concerned. */
  fields: string[];
  conflicts?: FieldConflict[];
  error?: { code: string; message: string };
  at: number;
}

/** Another viewer's live drag/resize preview. */
export interface PresenceEntry {
  clientId: string;
  name?: string;
  widgetId: string | null;
  layout: Layout | null;
  at: number;
}

export interface DashboardSnapshot {
  id: string;
  /** The server's state as last seen (null until loaded). */
  confirmed: Dashboard | null;
  /** What to render: confirmed + pending mutations + local previews. */
  view: Dashboard | null;
  pending: readonly PendingMutation[];
  notices: readonly SyncNotice[];
  presence: Readonly<Record<string, PresenceEntry>>;
  status: SyncStatus;
  /** True once a confirmed state is known (from the socket, HTTP or a cache). */
  loaded: boolean;
  /** A dashboard-level error (`not_found`, `deleted`, `forbidden`), or null. */
  error: { code: string; message: string } | null;
  /** When the confirmed state last matched the server (ms since epoch). */
  lastSyncedAt: number | null;
}

/** Options for an edit: `debounceMs` holds it back (merging later edits) before it is sent. */
export interface EditOptions {
  /** `true` uses `textEditDebounceMs`; a number overrides it. */
  debounce?: boolean | number;
  /** Values the author saw, for conflict reporting (see the model's `expect`). */
  expect?: Record<string, unknown>;
}

export type WidgetInput = MutatorArgs<'addWidget'>['widget'];
export type WidgetChanges = MutatorArgs<'updateWidget'>['set'];
export type DashboardMetaChanges = MutatorArgs<'setDashboardMeta'>['set'];

/** One holder's view of one dashboard; subscribed while any handle for it is held. */
export interface DashboardHandle extends ExternalStore<DashboardSnapshot> {
  readonly id: string;
  /** Applies a named mutator optimistically and queues it; returns its mutationId (null if the client is closed). */
  mutate<N extends MutatorName>(name: N, args: MutatorArgs<N>, options?: EditOptions): number | null;
  moveWidget(id: string, x: number, y: number, options?: EditOptions): number | null;
  resizeWidget(id: string, w: number, h: number, options?: EditOptions): number | null;
  updateWidget(id: string, set: WidgetChanges, options?: EditOptions): number | null;
  addWidget(widget: WidgetInput): number | null;
  removeWidget(id: string, options?: EditOptions): number | null;
  setMeta(set: DashboardMetaChanges, options?: EditOptions): number | null;
  /**
   * Shows a drag/resize in progress locally (and to others as presence) without committing;
   * `null` ends the preview. Commit on drop with `commitLayout`.
   */
  previewLayout(widgetId: string, layout: Layout | null): void;
  /**
   * Ends a preview and commits the final layout as one mutation (move or resize; both when
   * a corner drag changed position and size); null when it ended where it started.
   */
  commitLayout(widgetId: string, layout: Layout): number | null;
  dismissNotice(id: string): void;
  /** Re-applies the mutation of a rejected/overwritten notice as a new edit. */
  retry(noticeId: string): number | null;
  /** Gives the handle back; the last release unsubscribes the dashboard. */
  release(): void;
}

export interface StreamPoint {
  ts: number;
  value: PointValue;
  offset: number;
}

export interface StreamSnapshot {
  key: string;
  latest: PointValue | null;
  latestTs: number | null;
  /** Retained points, oldest first (bounded by `streamHistoryLimit`). */
  history: readonly StreamPoint[];
  /** When the last point was applied locally (ms since epoch). */
  lastUpdatedAt: number | null;
  /** Offset of the last applied point (0 before any). */
  offset: number;
  epoch: string | null;
  loaded: boolean;
}

/** One holder's view of one stream; subscribed while any handle for it is held. */
export interface StreamHandle extends ExternalStore<StreamSnapshot> {
  readonly key: string;
  release(): void;
}

export interface BackgroundSyncSnapshot {
  /** True while at least one HTTP refresh is in flight. */
  refreshing: boolean;
  lastSyncedAt: number | null;
  /** Mutations not yet confirmed (all dashboards). */
  queueLength: number;
  lastError: { code: string; message: string } | null;
  /** True while mutations go over HTTP because the socket cannot connect. */
  httpFallback: boolean;
}

export interface BackgroundSyncHandle extends ExternalStore<BackgroundSyncSnapshot> {
  /** Refreshes every held dashboard and stream over HTTP now (de-duplicated per key). */
  refreshNow(): Promise<void>;
}

export interface PerformanceSnapshot {
  /** Server commit time → applied locally, over the recent sample window. */
  updateLatencyMs: { last: number | null; avg: number | null; p95: number | null };
  /** Remote events applied per second over the last few seconds. */
  eventsPerSecond: number;
  eventsApplied: number;
  /** Frames in which incoming events were applied (one notification each). */
  framesFlushed: number;
  pendingCount: number;
  reconnects: number;
  cacheHits: number;
  cacheMisses: number;
  /** hits / (hits + misses), or null before any conditional request. */
  cacheHitRate: number | null;
}

export interface ConnectionHandle extends ExternalStore<ConnectionSnapshot> {
  /** Skips the backoff wait (or leaves `fatal`/`offline`) and connects now. */
  reconnectNow(): void;
}

/**
 * Notices the client keeps itself: about edits whose dashboard nobody held when their
 * result arrived (e.g. an edit refused while the page was being reloaded, or whose
 * dashboard was closed before the server answered).
 */
export interface NoticesHandle extends ExternalStore<readonly SyncNotice[]> {
  dismiss(id: string): void;
}

export interface PerformanceMonitorHandle extends ExternalStore<PerformanceSnapshot> {
  reset(): void;
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

/** The minimal WebSocket surface the client uses (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The client: one connection, one mutation queue, ref-counted dashboards and streams. */
export interface PulseboardClient {
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
  dashboard(id: string): DashboardHandle;
  stream(key: string): StreamHandle;
  /** Pushes a value to a stream (over the socket when open, else HTTP); resolves with its offset. */
  publish(key: string, value: PointValue): Promise<number>;
  /** Starts connecting (when created with `autoConnect: false`). */
  connect(): void;
  /** Closes the socket, stops timers and flushes the store; handles stop updating. */
  close(): Promise<void>;
}
