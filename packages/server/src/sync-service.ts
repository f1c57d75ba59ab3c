import type { Dashboard, PointValue } from '@pulseboard/model';
import type { PubSub } from './pubsub/pubsub.js';
import { StreamAccess } from './stream-access.js';
import type { AppendResult, MutationInput, MutationRecord, StoredEvent, Storage, StreamLimits } from './storage/storage.js';

/** Hooks the sync service calls after each committed write (metrics). */
export interface SyncServiceObserver {
  onMutation?(record: MutationRecord, durationMs: number): void;
  onPoints?(count: number): void;
}

/**
 * The one write path: every change (WebSocket or HTTP) goes through here, is committed by
 * Storage first and only then announced on PubSub, so a subscriber never sees an event that
 * a crash could take back.
 */
export class SyncService {
  readonly storage: Storage;
  readonly pubsub: PubSub;
  readonly streamLimits: StreamLimits;
  /** Who may read which stream (HTTP reads and WebSocket subscribes ask it). */
  readonly streamAccess: StreamAccess;
  readonly #observer: SyncServiceObserver;

  constructor(options: { storage: Storage; pubsub: PubSub; streamLimits: StreamLimits; observer?: SyncServiceObserver }) {
    this.storage = options.storage;
    this.pubsub = options.pubsub;
    this.streamLimits = options.streamLimits;
    this.streamAccess = new StreamAccess(options.storage);
    this.#observer = options.observer ?? {};
  }

  async mutate(input: MutationInput): Promise<MutationRecord> {
    const started = performance.now();
    const record = await this.storage.applyMutation(input, Date.now());
    if (record.event) await this.pubsub.publish(record.event);
    this.#observer.onMutation?.(record, performance.now() - started);
    return record;
  }

  async push(batch: Array<{ key: string; points: Array<{ ts?: number; value: PointValue }> }>): Promise<AppendResult[]> {
    const results = await this.storage.appendPoints(batch, this.streamLimits, Date.now());
    let count = 0;
    // Issued in offset order without waiting for each (Redis: one pipelined write, not a round trip per point).
    await Promise.all(results.flatMap((result) => result.events.map((event) => this.pubsub.publish(event))));
    for (const result of results) count += result.events.length;
    this.#observer.onPoints?.(count);
    return results;
  }

  async createDashboard(doc: Dashboard): Promise<Dashboard> {
    return this.storage.createDashboard(doc);
  }

  async replaceDashboard(doc: Dashboard, ifVersion?: number): Promise<Dashboard> {
    const { doc: stored, event } = await this.storage.replaceDashboard(doc, { now: Date.now(), ...(ifVersion === undefined ? {} : { ifVersion }) });
    await this.pubsub.publish(event);
    return stored;
  }

  async deleteDashboard(id: string): Promise<boolean> {
    const event: StoredEvent | null = await this.storage.deleteDashboard(id, Date.now());
    if (event) await this.pubsub.publish(event);
    return event !== null;
  }
}
