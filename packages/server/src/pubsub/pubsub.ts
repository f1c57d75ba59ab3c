import type { StoredEvent } from '../storage/storage.js';

/**
 * PubSub: carries committed events between the writer and every node's fan-out.
 * In-process by default; Redis with several nodes. A listener may receive an event more
 * than once or (with Redis) not at all: subscribers order by offset and read gaps from
 * Storage, so pubsub is a fast path, never the source of truth.
 */
export interface PubSub {
  readonly kind: 'local' | 'redis';
  /** Announces a committed event to every node (this one included). */
  publish(event: StoredEvent): Promise<void>;
  /** Registers a listener for every event; returns the unsubscribe function. */
  subscribe(listener: (event: StoredEvent) => void): () => void;
  close(): Promise<void>;
}
