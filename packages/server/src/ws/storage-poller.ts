import type { Storage, StoredEvent } from '../storage/storage.js';

/** What the poller reads and where it hands events. */
export interface StoragePollerOptions {
  storage: Storage;
  /** The topics this node fans out, with the last offset it released (null: not positioned yet). */
  positions(): Iterable<{ topic: string; offset: number | null }>;
  /** Takes in an event read from storage (the Hub drops what it already has). */
  ingest(event: StoredEvent): void;
  /** False while the pubsub bus is down. */
  connected(): boolean;
  /** Poll period while the bus is down: how late other nodes' events may be. */
  degradedIntervalMs: number;
  /** Poll period while it is up: catches a lost last message of a burst (no later event shows the gap). */
  healthyIntervalMs: number;
  /** Events read per topic per poll. */
  batchSize: number;
  onError(error: unknown, context: string): void;
}

/**
 * Reads each subscribed topic's new events straight from storage, so a node keeps serving
 * when the pubsub bus (Redis) is down or lost a message: every `degradedIntervalMs` while it
 * is down (and once just after it is back), every `healthyIntervalMs` otherwise. One bounded query per topic per poll; the
 * Hub orders and de-duplicates what arrives from both paths.
 */
export class StoragePoller {
  readonly #options: StoragePollerOptions;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #running: Promise<void> | null = null;
  #wasConnected = true;
  #lastPollAt = Date.now();

  constructor(options: StoragePollerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#schedule();
  }

  /** Stops polling and waits for a poll in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  /** Runs one poll now (also used by tests). */
  async poll(): Promise<void> {
    const { storage, batchSize } = this.#options;
    for (const { topic, offset } of [...this.#options.positions()]) {
      if (offset === null || this.#stopped) continue;
      try {
        const events = await storage.readEvents(topic, offset, batchSize);
        for (const event of events) this.#options.ingest(event);
      } catch (error) {
        this.#options.onError(error, `poll ${topic}@${offset}`);
      }
    }
  }

  /**
   * Ticks every `degradedIntervalMs` (a cheap check), so an outage is noticed within one tick
   * however long the healthy period is: polls while the bus is down, once more on the first
   * tick after it is back (messages published while it was reconnecting), and otherwise every
   * `healthyIntervalMs`.
   */
  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      const connected = this.#options.connected();
      const now = Date.now();
      const due = !connected || !this.#wasConnected || now - this.#lastPollAt >= this.#options.healthyIntervalMs;
      this.#wasConnected = connected;
      if (!due) return this.#schedule();
      this.#lastPollAt = now;
      this.#running = this.poll().finally(() => {
        this.#running = null;
        this.#schedule();
      });
    }, this.#options.degradedIntervalMs);
    this.#timer.unref();
  }
}
