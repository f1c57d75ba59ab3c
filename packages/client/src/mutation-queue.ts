import { mergeUnsentEdit } from './merge-unsent-edit.js';
import type { OfflineStore, PersistedClientState } from './offline-store.js';
import { Subscribable } from './subscribable.js';
import type { PendingMutation } from './types.js';

/** A queued mutation with the queue's bookkeeping (written only by the queue's own operations). */
interface QueueRecord extends PendingMutation {
  /** Not sent before this time (a debounced edit still merging), ms since epoch. */
  holdUntil: number;
  /** Sent at least once (over any transport): never merged into again. */
  transmitted: boolean;
  /** The connection generation it was last sent on (resent on every new one). */
  sentGeneration: number;
  /** welcome/ack/HTTP said the server has processed it; it is dropped once its result is settled. */
  processed: boolean;
  /**
   * Its result (an ack) arrived. A processed entry without one is sent again on every new
   * connection: the server answers the duplicate with the result it stored.
   */
  resultKnown: boolean;
  /** The offset of its event, from an `ack` that came before the event. */
  ackOffset: number | null;
}

/** A queued mutation as the rest of the client reads it (the queue's operations change it). */
export type QueueEntry = Readonly<QueueRecord>;

/** Sends one entry; false when the transport cannot take it now. */
export type QueueSender = (entry: QueueEntry) => boolean;

/**
 * The client's one outgoing queue (mutation ids count up across all dashboards, so the
 * queue is global and sent strictly in order). Every entry is persisted through the
 * OfflineStore BEFORE it is first sent: an id the server may have seen is never reused
 * after a restart, and a restored queue is replayed with the same ids (exactly once).
 */
export class MutationQueue extends Subscribable {
  readonly #store: OfflineStore;
  readonly #storeKey: string;
  readonly #now: () => number;
  #clientId: string;
  #lastAssigned = 0;
  #entries: QueueRecord[] = [];
  #byDashboard = new Map<string, readonly PendingMutation[]>();
  #generation = 0;
  #sender: QueueSender | null = null;
  #persistedUpTo = 0;
  #saving: Promise<void> = Promise.resolve();
  #saveQueued = false;
  #holdTimer: ReturnType<typeof setTimeout> | null = null;
  /** Nothing is sent before this (ms since epoch): the server asked us to slow down. */
  #pausedUntil = 0;
  #pauseTimer: ReturnType<typeof setTimeout> | null = null;
  #loaded = false;
  #closed = false;
  /** Set by the owner to learn about persistence failures. */
  onError: ((error: unknown) => void) | null = null;

  constructor(options: { store: OfflineStore; storeKey: string; clientId: string; now?: () => number }) {
    super();
    this.#store = options.store;
    this.#storeKey = options.storeKey;
    this.#clientId = options.clientId;
    this.#now = options.now ?? Date.now;
  }

  get clientId(): string {
    return this.#clientId;
  }

  get lastAssigned(): number {
    return this.#lastAssigned;
  }

  get length(): number {
    return this.#entries.length;
  }

  get entries(): readonly QueueEntry[] {
    return this.#entries;
  }

  /**
   * Loads the persisted state. A stored clientId wins over the provisional one unless the
   * caller fixed it (`keepClientId`); entries made before loading are renumbered after it.
   */
  async load(keepClientId: boolean): Promise<void> {
    let state: PersistedClientState | null = null;
    try {
      state = await this.#store.load(this.#storeKey);
    } catch (error) {
      // An unreadable store must not keep the client offline: start fresh and say so.
      this.onError?.(error);
    }
    if (state && (!keepClientId || state.clientId === this.#clientId)) {
      this.#clientId = state.clientId;
      const early = this.#entries;
      this.#lastAssigned = state.lastMutationId;
      this.#entries = state.queue.map((m) => ({ ...m, state: 'queued', holdUntil: 0, transmitted: true, sentGeneration: -1, processed: false, resultKnown: false, ackOffset: null }));
      this.#persistedUpTo = state.lastMutationId;
      for (const entry of early) this.#entries.push({ ...entry, mutationId: ++this.#lastAssigned });
    }
    this.#loaded = true;
    this.#changed(null);
    // Written in the background: the hello waits for `load`, and nothing it says needs this
    // write (a clientId that no mutation used yet may change on the next page; entries are
    // only sent after a save that holds them).
    void this.persist();
  }

  /** Where entries go when they are due; null stops sending (disconnected). */
  setSender(sender: QueueSender | null): void {
    this.#sender = sender;
    if (sender) this.flush();
  }

  /** A new connection: every entry not known processed is sent again, in order. */
  newGeneration(): void {
    this.#generation++;
    for (const entry of this.#entries) if (!entry.processed && entry.state === 'sent') entry.state = 'queued';
    this.#changed(null);
  }

  /**
   * Adds an edit, or merges it into an unsent edit of the same target (see
   * `mergeUnsentEdit`); returns the mutationId it rides on.
   */
  enqueue(dashboardId: string, name: string, args: unknown, holdMs = 0): number {
    const now = this.#now();
    const merged = mergeUnsentEdit(
      this.#entries.map((e) => ({ ...e, unsent: !e.transmitted })),
      { dashboardId, name, args },
    );
    if (merged) {
      const entry = this.#find(merged.mutationId)!;
      entry.args = merged.args;
      entry.holdUntil = Math.max(entry.holdUntil, now + holdMs);
      this.#changed(dashboardId);
      void this.persist();
      return entry.mutationId;
    }
    const entry: QueueRecord = {
      mutationId: ++this.#lastAssigned,
      dashboardId,
      name,
      args,
      createdAt: now,
      state: 'queued',
      holdUntil: now + holdMs,
      transmitted: false,
      sentGeneration: -1,
      processed: false,
      resultKnown: false,
      ackOffset: null,
    };
    this.#entries.push(entry);
    this.#changed(dashboardId);
    void this.persist();
    return entry.mutationId;
  }

  get(mutationId: number): QueueEntry | undefined {
    return this.#find(mutationId);
  }

  /** Drops a confirmed (or rolled back) entry. */
  remove(mutationId: number): QueueEntry | undefined {
    const index = this.#entries.findIndex((e) => e.mutationId === mutationId);
    if (index < 0) return undefined;
    const [entry] = this.#entries.splice(index, 1);
    this.#changed(entry!.dashboardId);
    void this.persist();
    return entry;
  }

  /** Drops every entry matching `predicate`; returns them. */
  removeWhere(predicate: (entry: QueueEntry) => boolean): QueueEntry[] {
    const removed = this.#entries.filter(predicate);
    if (removed.length === 0) return removed;
    this.#entries = this.#entries.filter((e) => !predicate(e));
    for (const dashboardId of new Set(removed.map((e) => e.dashboardId))) this.#changed(dashboardId);
    void this.persist();
    return removed;
  }

  /**
   * The server has processed every mutation up to `lastMutationId` (welcome, HTTP answer).
   * If it knows ids this install never assigned (a lost store), queued entries move past it.
   */
  serverProcessedUpTo(lastMutationId: number): void {
    if (lastMutationId > this.#lastAssigned) {
      this.#lastAssigned = lastMutationId;
      for (const entry of this.#entries) entry.mutationId = ++this.#lastAssigned;
      this.#changed(null);
      void this.persist();
      return;
    }
    for (const entry of this.#entries) {
      if (entry.mutationId <= lastMutationId && !entry.processed) {
        entry.processed = true;
        entry.transmitted = true;
      }
    }
  }

  /**
   * The server will take `expected` next but never recorded some id at or after it (a
   * refused mutation that did not advance its counter): the entries it has not accepted
   * move down to start at `expected`, in order.
   */
  renumberFrom(expected: number): void {
    const movable = this.#entries.filter((e) => e.mutationId >= expected && !e.processed);
    if (movable.length === 0 || movable[0]!.mutationId === expected) return;
    let next = expected;
    for (const entry of movable) entry.mutationId = next++;
    this.#lastAssigned = Math.max(next - 1, expected - 1);
    this.#persistedUpTo = Math.min(this.#persistedUpTo, this.#lastAssigned);
    this.#changed(null);
    void this.persist();
  }

  /**
   * The server dropped mutation `mutationId` (rate limited): after `delayMs`, it and every
   * later entry it has not accepted are sent again on this connection (with any ask for a
   * stored result among them). Nothing is sent during the pause.
   */
  resendFrom(mutationId: number, delayMs: number): void {
    for (const entry of this.#entries) {
      if (entry.mutationId < mutationId || entry.resultKnown) continue;
      entry.sentGeneration = -1;
      if (!entry.processed) entry.state = 'queued';
    }
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + delayMs);
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#pauseTimer = setTimeout(() => {
      this.#pauseTimer = null;
      this.flush();
    }, Math.max(0, this.#pausedUntil - this.#now()));
    this.#changed(null);
  }

  /** The pending entries of one dashboard, in order (identity stable until they change). */
  pendingFor(dashboardId: string): readonly PendingMutation[] {
    let list = this.#byDashboard.get(dashboardId);
    if (!list) {
      list = Object.freeze(
        this.#entries
          .filter((e) => e.dashboardId === dashboardId)
          .map((e) => Object.freeze({ mutationId: e.mutationId, dashboardId: e.dashboardId, name: e.name, args: e.args, createdAt: e.createdAt, state: e.state })),
      );
      this.#byDashboard.set(dashboardId, list);
    }
    return list;
  }

  /**
   * Entries due to go out over HTTP now, in order: persisted, not held, and either not
   * processed yet or processed with an unknown result (the answer is its stored result).
   */
  due(): QueueEntry[] {
    const now = this.#now();
    const out: QueueEntry[] = [];
    for (const entry of this.#entries) {
      if (entry.processed) {
        if (!entry.resultKnown) out.push(entry);
        continue;
      }
      if (entry.mutationId > this.#persistedUpTo || entry.holdUntil > now) break;
      out.push(entry);
    }
    return out;
  }

  /** Marks entries as sent outside the socket (HTTP fallback). */
  markSent(entries: readonly QueueEntry[]): void {
    for (const { mutationId } of entries) {
      const entry = this.#find(mutationId);
      if (!entry) continue;
      entry.transmitted = true;
      entry.state = 'sent';
    }
    if (entries.length > 0) this.#changed(null);
  }

  /**
   * An ack said the server applied it (its event at `ackOffset`, when the ack named one): it
   * is never sent again, and stays until its event is part of the confirmed state.
   */
  markProcessed(mutationId: number, ackOffset: number | null): void {
    const entry = this.#find(mutationId);
    if (!entry) return;
    entry.processed = true;
    entry.resultKnown = true;
    entry.transmitted = true;
    entry.ackOffset = ackOffset;
  }

  /**
   * Sends every due entry not yet sent on this connection, stopping at the first held one;
   * before them, once per connection, every processed entry whose result is unknown (the
   * server answers a duplicate with its stored result, in any order).
   */
  flush(): void {
    if (!this.#sender || this.#closed || !this.#loaded || this.#now() < this.#pausedUntil) return;
    for (const entry of this.#entries) {
      if (!entry.processed || entry.resultKnown || entry.sentGeneration === this.#generation) continue;
      if (!this.#sender(entry)) return;
      entry.sentGeneration = this.#generation;
    }
    const now = this.#now();
    let changed = false;
    for (const entry of this.#entries) {
      if (entry.processed) continue;
      if (entry.sentGeneration === this.#generation) continue;
      if (entry.mutationId > this.#persistedUpTo) break;
      if (entry.holdUntil > now) {
        this.#armHold(entry.holdUntil - now);
        break;
      }
      if (!this.#sender(entry)) break;
      entry.sentGeneration = this.#generation;
      entry.transmitted = true;
      if (entry.state !== 'sent') {
        entry.state = 'sent';
        this.#byDashboard.delete(entry.dashboardId);
        changed = true;
      }
    }
    if (changed) this.notify();
  }

  /** Saves the queue; resolves when everything enqueued so far is persisted. */
  persist(): Promise<void> {
    if (this.#closed || !this.#loaded) return this.#saving;
    if (this.#saveQueued) return this.#saving;
    this.#saveQueued = true;
    this.#saving = this.#saving.then(async () => {
      this.#saveQueued = false;
      const upTo = this.#lastAssigned;
      const state: PersistedClientState = {
        clientId: this.#clientId,
        lastMutationId: this.#lastAssigned,
        queue: this.#entries.map(({ mutationId, dashboardId, name, args, createdAt }) => ({ mutationId, dashboardId, name, args, createdAt })),
      };
      try {
        await this.#store.save(this.#storeKey, state);
        this.#persistedUpTo = Math.max(this.#persistedUpTo, upTo);
      } catch (error) {
        this.onError?.(error);
      }
      this.flush();
    });
    return this.#saving;
  }

  /** Stops timers and waits for the last save. */
  async close(): Promise<void> {
    if (this.#holdTimer) clearTimeout(this.#holdTimer);
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#holdTimer = this.#pauseTimer = null;
    this.#sender = null;
    await this.persist();
    this.#closed = true;
    await this.#saving;
  }

  #armHold(delayMs: number): void {
    if (this.#holdTimer) clearTimeout(this.#holdTimer);
    this.#holdTimer = setTimeout(() => {
      this.#holdTimer = null;
      this.flush();
      this.notify();
    }, delayMs);
  }

  #find(mutationId: number): QueueRecord | undefined {
    return this.#entries.find((e) => e.mutationId === mutationId);
  }

  #changed(dashboardId: string | null): void {
    if (dashboardId === null) this.#byDashboard.clear();
    else this.#byDashboard.delete(dashboardId);
    this.notify();
  }
}
