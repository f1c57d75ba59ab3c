import { PulseboardError } from '@pulseboard/model';
import type { StoredEvent } from '../storage/storage.js';
import { ListenerSet } from './listener-set.js';
import type { PubSub, TransientMessage } from './pubsub.js';

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
  readonly connected = true;
  readonly #events: ListenerSet<StoredEvent>;
  readonly #transient: ListenerSet<TransientMessage>;
  #closed = false;

  constructor(options: LocalPubSubOptions = {}) {
    const onError = options.onListenerError ?? ((error, event) => console.error(`pubsub listener failed on ${event.topic}@${event.offset}:`, error));
    this.#events = new ListenerSet(onError);
    this.#transient = new ListenerSet((error) => console.error('pubsub transient listener failed:', error));
  }

  async publish(event: StoredEvent): Promise<void> {
    this.#open();
    this.#events.emit(event);
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    return this.#events.add(listener);
  }

  async publishTransient(message: TransientMessage): Promise<void> {
    this.#open();
    this.#transient.emit(message);
  }

  subscribeTransient(listener: (message: TransientMessage) => void): () => void {
    return this.#transient.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#events.clear();
    this.#transient.clear();
  }

  #open(): void {
    if (this.#closed) throw new PulseboardError('pubsub_closed', 'pubsub is closed', { status: 503 });
  }
}
