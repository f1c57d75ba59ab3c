import { mergePointValue, type PointValue } from '@pulseboard/model';
import { streamTopic, type ErrorMessage, type EventMessage, type HttpStreamSnapshot, type StreamPointEvent, type StreamSnapshot as WireStreamSnapshot, type SubscribedMessage } from '@pulseboard/protocol';
import type { BackgroundSync, RefreshReason } from './background-sync.js';
import type { PersistedTopicSnapshot } from './offline-store.js';
import type { PerformanceMonitor } from './performance-monitor.js';
import type { RealtimeConfig } from './realtime-config.js';
import { StoreLease } from './store-lease.js';
import type { TopicPersistence } from './topic-persistence.js';
import { TopicStore } from './topic-store.js';
import type { StreamHandle, StreamPoint, StreamSnapshot } from './types.js';
import type { UpdateProcessor } from './update-processor.js';
import type { WebSocketManager } from './websocket-manager.js';

type Inbound = EventMessage | SubscribedMessage | ErrorMessage;

/** What a StreamStore needs from the client around it. */
export interface StreamStoreDeps {
  config: RealtimeConfig;
  connection: WebSocketManager;
  processor: UpdateProcessor;
  sync: BackgroundSync;
  monitor: PerformanceMonitor;
  persistence: TopicPersistence;
  now: () => number;
}

/**
 * One held stream: latest value and bounded history, fed by `stream:<key>` events (applied
 * once per frame, strictly in offset order: duplicates dropped, a gap resubscribes from the
 * last applied offset) and by HTTP refreshes while the socket is down.
 */
export class StreamStore extends TopicStore<Inbound, StreamSnapshot> {
  readonly key: string;
  readonly #deps: StreamStoreDeps;
  #resyncing = false;

  constructor(key: string, deps: StreamStoreDeps) {
    super(streamTopic(key), { key, latest: null, latestTs: null, history: [], lastUpdatedAt: null, offset: 0, epoch: null, loaded: false }, deps.processor);
    this.key = key;
    this.#deps = deps;
    const cached = deps.sync.cached<HttpStreamSnapshot | null>(this.topic);
    if (cached) this.#reset(cached, { epoch: cached.epoch, offset: cached.offset });
    // Before subscribing: a persisted position makes the subscribe carry `since` (a replay, not a snapshot).
    deps.persistence.whenLoaded(this.topic, (persisted) => {
      if (this.closed) return;
      if (persisted && this.#showPersisted(persisted)) {
        // The page's first live read may be on its way already (made before the saved snapshots
        // were read, as a reload's is): newer than what was saved, it replaces it when it lands,
        // unless the socket has brought something since.
        void deps.sync.fromLiveRead<HttpStreamSnapshot | null>(this.topic).then((fetched) => {
          const snap = this.getSnapshot();
          if (!this.closed && fetched && snap.epoch === persisted.epoch && snap.offset === persisted.offset) this.#applyFetched(fetched);
        });
        return;
      }
      if (deps.connection.state !== 'open' && !deps.sync.isFresh(this.topic)) void this.refresh('manual').catch(() => {});
    });
    this.cleanup.push(
      () => deps.persistence.flush(this.topic),
      deps.connection.subscribeTopic(this.topic, () => {
        const { epoch, offset } = this.getSnapshot();
        return epoch === null ? undefined : { epoch, offset };
      }),
    );
    this.cleanup.push(deps.sync.register({ topic: this.topic, refresh: (reason) => this.refresh(reason) }));
  }

  /**
   * Shows a persisted snapshot at once (instant first paint after a reload); false if unusable.
   * Its `lastUpdatedAt` is when it was saved, so freshness shows its age until events arrive.
   */
  #showPersisted(persisted: PersistedTopicSnapshot): boolean {
    const data = persisted.data as { latest?: PointValue | null; latestTs?: number | null; history?: unknown } | null;
    if (typeof data !== 'object' || data === null || !Array.isArray(data.history)) return false;
    const snap = this.getSnapshot();
    if (snap.epoch !== null && (snap.epoch !== persisted.epoch || snap.offset >= persisted.offset)) return false;
    this.#reset({ latest: data.latest ?? null, latestTs: data.latestTs ?? null, history: data.history as StreamPoint[] }, { epoch: persisted.epoch, offset: persisted.offset }, persisted.savedAt);
    return true;
  }

  /** Marks the stream for a throttled save (never per event). */
  #persistSoon(): void {
    this.#deps.persistence.changed(this.topic, () => {
      const s = this.getSnapshot();
      return s.epoch === null ? null : { epoch: s.epoch, offset: s.offset, data: { latest: s.latest, latestTs: s.latestTs, history: s.history } };
    });
  }

  /** Applies a frame's messages in offset order, then notifies once. */
  protected applyFrame(inbox: Inbound[]): void {
    const snap = this.getSnapshot();
    let { latest, latestTs, offset, epoch } = snap;
    let history: StreamPoint[] | null = null;
    let applied = 0;
    let lastTs: number | null = null;
    // Asked for at the end of the frame, once the snapshot holds the position it resumes from.
    let resubscribe = false;
    const limit = this.#deps.config.streamHistoryLimit;
    for (const message of inbox) {
      if (message.type === 'subscribed') {
        this.#deps.monitor.recordSubscribed(message);
        this.#resyncing = false;
        if (!message.recovered && message.snapshot) {
          const s = message.snapshot as WireStreamSnapshot;
          ({ latest, latestTs } = s);
          history = s.history.slice(-limit);
          offset = message.offset;
        } else if (message.epoch !== epoch) {
          offset = message.offset;
        } else {
          // A replay from behind what is applied: the points up to `offset` are already here
          // (offsets are dense and immutable), so they are dropped as duplicates, not re-added.
          offset = Math.max(offset, message.offset);
        }
        epoch = message.epoch;
        continue;
      }
      if (message.type === 'error') continue;
      if (this.#resyncing) continue;
      if (epoch === null || message.epoch !== epoch) {
        // Another epoch: the log was reset; reload from a snapshot (subscribe without a position).
        epoch = null;
        this.#resyncing = resubscribe = true;
        continue;
      }
      if (message.offset <= offset) continue;
      if (message.offset > offset + 1) {
        this.#resyncing = resubscribe = true;
        continue;
      }
      const point = message.data as StreamPointEvent;
      latest = mergePointValue(latest ?? undefined, point.value);
      latestTs = point.ts;
      offset = message.offset;
      history ??= [...snap.history];
      history.push({ ts: point.ts, value: point.value, offset: message.offset });
      applied++;
      lastTs = message.ts;
    }
    if (history && history.length > limit) history = history.slice(history.length - limit);
    this.#deps.monitor.recordEvents(applied, lastTs);
    this.update({
      latest,
      latestTs,
      offset,
      epoch,
      loaded: epoch !== null || snap.loaded,
      ...(history ? { history: Object.freeze(history) } : {}),
      ...(applied > 0 || history ? { lastUpdatedAt: this.#deps.now() } : {}),
    });
    if (applied > 0 || history) this.#persistSoon();
    if (resubscribe) this.#deps.connection.resubscribe(this.topic);
  }

  /** HTTP refresh: only used while the socket is not delivering (it would race the events). */
  async refresh(_reason: RefreshReason): Promise<void> {
    if (this.#deps.connection.state === 'open' && this.getSnapshot().epoch !== null) return;
    const fetched = await this.#deps.sync.fetchStream(this.key);
    if (this.closed || !fetched) return;
    this.#applyFetched(fetched);
  }

  /** Shows a snapshot read over HTTP: the points newer than ours in the same epoch, else the whole of it. */
  #applyFetched(fetched: HttpStreamSnapshot): void {
    const snap = this.getSnapshot();
    if (snap.epoch === fetched.epoch) {
      if (fetched.offset <= snap.offset) return;
      const newer = fetched.history.filter((p) => p.offset > snap.offset);
      const history = [...snap.history, ...newer].slice(-this.#deps.config.streamHistoryLimit);
      this.update({ latest: fetched.latest, latestTs: fetched.latestTs, offset: fetched.offset, history: Object.freeze(history), lastUpdatedAt: this.#deps.now(), loaded: true });
      this.#persistSoon();
      return;
    }
    this.#reset(fetched, { epoch: fetched.epoch, offset: fetched.offset });
    this.#persistSoon();
  }

  #reset(s: { latest: PointValue | null; latestTs: number | null; history: readonly StreamPoint[] }, position: { epoch: string; offset: number }, updatedAt = this.#deps.now()): void {
    this.update({
      latest: s.latest,
      latestTs: s.latestTs,
      history: Object.freeze(s.history.slice(-this.#deps.config.streamHistoryLimit)),
      offset: position.offset,
      epoch: position.epoch,
      loaded: true,
      lastUpdatedAt: updatedAt,
    });
  }
}

/** A holder's handle on a StreamStore. */
export class StreamHandleImpl extends StoreLease<StreamStore, StreamSnapshot> implements StreamHandle {
  readonly key: string;

  constructor(store: StreamStore, onRelease: (store: StreamStore) => void) {
    super(store, onRelease);
    this.key = store.key;
  }
}
