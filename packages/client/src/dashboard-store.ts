import { dashboardTopic, type AckMessage, type ErrorMessage, type EventMessage, type ServerPresenceMessage, type SubscribedMessage } from '@pulseboard/protocol';
import { isPulseboardError, type Dashboard, type Layout, type MutatorArgs, type MutatorName } from '@pulseboard/model';
import type { BackgroundSync, RefreshReason } from './background-sync.js';
import type { MutationQueue, QueueEntry } from './mutation-queue.js';
import type { PerformanceMonitor } from './performance-monitor.js';
import { RealtimeState, type DashboardEvent } from './realtime-state.js';
import type { RealtimeConfig } from './realtime-config.js';
import { StoreLease } from './store-lease.js';
import { Subscribable } from './subscribable.js';
import type { DashboardHandle, DashboardSnapshot, EditOptions, PresenceEntry, SyncStatus } from './types.js';
import type { UpdateProcessor } from './update-processor.js';
import type { WebSocketManager } from './websocket-manager.js';

type Inbound = EventMessage | SubscribedMessage | AckMessage | ErrorMessage | ServerPresenceMessage;

/** What a DashboardStore needs from the client around it. */
export interface DashboardStoreDeps {
  config: RealtimeConfig;
  connection: WebSocketManager;
  queue: MutationQueue;
  processor: UpdateProcessor;
  sync: BackgroundSync;
  monitor: PerformanceMonitor;
  now: () => number;
}

/**
 * One held dashboard: its RealtimeState fed by the socket (events, subscribed, acks,
 * presence — buffered and applied once per frame) and by HTTP refreshes, its pending
 * mutations taken from the client's queue, and one immutable snapshot for every holder.
 */
export class DashboardStore extends Subscribable {
  readonly id: string;
  readonly topic: string;
  readonly state: RealtimeState;
  readonly #deps: DashboardStoreDeps;
  #inbox: Inbound[] = [];
  #snapshot: DashboardSnapshot;
  #error: { code: string; message: string } | null = null;
  #loaded = false;
  #lastSyncedAt: number | null = null;
  #presence: Readonly<Record<string, PresenceEntry>> = {};
  /** A resubscribe was asked for (gap/epoch): drop events until its `subscribed` comes. */
  #resyncing = false;
  /** After a reconnect: the server's version, so leftovers of the welcome can be settled. */
  #catchUpTo: number | null = null;
  /**
   * Mutations of mine that were sent but had no known result when an HTTP document replaced
   * the confirmed state: their event may be inside it (so it will not be replayed), and
   * not seeing it proves nothing. Before one is rolled back as not applied, the server is
   * asked for its stored result (resent: a duplicate is answered with its original ack).
   */
  readonly #maybeCovered = new Set<number>();
  /** mutationId → the connection its result was asked for on (asked once per connection). */
  readonly #asked = new Map<number, string>();
  /** A newer version seen over HTTP while the socket is open (safety net against lost events). */
  #suspectVersion: number | null = null;
  #presenceTimer: ReturnType<typeof setTimeout> | null = null;
  #presenceOut: { widgetId: string | null; layout: Layout | null; join?: boolean } | null = null;
  /** What this viewer announces (null until the app calls `setPresence`: presence is opt-in). */
  #presenceState: { editing: boolean; selectedId: string | null } | null = null;
  #previewing: { widgetId: string | null; layout: Layout | null } = { widgetId: null, layout: null };
  readonly #cleanup: Array<() => void> = [];
  #refCount = 0;
  #closed = false;
  /** Inside flushFrame: queue changes (own events, acks) wait for the frame's one publish. */
  #inFrame = false;

  constructor(id: string, deps: DashboardStoreDeps, clientId: () => string) {
    super();
    this.id = id;
    this.topic = dashboardTopic(id);
    this.#deps = deps;
    this.state = new RealtimeState({ dashboardId: id, clientId, maxNotices: deps.config.maxNotices, now: deps.now });
    const cached = deps.sync.cached<Dashboard>(this.topic);
    if (cached) {
      // Stale-while-revalidate: show the cached document at once; the socket/HTTP refresh it.
      this.state.reset(cached, null);
      this.#loaded = true;
    }
    this.state.setPending(deps.queue.pendingFor(id));
    this.#snapshot = this.#buildSnapshot();
    this.#cleanup.push(deps.connection.subscribeTopic(this.topic, () => this.state.position ?? undefined));
    this.#cleanup.push(deps.sync.register({ topic: this.topic, refresh: (reason) => this.refresh(reason) }));
    this.#cleanup.push(deps.queue.subscribe(() => this.#onQueueChange()));
    this.#cleanup.push(deps.connection.subscribe(() => this.#publish()));
    if (deps.connection.state !== 'open' && !deps.sync.isFresh(this.topic)) void this.refresh('manual').catch(() => {});
  }

  get refCount(): number {
    return this.#refCount;
  }

  retain(): void {
    this.#refCount++;
  }

  /** Drops one holder; true when it was the last (the caller then closes the store). */
  releaseOne(): boolean {
    this.#refCount = Math.max(0, this.#refCount - 1);
    return this.#refCount === 0;
  }

  getSnapshot = (): DashboardSnapshot => this.#snapshot;

  /** Buffers one inbound message; it is applied in the next frame. */
  enqueue(message: Inbound): void {
    if (this.#closed) return;
    this.#inbox.push(message);
    this.#deps.processor.schedule(this);
  }

  /** Applies everything buffered since the last frame, rebases once and notifies once. */
  flushFrame(): void {
    if (this.#closed) return;
    const inbox = this.#inbox;
    this.#inbox = [];
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
          this.onAck(message);
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

  /** Applies an ack (from the socket, or an HTTP fallback result). */
  onAck(ack: Pick<AckMessage, 'mutationId' | 'status' | 'offset' | 'conflicts' | 'error'>): void {
    const { queue } = this.#deps;
    const entry = queue.get(ack.mutationId);
    if (!entry) return;
    this.#maybeCovered.delete(ack.mutationId);
    this.#asked.delete(ack.mutationId);
    if (ack.status === 'rejected' || ack.status === 'superseded') {
      if (ack.error?.code === 'out_of_order') return;
      queue.remove(ack.mutationId);
      // Processed, but its result is no longer kept: the document shows what happened; claim nothing.
      if (ack.error?.code !== 'result_expired') this.#rollbackNotice(entry, ack.status, ack.error);
      return;
    }
    entry.serverApplied = true;
    entry.transmitted = true;
    if (ack.status === 'conflict' && ack.conflicts && !this.state.hasNotice(ack.mutationId, 'conflict')) {
      this.state.conflictNotice(entry, ack.conflicts);
    }
    const position = this.state.position;
    if (ack.offset !== undefined && position && ack.offset <= position.offset) queue.remove(ack.mutationId);
    else entry.ackOffset = ack.offset ?? null;
  }

  /** Refreshes over HTTP (background sync calls it; de-duplicated per id there). */
  async refresh(reason: RefreshReason): Promise<void> {
    let doc: Dashboard;
    try {
      // After a reconnect the version read must postdate the welcome (it is the catch-up target):
      // an older request still in flight may not include this client's own processed edits.
      ({ doc } = await this.#deps.sync.fetchDashboard(this.id, { fresh: reason === 'reconnect' }));
    } catch (error) {
      if (isPulseboardError(error) && (error.status === 404 || error.status === 403)) {
        this.#error = { code: error.code, message: error.message };
        this.#loaded = true;
        this.#publish();
        return;
      }
      throw error;
    }
    if (this.#closed) return;
    const confirmed = this.state.confirmed;
    const socketLive = this.#deps.connection.state === 'open' && this.state.position !== null && !this.#resyncing;
    if (socketLive && confirmed) {
      if (reason === 'reconnect') this.#catchUpTo = doc.version;
      if (doc.version > confirmed.version) {
        // Events may still be on their way; only a version that stays ahead means loss.
        if (this.#suspectVersion !== null && confirmed.version < this.#suspectVersion) this.#resubscribe();
        else this.#suspectVersion = doc.version;
      } else this.#suspectVersion = null;
      this.#settleCatchUp();
      this.#publish();
      return;
    }
    if (!confirmed || doc.version > confirmed.version || !this.#loaded) {
      const position = this.state.position;
      for (const e of this.#deps.queue.entries) {
        if (e.dashboardId === this.id && e.transmitted && e.ackOffset === null) this.#maybeCovered.add(e.mutationId);
      }
      this.state.reset(doc, position ? { epoch: position.epoch, offset: doc.version } : null);
      this.#afterReset(doc.version, false);
    }
    this.#loaded = true;
    this.#error = null;
    this.#lastSyncedAt = this.#deps.now();
    this.#publish();
  }

  /** Applies a local mutation optimistically and queues it. */
  mutate<N extends MutatorName>(name: N, args: MutatorArgs<N>, options: EditOptions = {}): number | null {
    if (this.#closed) return null;
    const { queue, config } = this.#deps;
    if (queue.length >= config.maxPendingMutations) return null;
    const holdMs = options.debounce === true ? config.textEditDebounceMs : typeof options.debounce === 'number' ? options.debounce : 0;
    const withExpect = options.expect ? { ...(args as object), expect: options.expect } : args;
    return queue.enqueue(this.id, name, withExpect, holdMs);
  }

  /** Local drag/resize preview, shown at once and relayed (throttled) as presence. */
  previewLayout(widgetId: string, layout: Layout | null): void {
    if (this.#closed) return;
    this.state.setPreview(widgetId, layout);
    this.#sendPresence(layout ? widgetId : null, layout);
    this.#publish();
  }

  /** Announces this viewer to the others (editing or not, the selected widget); see docs/protocol.md "Presence". */
  setPresence(state: { editing: boolean; selectedId: string | null }): void {
    if (this.#closed) return;
    const first = this.#presenceState === null;
    this.#presenceState = { ...state };
    this.#sendPresence(this.#previewing.widgetId, this.#previewing.layout, first && this.#loaded);
  }

  dismissNotice(id: string): void {
    if (this.state.dismissNotice(id)) this.#publish();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    this.#presenceTimer = null;
    for (const fn of this.#cleanup.splice(0)) fn();
    this.#inbox = [];
  }

  #onEvent(message: EventMessage): boolean {
    if (this.#resyncing) return false;
    const result = this.state.applyEvent(message as DashboardEvent);
    switch (result.kind) {
      case 'applied':
        if (result.mine !== null) this.#onOwnEvent(result.mine);
        this.#settleCatchUp();
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

  /**
   * My event arrived: drop that mutation. Any earlier entry of mine on this dashboard that
   * the server processed but that produced no event before it was rejected or superseded
   * while its ack was lost (my events come in mutationId order).
   */
  #onOwnEvent(mutationId: number): void {
    const { queue } = this.#deps;
    queue.remove(mutationId);
    this.#maybeCovered.delete(mutationId);
    this.#asked.delete(mutationId);
    this.#settleUnseen((e) => e.mutationId < mutationId);
  }

  /**
   * Processed entries (welcome) matching `which` whose event the replay has passed without
   * showing them: rolled back as not applied, unless an HTTP document may hold their event
   * (then the server is asked for their result first).
   */
  #settleUnseen(which: (entry: QueueEntry) => boolean): void {
    const { queue, connection } = this.#deps;
    const unseen = (e: QueueEntry) => e.dashboardId === this.id && e.serverApplied && e.ackOffset === null && which(e);
    const connectionId = connection.getSnapshot().connectionId;
    for (const entry of queue.entries.filter((e) => unseen(e) && this.#maybeCovered.has(e.mutationId))) {
      if (connectionId === null || this.#asked.get(entry.mutationId) === connectionId) continue;
      this.#asked.set(entry.mutationId, connectionId);
      connection.send({ type: 'mutate', dashboardId: entry.dashboardId, mutationId: entry.mutationId, name: entry.name, args: entry.args });
    }
    const lost = queue.removeWhere((e) => unseen(e) && !this.#maybeCovered.has(e.mutationId));
    for (const entry of lost) this.#rollbackNotice(entry, 'rejected', { code: 'not_applied', message: 'the server did not apply this edit' });
  }

  #onSubscribed(message: SubscribedMessage): void {
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
      this.#afterReset(message.offset, true);
    }
  }

  /** A snapshot at `version` replaced the confirmed state: settle what it already contains. */
  #afterReset(version: number, complete: boolean): void {
    const { queue } = this.#deps;
    queue.removeWhere((e) => e.dashboardId === this.id && e.serverApplied && (e.ackOffset === null ? complete : e.ackOffset <= version));
    this.#catchUpTo = null;
    this.#suspectVersion = null;
  }

  /** Once the confirmed state reached the version seen after a reconnect, the welcome's leftovers are settled. */
  #settleCatchUp(): void {
    const position = this.state.position;
    if (this.#catchUpTo === null || !position || position.offset < this.#catchUpTo) return;
    this.#catchUpTo = null;
    this.#deps.queue.removeWhere((e) => e.dashboardId === this.id && e.serverApplied && e.ackOffset !== null && e.ackOffset <= position.offset);
    this.#settleUnseen(() => true);
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

  #rollbackNotice(entry: { mutationId: number; name: string; args: unknown }, status: 'rejected' | 'superseded', error?: { code: string; message: string }): void {
    const target = (entry.args as { id?: unknown } | null)?.id;
    const deleter = typeof target === 'string' ? this.state.confirmed?.writers[`w:${target}:deleted`] : undefined;
    const who = deleter ? (deleter.name ?? deleter.clientId) : null;
    this.state.addNotice({
      kind: status,
      message:
        status === 'superseded'
          ? `your ${entry.name} no longer applies${who ? `: ${who} deleted the widget` : ''}`
          : `your ${entry.name} was refused: ${error?.message ?? 'rejected by the server'}`,
      mutation: { mutationId: entry.mutationId, name: entry.name, args: entry.args },
      ...(deleter ? { by: { clientId: deleter.clientId, ...(deleter.name ? { name: deleter.name } : {}) } } : {}),
      fields: typeof target === 'string' ? [`w:${target}:*`] : [],
      ...(error ? { error } : {}),
    });
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
    return this.state.pending.length > 0 || this.#resyncing ? 'pending' : 'synced';
  }

  #buildSnapshot(): DashboardSnapshot {
    return Object.freeze({
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
    });
  }

  /** Replaces the snapshot when anything in it changed, and notifies once. */
  #publish(): void {
    if (this.#closed) return;
    const next = this.#buildSnapshot();
    const prev = this.#snapshot;
    const same = (Object.keys(next) as Array<keyof DashboardSnapshot>).every((k) => Object.is(prev[k], next[k]));
    if (same) return;
    this.#snapshot = next;
    this.notify();
  }
}

/** A holder's handle on a DashboardStore; `release()` gives it back (idempotent). */
export class DashboardHandleImpl extends StoreLease<DashboardStore, DashboardSnapshot> implements DashboardHandle {
  readonly id: string;

  constructor(store: DashboardStore, onRelease: (store: DashboardStore) => void) {
    super(store, onRelease);
    this.id = store.id;
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
