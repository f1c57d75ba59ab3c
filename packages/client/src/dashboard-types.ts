/** A dashboard's public shapes: its snapshot (confirmed, pending, view, notices, presence), edits and handle. */
import type { Dashboard, FieldConflict, Layout, MutatorArgs, MutatorName } from '@pulseboard/model';
import type { ExternalStore } from './types.js';

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

/** Another viewer of the dashboard, as their presence messages describe them. */
export interface PresenceEntry {
  clientId: string;
  name?: string;
  /** The widget they are dragging or resizing right now (with its previewed layout), or null. */
  widgetId: string | null;
  layout: Layout | null;
  /** In edit mode. */
  editing: boolean;
  /** The widget they have selected, or null. */
  selectedId: string | null;
  /** They announced themselves (setPresence), so they stay listed until they leave. */
  viewer: boolean;
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

/** Options of `client.dashboard(id, options)`. */
export interface DashboardHandleOptions {
  /**
   * Also keep the streams of the dashboard's widgets subscribed while this handle is held,
   * from the moment the document is known (HTTP, saved snapshot or `subscribed`) and as
   * widgets come and go: a page that shows the dashboard asks for its values before it
   * renders, instead of once per widget after rendering (first values arrive one round trip
   * and one render sooner). Each widget's own stream handle shares the same subscription.
   */
  streams?: boolean;
}

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
  /**
   * Announces this viewer to the others of the dashboard (and keeps announcing on every
   * resubscription): whether they are editing and which widget they have selected.
   * Until called, the client shows others its drag previews only.
   */
  setPresence(state: { editing: boolean; selectedId: string | null }): void;
  dismissNotice(id: string): void;
  /** Re-applies the mutation of a rejected/overwritten notice as a new edit. */
  retry(noticeId: string): number | null;
  /** Gives the handle back; the last release unsubscribes the dashboard. */
  release(): void;
}

/**
 * Notices the client keeps itself: about edits whose dashboard nobody held when their
 * result arrived (e.g. an edit refused while the page was being reloaded, or whose
 * dashboard was closed before the server answered).
 */
export interface NoticesHandle extends ExternalStore<readonly SyncNotice[]> {
  dismiss(id: string): void;
}
