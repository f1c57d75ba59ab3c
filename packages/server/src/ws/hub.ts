import type { Storage, StoredEvent } from '../storage/storage.js';
import { SharedFrame, type OutItem } from './outbox.js';

/**
 * One connection's subscription to one topic. `epoch`/`offset` is the last position this
 * subscriber has been given (snapshot position or last event sent). Until `ready`, the hub
 * sends it nothing: the subscribe handler is still sending its snapshot or replay.
 */
export interface Subscription<C = unknown> {
  readonly conn: C;
  readonly topic: string;
  epoch: string;
  offset: number;
  ready: boolean;
  removed: boolean;
  /** The subscriber has shown a drag/resize preview others should see end when it leaves. */
  presence: boolean;
  /** The topic id its connection was told in the last `subscribed` (topic-ids feature); 0: none. */
  topicId: number;
}

export interface TopicStats {
  topic: string;
  subscribers: number;
  epoch: string | null;
  offset: number | null;
}

/** The storage no longer holds events a subscriber needs (trimmed): it must start over from a snapshot. */
export class ReplayGapError extends Error {
  constructor(topic: string, offset: number) {
    super(`events of ${topic} after offset ${offset} are no longer in the log`);
    this.name = 'ReplayGapError';
  }
}

interface TopicState<C> {
  readonly topic: string;
  readonly subs: Set<Subscription<C>>;
  /** Position of the last event released to subscribers (null: no subscriber positioned yet). */
  epoch: string | null;
  offset: number | null;
  /** Events that arrived ahead of `offset + 1` (or before any position was known), by offset. */
  pending: StoredEvent[] | null;
  filling: boolean;
}

export interface HubOptions<C> {
  storage: Storage;
  replayBatchSize: number;
  /** Hands one message to a subscriber's connection; the subscription's position is already updated. */
  deliver(sub: Subscription<C>, item: OutItem): void;
  /** Sees every committed event as it comes in, subscribed or not (the snapshot cache keeps in step). */
  onCommitted?(event: StoredEvent): void;
  onFanout?(latencyMs: number, recipients: number): void;
  onError?(error: unknown, context: string): void;
}


/**
 * Topic → subscribers, and per topic an ordering layer: events reach subscribers strictly
 * by offset, each once. Events may come in twice (PubSub and the writer's own fast path) or
 * out of order (Redis): duplicates are dropped, early ones wait in `pending` while the gap
 * is read from storage. Each released event is serialised once for all its subscribers.
 */
export class Hub<C> {
  readonly #options: HubOptions<C>;
  readonly #topics = new Map<string, TopicState<C>>();

  constructor(options: HubOptions<C>) {
    this.#options = options;
  }

  /** Registers a (not yet ready) subscription; `activate` makes it live. */
  add(conn: C, topic: string): Subscription<C> {
    let state = this.#topics.get(topic);
    if (!state) {
      state = { topic, subs: new Set(), epoch: null, offset: null, pending: null, filling: false };
      this.#topics.set(topic, state);
    }
    const sub: Subscription<C> = { conn, topic, epoch: '', offset: -1, ready: false, removed: false, presence: false, topicId: 0 };
    state.subs.add(sub);
    return sub;
  }

  remove(sub: Subscription<C>): void {
    if (sub.removed) return;
    sub.removed = true;
    sub.ready = false;
    const state = this.#topics.get(sub.topic);
    if (!state) return;
    state.subs.delete(sub);
    // Ordering state is kept only while someone listens; a new subscriber starts from storage.
    if (state.subs.size === 0) this.#topics.delete(sub.topic);
  }

  /** Live subscriptions of a topic (for presence relays). */
  subscribers(topic: string): ReadonlySet<Subscription<C>> {
    return this.#topics.get(topic)?.subs ?? new Set();
  }

  /**
   * Makes a positioned subscription live. If the topic has already released events past the
   * subscription's position, reads those from storage first, so the subscriber sees every
   * offset once, with no gap at the boundary. Throws ReplayGapError when they were trimmed.
   */
  async activate(sub: Subscription<C>): Promise<void> {
    for (;;) {
      if (sub.removed) return;
      const state = this.#topics.get(sub.topic);
      if (!state) return;
      if (state.offset === null) {
        state.epoch = sub.epoch;
        state.offset = sub.offset;
        sub.ready = true;
        this.#drain(state);
        return;
      }
      if (state.epoch !== sub.epoch || state.offset <= sub.offset) {
        sub.ready = true;
        return;
      }
      const events = await this.#options.storage.readEvents(sub.topic, sub.offset, Math.min(this.#options.replayBatchSize, state.offset - sub.offset));
      if (sub.removed) return;
      const first = events[0];
      if (!first || first.offset !== sub.offset + 1 || first.epoch !== sub.epoch) throw new ReplayGapError(sub.topic, sub.offset);
      for (const event of events) this.sendStored(sub, event);
    }
  }

  /** Sends one event read from storage to one subscriber (replay), advancing its position. */
  sendStored(sub: Subscription<C>, event: StoredEvent): void {
    sub.epoch = event.epoch;
    sub.offset = event.offset;
    this.#options.deliver(sub, new SharedFrame(event));
  }

  /**
   * Takes in a committed event — from PubSub, or from the writer itself (its fast path) — and
   * fans it out in offset order. The one way in for every committed event. Never throws.
   */
  ingestCommitted(event: StoredEvent): void {
    try {
      this.#options.onCommitted?.(event);
    } catch (error) {
      this.#options.onError?.(error, `onCommitted ${event.topic}@${event.offset}`);
    }
    const state = this.#topics.get(event.topic);
    if (!state) return;
    try {
      this.#accept(state, event);
    } catch (error) {
      this.#options.onError?.(error, `ingest ${event.topic}@${event.offset}`);
    }
  }

  stats(): TopicStats[] {
    const topics: TopicStats[] = [];
    for (const state of this.#topics.values()) {
      topics.push({ topic: state.topic, subscribers: state.subs.size, epoch: state.epoch, offset: state.offset });
    }
    return topics;
  }

  #accept(state: TopicState<C>, event: StoredEvent): void {
    if (state.offset !== null && event.epoch !== state.epoch) {
      // The log was reset (dashboard deleted and created again): follow the new epoch.
      state.epoch = event.epoch;
      state.offset = event.offset - 1;
      const pending = state.pending?.filter((e) => e.epoch === event.epoch) ?? [];
      state.pending = pending.length > 0 ? pending : null;
    }
    if (state.offset === null || event.offset > state.offset + 1) {
      this.#stash(state, event);
      if (state.offset !== null) void this.#fill(state);
      return;
    }
    if (event.offset <= state.offset) return;
    this.#release(state, event);
    if (state.pending) this.#drain(state);
  }

  #stash(state: TopicState<C>, event: StoredEvent): void {
    const pending = (state.pending ??= []);
    let i = pending.length;
    while (i > 0 && (pending[i - 1] as StoredEvent).offset > event.offset) i--;
    if (i > 0 && (pending[i - 1] as StoredEvent).offset === event.offset) return;
    pending.splice(i, 0, event);
  }

  /** Releases the pending events that are now next in line; starts a fill if a gap remains. */
  #drain(state: TopicState<C>): void {
    for (;;) {
      const next = state.pending?.[0];
      if (!next || state.offset === null) break;
      if (next.epoch !== state.epoch) {
        state.pending?.shift();
        this.#accept(state, next);
      } else if (next.offset <= state.offset) {
        state.pending?.shift();
      } else if (next.offset === state.offset + 1) {
        state.pending?.shift();
        this.#release(state, next);
      } else {
        void this.#fill(state);
        return;
      }
    }
    if (state.pending?.length === 0) state.pending = null;
  }

  /** Reads the events missing before the first pending one from storage, then releases in order. */
  async #fill(state: TopicState<C>): Promise<void> {
    if (state.filling) return;
    state.filling = true;
    try {
      for (;;) {
        if (this.#topics.get(state.topic) !== state || state.offset === null) return;
        this.#drain(state); // a no-op fill while this one runs
        const next = state.pending?.[0];
        if (!next) return;
        const from = state.offset;
        let events: StoredEvent[] = [];
        try {
          events = await this.#options.storage.readEvents(state.topic, from, Math.min(this.#options.replayBatchSize, next.offset - 1 - from));
        } catch (error) {
          this.#options.onError?.(error, `gap fill ${state.topic}@${from}`);
        }
        for (const event of events) {
          if (state.offset === null || event.epoch !== state.epoch || event.offset > state.offset + 1) break;
          if (event.offset === state.offset + 1) this.#release(state, event);
        }
        // Not in the log (trimmed, or unreadable): let subscribers see the gap and resubscribe.
        const head = state.pending?.[0];
        if (state.offset === from && head && head.epoch === state.epoch) state.offset = head.offset - 1;
      }
    } finally {
      state.filling = false;
    }
  }

  #release(state: TopicState<C>, event: StoredEvent): void {
    state.offset = event.offset;
    if (state.subs.size === 0) return;
    let frame: SharedFrame | null = null;
    let recipients = 0;
    for (const sub of state.subs) {
      if (!sub.ready || (sub.epoch === event.epoch && event.offset <= sub.offset)) continue;
      frame ??= new SharedFrame(event);
      sub.epoch = event.epoch;
      sub.offset = event.offset;
      this.#options.deliver(sub, frame);
      recipients += 1;
    }
    if (recipients > 0) this.#options.onFanout?.(Date.now() - event.ts, recipients);
  }
}
