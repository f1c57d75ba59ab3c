import { Redis } from 'ioredis';
import { PulseboardError } from '@pulseboard/model';
import { redactUrl } from '../redact-url.js';
import type { StoredEvent } from '../storage/storage.js';
import { ListenerSet } from './listener-set.js';
import type { PubSub, TransientMessage } from './pubsub.js';

/** Channel-name prefix unless told otherwise: every node of one deployment must use the same. */
export const DEFAULT_REDIS_PREFIX = 'pulseboard:';
/** Longest wait between reconnection attempts while Redis is down. */
export const REDIS_MAX_RETRY_DELAY_MS = 2_000;
/** How long `open` waits for Redis before failing the start. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/** What a caller passes to open a Redis pubsub. */
export interface RedisPubSubOptions {
  /** `redis://host:port` (or `rediss://` for TLS). */
  url: string;
  /** Channel-name prefix (tests use their own). Default `pulseboard:`. */
  prefix?: string;
  /** Told about a listener that threw, a message that could not be parsed, or a lost connection. */
  onError?: (error: unknown, context: string) => void;
}

/**
 * PubSub over Redis PUBLISH/SUBSCRIBE, one connection to publish and one to listen (a
 * subscribed connection can do nothing else). A node hears its own events back through
 * Redis too. While Redis is down `publish` drops the message (the event is committed; other
 * nodes read it from storage by polling, see ws/storage-poller.ts) and `connected` is false;
 * ioredis reconnects and resubscribes on its own.
 */
export class RedisPubSub implements PubSub {
  readonly kind = 'redis' as const;
  readonly prefix: string;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #eventsChannel: string;
  readonly #transientChannel: string;
  readonly #events: ListenerSet<StoredEvent>;
  readonly #transient: ListenerSet<TransientMessage>;
  readonly #onError: (error: unknown, context: string) => void;
  readonly #connection = new ListenerSet<boolean>(() => {});
  #wasConnected = false;
  #closed = false;

  private constructor(options: RedisPubSubOptions) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.#eventsChannel = `${this.prefix}events`;
    this.#transientChannel = `${this.prefix}transient`;
    this.#onError = options.onError ?? ((error, context) => console.error(`redis pubsub: ${context}:`, error));
    this.#events = new ListenerSet((error, event) => this.#onError(error, `listener failed on ${event.topic}@${event.offset}`));
    this.#transient = new ListenerSet((error) => this.#onError(error, 'transient listener failed'));
    const connection = {
      lazyConnect: true,
      // Commands fail at once while disconnected instead of queueing behind an outage.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, REDIS_MAX_RETRY_DELAY_MS),
    };
    // Auto-pipelining: the publishes of one batch push go out in one write.
    this.#publisher = new Redis(options.url, { ...connection, enableAutoPipelining: true });
    // The subscriber queues its SUBSCRIBE until connected and resubscribes after each reconnect.
    this.#subscriber = new Redis(options.url, { ...connection, enableOfflineQueue: true, maxRetriesPerRequest: null });
    for (const client of [this.#publisher, this.#subscriber]) {
      // Connection errors repeat on every reconnect attempt; the loss itself is reported once, below.
      client.on('error', () => {});
      client.on('ready', () => this.#connectionChanged());
      client.on('close', () => this.#connectionChanged());
    }
    this.#subscriber.on('message', (channel: string, message: string) => this.#receive(channel, message));
  }

  /** Connects both connections and subscribes; rejects with a message naming the URL when Redis cannot be reached. */
  static async open(options: RedisPubSubOptions): Promise<RedisPubSub> {
    const pubsub = new RedisPubSub(options);
    try {
      await Promise.all([pubsub.#publisher.connect(), pubsub.#subscriber.connect()]);
      await pubsub.#subscriber.subscribe(pubsub.#eventsChannel, pubsub.#transientChannel);
    } catch (error) {
      await pubsub.close();
      const reason = error instanceof Error ? error.message : String(error);
      throw new PulseboardError('pubsub_unavailable', `cannot open Redis at ${redactUrl(options.url)}: ${reason}`, { status: 503, cause: error });
    }
    return pubsub;
  }

  get connected(): boolean {
    return !this.#closed && this.#publisher.status === 'ready' && this.#subscriber.status === 'ready';
  }

  /** Calls `listener` with the new value of `connected` each time it changes; returns the unsubscribe function. */
  onConnectionChange(listener: (connected: boolean) => void): () => void {
    return this.#connection.add(listener);
  }

  /** Resolves once `connected` equals `value`. */
  whenConnected(value: boolean): Promise<void> {
    if (this.connected === value) return Promise.resolve();
    return new Promise((resolve) => {
      const stop = this.onConnectionChange((now) => {
        if (now !== value) return;
        stop();
        resolve();
      });
    });
  }

  async publish(event: StoredEvent): Promise<void> {
    await this.#send(this.#eventsChannel, JSON.stringify(event));
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    return this.#events.add(listener);
  }

  async publishTransient(message: TransientMessage): Promise<void> {
    await this.#send(this.#transientChannel, JSON.stringify(message));
  }

  subscribeTransient(listener: (message: TransientMessage) => void): () => void {
    return this.#transient.add(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.clear();
    this.#transient.clear();
    this.#connection.clear();
    // disconnect() rather than quit(): quit waits for a reply that never comes while Redis is down.
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }

  async #send(channel: string, message: string): Promise<void> {
    if (this.#closed) throw new PulseboardError('pubsub_closed', 'pubsub is closed', { status: 503 });
    try {
      await this.#publisher.publish(channel, message);
    } catch (error) {
      // The write is already committed: losing the fast path is not the caller's failure.
      this.#onError(error, `publish on ${channel} dropped`);
    }
  }

  #connectionChanged(): void {
    const now = this.connected;
    if (now === this.#wasConnected) return;
    this.#wasConnected = now;
    if (!now && !this.#closed) this.#onError(new Error('Redis connection lost'), 'connection lost; retrying');
    this.#connection.emit(now);
  }

  #receive(channel: string, message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch (error) {
      this.#onError(error, `unreadable message on ${channel}`);
      return;
    }
    if (channel === this.#eventsChannel) this.#events.emit(parsed as StoredEvent);
    else if (channel === this.#transientChannel) this.#transient.emit(parsed as TransientMessage);
  }
}
