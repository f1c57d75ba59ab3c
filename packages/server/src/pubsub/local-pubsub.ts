import { PulseboardError } from '@pulseboard/model';
import type { StoredEvent } from '../storage/storage.js';
import type { PubSub } from './pubsub.js';

/** What a caller passes to LocalPubSub. */
export interface LocalPubSubOptions {
  /** Told when a listener throws; the other listeners still get the event. Default: console.error. */
  onListenerError?: (error: unknown, event: StoredEvent) => void;
}

/**
 * PubSub within one process: `publish` calls every listener synchronously, in
 * subscription order, before its promise settles. The default for a single node.
 */
export class LocalPubSub implements PubSub {
  readonly kind = 'local' as const;
  readonly #listeners = new Set<(event: StoredEvent) => void>();
  readonly #onListenerError: (error: unknown, event: StoredEvent) => void;
  #closed = false;

  constructor(options: LocalPubSubOptions = {}) {
    this.#onListenerError =
      options.onListenerError ?? ((error, event) => console.error(`pubsub listener failed on ${event.topic}@${event.offset}:`, error));
  }

  async publish(event: StoredEvent): Promise<void> {
    if (this.#closed) throw new PulseboardError('pubsub_closed', 'pubsub is closed', { status: 503 });
    // Iterate a copy so a listener that (un)subscribes while notified does not skip or repeat others.
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (event: StoredEvent) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
  }
}
