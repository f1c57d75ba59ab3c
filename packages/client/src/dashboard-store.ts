import { dashboardTopic, type AckMessage, type ErrorMessage, type EventMessage, type ServerPresenceMessage, type SubscribedMessage } from '@pulseboard/protocol';
import { isPulseboardError, type Dashboard, type Layout, type MutatorArgs, type MutatorName } from '@pulseboard/model';
import type { BackgroundSync, RefreshReason } from './background-sync.js';
import type { MutationQueue } from './mutation-queue.js';
import type { PerformanceMonitor } from './performance-monitor.js';
import type { PersistedTopicSnapshot } from './offline-store.js';
import { RealtimeState, type DashboardEvent } from './realtime-state.js';
import type { RealtimeConfig } from './realtime-config.js';
import { refusalNotice, type DashboardSettlement, type MutationSettlement } from './mutation-settlement.js';
import { StoreLease } from './store-lease.js';
import type { TopicPersistence } from './topic-persistence.js';
import { TopicStore } from './topic-store.js';
import type { DashboardHandle, DashboardHandleOptions, DashboardSnapshot, EditOptions, PresenceEntry, StreamHandle, SyncStatus } from './types.js';
import type { UpdateProcessor } from './update-processor.js';
import type { WebSocketManager } from './websocket-manager.js';

type Inbound = EventMessage | SubscribedMessage | AckMessage | ErrorMessage | ServerPresenceMessage;

/** Before anything is known (replaced in the constructor). */
function emptySnapshot(id: string): DashboardSnapshot {
  return { id, confirmed: null, view: null, pending: [], notices: [], presence: {}, status: 'offline', loaded: false, error: null, lastSyncedAt: null };
}

/** What a DashboardStore needs from the client around it. */
export interface DashboardStoreDeps {
  config: RealtimeConfig;
  connection: WebSocketManager;
  queue: MutationQueue;
  settlement: MutationSettlement;
  processor: UpdateProcessor;
  sync: BackgroundSync;
  monitor: PerformanceMonitor;
  persistence: TopicPersistence;
  /** A handle on one of the client's streams (for `holdStreams`); null once the client is closing. */
  stream: (key: string) => StreamHandle | null;
  now: () => number;
}

/**
 * One held dashboard: its RealtimeState fed by the socket (events, subscribed, acks,
 * presence — buffered and applied once per frame) and by HTTP refreshes, its pending
 * mutations taken from the client's queue (settled by its `DashboardSettlement`), and one
 * immutable snapshot for every holder.
 */
export class DashboardStore extends TopicStore<Inbound, DashboardSnapshot> {
  readonly id: string;
  readonly state: RealtimeState;
  readonly #deps: DashboardStoreDeps;
  readonly #settlement: DashboardSettlement;
  #error: { code: string; message: string } | null = null;
  #loaded = false;
  #lastSyncedAt: number | null = null;
  #presence: Readonly<Record<string, PresenceEntry>> = {};
  /** A resubscribe was asked for (gap/epoch): drop events until its `subscribed` comes. */
  #resyncing = false;
  /** A newer version seen over HTTP while the socket is open (safety net against lost events). */
  #suspectVersion: number | null = null;
  #presenceTimer: ReturnType<typeof setTimeout> | null = null;
  #presenceOut: { widgetId: string | null; layout: Layout | null; join?: boolean } | null = null;
  /** What this viewer announces (null until the app calls `setPresence`: presence is opt-in). */
  #presenceState: { editing: boolean; selectedId: string | null } | null = null;
  #previewing: { widgetId: string | null; layout: Layout | null } = { widgetId: null, layout: null };
  /**
   * Shown from a snapshot persisted by an earlier page/process and not yet confirmed by a
   * `subscribed`: the status stays 'pending' (never 'synced') until the server answers.
   */
  #unconfirmed = false;
  /** A persisted snapshot was shown: no first read over HTTP is needed. */
  #shownPersisted = false;
  /** Inside a frame: queue changes (own events, acks) wait for the frame's one publish. */
  #inFrame = false;
  /** Holders that asked for the widgets' streams (`holdStreams`), and the handles held for them. */
  #streamHolders = 0;
  readonly #heldStreams = new Map<string, StreamHandle>();
  /** The document `#heldStreams` was last matched against. */
  #streamsOf: unknown = null;

  constructor(id: string, deps: DashboardStoreDeps, clientId: () => string) {
    super(dashboardTopic(id), emptySnapshot(id), deps.processor);
    this.id = id;
    this.#deps = deps;
    this.state = new RealtimeState({ dashboardId: id, clientId, maxNotices: deps.config.maxNotices, now: deps.now });
    const state = this.state;
    this.#settlement = deps.settlement.attach(id, {
      get position() {
        return state.position;
      },
      refused: (entry, status, error) => state.addNotice(refusalNotice(entry, status, error, state.confirmed)),
      conflicted: (entry, conflicts) => {
        if (!state.hasNotice(entry.mutationId, 'conflict')) state.conflictNotice(entry, conflicts);
      },
    });
    const cached = deps.sync.cached<Dashboard>(this.topic);
    if (cached) {
      // Stale-while-revalidate: show the cached document at once; the socket/HTTP refresh it.
      this.state.reset(cached, null);
      this.#loaded = true;
    }
    this.state.setPending(deps.queue.pendingFor(id));
    // Before subscribing: a persisted position makes the subscribe carry `since` (a replay, not a snapshot).
    deps.persistence.whenLoaded(this.topic, (persisted) => {
      if (this.closed) return;
      this.#shownPersisted = persisted !== null && this.#showPersisted(persisted);
    });
    this.#publish();
    this.cleanup.push(
      () => deps.persistence.flush(this.topic),
      () => this.#settlement.detach(),
      deps.connection.subscribeTopic(this.topic, () => this.state.position ?? undefined),
      deps.sync.register({ topic: this.topic, refresh: (reason) => this.refresh(reason) }),
      deps.queue.subscribe(() => this.#onQueueChange()),
      deps.connection.subscribe(() => this.#publish()),
    );
  }

  /**
   * The first read over HTTP, made by the client as soon as the store's first handle exists
   * (so a holder asking for the streams gets them in the same request, and the request is on
   * its way before the caller's script goes on). It does not wait for the offline store
   * (opening IndexedDB can take a cold page hundreds of ms): whichever arrives first is shown,
   * and a persisted snapshot no older than the fetched document still gives the subscribe its position.
   */
  firstRead(): void {
    if (this.closed || this.#shownPersisted) return;
    const { connection, sync } = this.#deps;
    if (connection.state !== 'open' && !sync.isFresh(this.topic)) void this.refresh('manual').catch(() => {});
  }

  /** Shows a persisted snapshot at once (instant first paint after a reload); false if unusable. */
  #showPersisted(persisted: PersistedTopicSnapshot): boolean {
    const doc = persisted.data as Dashboard | null;
    if (this.state.position !== null || typeof doc !== 'object' || doc === null || doc.version !== persisted.offset) return false;
    const current = this.state.confirmed;
    if (current && current.version > doc.version) return false;
    this.state.reset(doc, { epoch: persisted.epoch, offset: persisted.offset });
    // The reconnect's HTTP refresh then asks If-None-Match and is answered 304 when nothing changed.
    this.#deps.sync.prime(this.topic, doc, `"${doc.version}"`);
    this.#loaded = true;
    this.#unconfirmed = true;
    // In sync when it was saved, not now: the freshness UI shows "last synced … ago" until the subscribe answers.
    this.#lastSyncedAt = persisted.savedAt;
    this.#publish();
    return true;
  }

  /** Marks the confirmed state for a throttled save (never per event); the first one soon, so a quick reload finds it. */
  #persistSoon(): void {
    this.#deps.persistence.changed(
      this.topic,
      () => {
        const position = this.state.position;
        const doc = this.state.confirmed;
        return position && doc ? { epoch: position.epoch, offset: position.offset, data: doc } : null;
      },
      { firstSoon: true },
    );
  }

  /** Applies everything buffered since the last frame, rebases once and notifies once. */
  protected applyFrame(inbox: Inbound[]): void {
    let applied = 0;
    let lastTs: number | null = null;
    this.#inFrame = true;
    try {
      this.#applyInbox(inbox, (ts) => {
        applied++;
        lastTs = ts;
      });
    } finally {
      this.#inFrame = false;
    }
    const confirmed = applied > 0 ? this.state.confirmed : null;
    if (confirmed) this.#deps.sync.advance(this.topic, confirmed, `"${confirmed.version}"`);
    if (applied > 0 || inbox.some((m) => m.type === 'subscribed')) this.#persistSoon();
    this.#deps.monitor.recordEvents(applied, lastTs);
    this.#publish();
  }

  #applyInbox(inbox: Inbound[], onApplied: (ts: number) => void): void {
    for (const message of inbox) {
      switch (message.type) {
        case 'event':
          if (this.#onEvent(message)) onApplied(message.ts);
          break;
        case 'subscribed':
          this.#onSubscribed(message);
          break;
        case 'ack':
          this.#settlement.settle(message);
          break;
        case 'error':
          this.#onError(message);
          break;
        case 'presence':
          this.#onPresence(message);
          break;
      }
    }
  }

  /** Refreshes over HTTP (background sync calls it; de-duplicated per id there). */
  async refresh(reason: RefreshReason): Promise<void> {
    let doc: Dashboard;
    let epoch: string | undefined;
    try {
      // After a reconnect the version read must postdate the welcome: an older request still in
      // flight may not include this client's own processed edits (and would look like loss).
      // Not connected and the widgets' streams are wanted: one request brings them all.
      const withStreams = this.#streamHolders > 0 && this.#deps.connection.state !== 'open';
      ({ doc, epoch } = await (withStreams ? this.#deps.sync.fetchDashboardLive(this.id) : this.#deps.sync.fetchDashboard(this.id, { fresh: reason === 'reconnect' })));
    } catch (error) {
      if (isPulseboardError(error) && (error.status === 404 || error.status === 403)) {
        this.#error = { code: error.code, message: error.message };
        this.#loaded = true;
        this.#publish();
        return;
      }
      throw error;
    }
    if (this.closed) return;
    const confirmed = this.state.confirmed;
    const socketLive = this.#deps.connection.state === 'open' && this.state.position !== null && !this.#resyncing;
    if (socketLive && confirmed) {
      if (doc.version > confirmed.version) {
        // Events may still be on their way; only a version that stays ahead means loss.
        if (this.#suspectVersion !== null && confirmed.version < this.#suspectVersion) this.#resubscribe();
        else this.#suspectVersion = doc.version;
      } else this.#suspectVersion = null;
      this.#publish();
      return;
    }
    if (!confirmed || doc.version > confirmed.version || !this.#loaded) {
      // The document is the topic's state at offset `version`: with its epoch (the live read
      // gives it) the subscribe asks only for what came after, instead of a second snapshot.
      const at = epoch ?? this.state.position?.epoch;
      this.state.reset(doc, at === undefined ? null : { epoch: at, offset: doc.version });
      this.#afterReset(doc.version);
      this.#persistSoon();
    }
    this.#loaded = true;
    this.#error = null;
    this.#lastSyncedAt = this.#deps.now();
    this.#publish();
  }

  /** Applies a local mutation optimistically and queues it. */
  mutate<N extends MutatorName>(name: N, args: MutatorArgs<N>, options: EditOptions = {}): number | null {
    if (this.closed) return null;
    const { queue, config } = this.#deps;
    if (queue.length >= config.maxPendingMutations) return null;
    const holdMs = options.debounce === true ? config.textEditDebounceMs : typeof options.debounce === 'number' ? options.debounce : 0;
    const withExpect = options.expect ? { ...(args as object), expect: options.expect } : args;
    return queue.enqueue(this.id, name, withExpect, holdMs);
  }

  /** Local drag/resize preview, shown at once and relayed (throttled) as presence. */
  previewLayout(widgetId: string, layout: Layout | null): void {
    if (this.closed) return;
    this.state.setPreview(widgetId, layout);
    this.#sendPresence(layout ? widgetId : null, layout);
    this.#publish();
  }

  /** Announces this viewer to the others (editing or not, the selected widget); see docs/protocol.md "Presence". */
  setPresence(state: { editing: boolean; selectedId: string | null }): void {
    if (this.closed) return;
    const first = this.#presenceState === null;
    this.#presenceState = { ...state };
    this.#sendPresence(this.#previewing.widgetId, this.#previewing.layout, first && this.#loaded);
  }

  dismissNotice(id: string): void {
    if (this.state.dismissNotice(id)) this.#publish();
  }

  protected override onClose(unapplied: Inbound[]): void {
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    this.#presenceTimer = null;
    // Released with results still buffered: they settle as results of a dashboard nobody holds.
    for (const message of unapplied) if (message.type === 'ack') this.#deps.settlement.settle(message);
    this.#releaseStreams();
  }

  #onEvent(message: EventMessage): boolean {
    if (this.#resyncing) return false;
    const result = this.state.applyEvent(message as DashboardEvent);
    switch (result.kind) {
      case 'applied':
        if (result.mine !== null) this.#settlement.ownEvent(result.mine);
        if (!this.state.hasConfirmed) this.#error = { code: 'deleted', message: `dashboard "${this.id}" was deleted` };
        this.#lastSyncedAt = this.#deps.now();
        return true;
      case 'gap':
        this.#resubscribe();
        return false;
      case 'epoch':
        this.#deps.sync.invalidate(this.topic);
        this.state.reset(this.state.confirmed, null);
        this.#resubscribe();
        return false;
      default:
        return false;
    }
  }

  #onSubscribed(message: SubscribedMessage): void {
    this.#deps.monitor.recordSubscribed(message);
    this.#unconfirmed = false;
    this.#resyncing = false;
    this.#error = null;
    this.#loaded = true;
    this.#lastSyncedAt = this.#deps.now();
    // A (re)subscription: who is here is learnt afresh from the answers to our join.
    if (this.#presenceState) {
      this.#presence = {};
      this.#sendPresence(this.#previewing.widgetId, this.#previewing.layout, true);
    }
    if (!message.recovered && message.snapshot) {
      const doc = message.snapshot as Dashboard;
      this.state.reset(doc, { epoch: message.epoch, offset: message.offset });
      this.#deps.sync.prime(this.topic, doc, `"${doc.version}"`);
      this.#afterReset(message.offset);
    }
  }

  /** A snapshot at `version` replaced the confirmed state: settle what it already contains. */
  #afterReset(version: number): void {
    this.#settlement.replaced(version);
    this.#suspectVersion = null;
  }

  #onError(message: ErrorMessage): void {
    if (message.code === 'not_found' || message.code === 'forbidden') {
      this.#error = { code: message.code, message: message.message };
      this.#loaded = true;
    }
  }

  #onPresence(message: ServerPresenceMessage): void {
    const now = this.#deps.now();
    const ttl = this.#deps.config.presenceTtlMs;
    const next: Record<string, PresenceEntry> = {};
    // A drag preview nobody refreshed is over; the viewer stays until they leave.
    for (const [key, entry] of Object.entries(this.#presence)) next[key] = now - entry.at < ttl || entry.widgetId === null ? entry : { ...entry, widgetId: null, layout: null };
    const known = next[message.clientId];
    const viewer = message.editing !== undefined || message.selectedId !== undefined || message.join === true;
    if (message.gone || (message.widgetId === null && !viewer && !known?.viewer)) delete next[message.clientId];
    else {
      next[message.clientId] = {
        clientId: message.clientId,
        ...(message.name === undefined ? {} : { name: message.name }),
        widgetId: message.widgetId,
        layout: message.layout,
        editing: message.editing ?? known?.editing ?? false,
        selectedId: message.selectedId !== undefined ? message.selectedId : (known?.selectedId ?? null),
        viewer: viewer || (known?.viewer ?? false),
        at: now,
      };
    }
    this.#presence = next;
    // A newcomer learns who is already here from our answer.
    if (message.join && this.#presenceState) this.#sendPresence(this.#previewing.widgetId, this.#previewing.layout);
  }

  #resubscribe(): void {
    if (this.#resyncing) return;
    this.#resyncing = true;
    this.#deps.connection.resubscribe(this.topic);
  }

  #sendPresence(widgetId: string | null, layout: Layout | null, join = false): void {
    this.#previewing = { widgetId, layout };
    this.#presenceOut = { widgetId, layout, ...(join || this.#presenceOut?.join ? { join: true } : {}) };
    if (this.#presenceTimer) return;
    const flush = () => {
      const out = this.#presenceOut;
      this.#presenceOut = null;
      if (!out) {
        this.#presenceTimer = null;
        return;
      }
      const state = this.#presenceState;
      this.#deps.connection.send({
        type: 'presence',
        dashboardId: this.id,
        widgetId: out.widgetId,
        layout: out.layout,
        ...(state ? { editing: state.editing, selectedId: state.selectedId } : {}),
        ...(out.join ? { join: true } : {}),
      });
      this.#presenceTimer = setTimeout(flush, this.#deps.config.frameIntervalMs * 3);
    };
    flush();
  }

  #onQueueChange(): void {
    const pending = this.#deps.queue.pendingFor(this.id);
    if (pending === this.state.pending) return;
    // Keep the state's pending list exact (conflict detection reads it) but rebase lazily.
    this.state.setPending(pending);
    if (!this.#inFrame) this.#publish();
  }

  #status(): SyncStatus {
    if (this.#error) return 'error';
    const state = this.#deps.connection.state;
    // Fatal (auth, protocol version): syncing stopped until someone acts, which offline does not say.
    if (state === 'fatal') return 'error';
    if (state !== 'open') return 'offline';
    return this.state.pending.length > 0 || this.#resyncing || this.#unconfirmed ? 'pending' : 'synced';
  }

  #buildSnapshot(): DashboardSnapshot {
    return {
      id: this.id,
      confirmed: this.state.confirmed,
      view: this.state.view,
      pending: this.state.pending,
      notices: this.state.notices,
      presence: this.#presence,
      status: this.#status(),
      loaded: this.#loaded,
      error: this.#error,
      lastSyncedAt: this.#lastSyncedAt,
    };
  }

  /** Replaces the snapshot when anything in it changed, and notifies once. */
  #publish(): void {
    if (this.closed) return;
    this.update(this.#buildSnapshot());
    this.#matchStreams();
  }

  /**
   * Keeps the streams of the view's widgets held while someone asked for them (see
   * `DashboardHandleOptions.streams`); returns the give-back (idempotent).
   */
  holdStreams(): () => void {
    this.#streamHolders++;
    this.#matchStreams();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.#streamHolders === 0) this.#releaseStreams();
    };
  }

  #matchStreams(): void {
    const view = this.state.view;
    if (this.#streamHolders === 0 || this.closed || view === this.#streamsOf) return;
    this.#streamsOf = view;
    const keys = new Set<string>();
    for (const widget of Object.values(view?.widgets ?? {})) if (widget.stream) keys.add(widget.stream);
    for (const [key, handle] of this.#heldStreams) {
      if (keys.has(key)) continue;
      handle.release();
      this.#heldStreams.delete(key);
    }
    for (const key of keys) {
      if (this.#heldStreams.has(key)) continue;
      const handle = this.#deps.stream(key);
      if (handle) this.#heldStreams.set(key, handle);
    }
  }

  #releaseStreams(): void {
    for (const handle of this.#heldStreams.values()) handle.release();
    this.#heldStreams.clear();
    this.#streamsOf = null;
  }
}

/** A holder's handle on a DashboardStore; `release()` gives it back (idempotent). */
export class DashboardHandleImpl extends StoreLease<DashboardStore, DashboardSnapshot> implements DashboardHandle {
  readonly id: string;
  readonly #releaseStreams: (() => void) | null;

  constructor(store: DashboardStore, onRelease: (store: DashboardStore) => void, options: DashboardHandleOptions = {}) {
    super(store, onRelease);
    this.id = store.id;
    this.#releaseStreams = options.streams ? store.holdStreams() : null;
  }

  override release(): void {
    if (this.released) return;
    this.#releaseStreams?.();
    super.release();
  }

  mutate<N extends MutatorName>(name: N, args: MutatorArgs<N>, options?: EditOptions): number | null {
    if (this.released) return null;
    return this.store.mutate(name, args, options);
  }

  moveWidget(id: string, x: number, y: number, options?: EditOptions): number | null {
    return this.mutate('moveWidget', { id, x, y }, options);
  }

  resizeWidget(id: string, w: number, h: number, options?: EditOptions): number | null {
    return this.mutate('resizeWidget', { id, w, h }, options);
  }

  updateWidget(id: string, set: MutatorArgs<'updateWidget'>['set'], options?: EditOptions): number | null {
    return this.mutate('updateWidget', { id, set }, options);
  }

  addWidget(widget: MutatorArgs<'addWidget'>['widget']): number | null {
    return this.mutate('addWidget', { widget });
  }

  removeWidget(id: string, options?: EditOptions): number | null {
    return this.mutate('removeWidget', { id }, options);
  }

  setMeta(set: MutatorArgs<'setDashboardMeta'>['set'], options?: EditOptions): number | null {
    return this.mutate('setDashboardMeta', { set }, options);
  }

  previewLayout(widgetId: string, layout: Layout | null): void {
    if (!this.released) this.store.previewLayout(widgetId, layout);
  }

  commitLayout(widgetId: string, layout: Layout): number | null {
    if (this.released) return null;
    const before = this.store.state.confirmed?.widgets[widgetId]?.layout ?? this.store.getSnapshot().view?.widgets[widgetId]?.layout;
    this.store.previewLayout(widgetId, null);
    const current = this.store.getSnapshot().view?.widgets[widgetId]?.layout ?? before;
    if (!current) return null;
    const sized = current.w !== layout.w || current.h !== layout.h;
    const moved = current.x !== layout.x || current.y !== layout.y;
    // Dropped where it started: a no-op move would still name me as the layout's writer.
    if (!sized && !moved) return null;
    let id: number | null = null;
    if (sized) id = this.resizeWidget(widgetId, layout.w, layout.h);
    if (moved) id = this.moveWidget(widgetId, layout.x, layout.y);
    return id;
  }

  setPresence(state: { editing: boolean; selectedId: string | null }): void {
    if (!this.released) this.store.setPresence(state);
  }

  dismissNotice(id: string): void {
    this.store.dismissNotice(id);
  }

  retry(noticeId: string): number | null {
    const notice = this.store.getSnapshot().notices.find((n) => n.id === noticeId);
    if (!notice?.mutation) return null;
    this.store.dismissNotice(noticeId);
    const args = { ...(notice.mutation.args as Record<string, unknown>) };
    delete args.expect;
    return this.mutate(notice.mutation.name as MutatorName, args as MutatorArgs<MutatorName>);
  }
}
