import type { StoredEvent } from '../storage/storage.js';

/**
 * A message that is announced, never stored (presence: drag previews, who-is-here). It
 * reaches every node at most once; `origin` names the sender so its own node can skip it.
 */
export interface TransientMessage {
  topic: string;
  /** `<nodeId>:<connectionId>` of the sender. */
  origin: string;
  /** The wire message to relay, already serialised. */
  payload: string;
}

/**
 * PubSub: carries committed events between the writer and every node's fan-out.
 * In-process by default; Redis with several nodes. A listener may receive an event more
 * than once or (with Redis) not at all: subscribers order by offset and read gaps from
 * Storage, so pubsub is a fast path, never the source of truth.
 */
export interface PubSub {
  readonly kind: 'local' | 'redis';
  /**
   * False while the bus cannot deliver (Redis down): events then only reach other nodes
   * through storage polling (ws/storage-poller.ts). Always true for LocalPubSub.
   */
  readonly connected: boolean;
  /** Announces a committed event to every node (this one included). Never rejects because the bus is down. */
  publish(event: StoredEvent): Promise<void>;
  /** Registers a listener for every event; returns the unsubscribe function. */
  subscribe(listener: (event: StoredEvent) => void): () => void;
  /** Announces a transient message to every node (this one included); lost while the bus is down. */
  publishTransient(message: TransientMessage): Promise<void>;
  /** Registers a listener for transient messages; returns the unsubscribe function. */
  subscribeTransient(listener: (message: TransientMessage) => void): () => void;
  close(): Promise<void>;
}
