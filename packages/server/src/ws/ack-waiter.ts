import type { TopicPosition } from '../storage/storage.js';

/** What the waiter needs of a subscription: its topic and the position it has been sent up to. */
interface SentPosition {
  readonly topic: string;
  readonly epoch: string;
  readonly offset: number;
  readonly ready: boolean;
  readonly removed: boolean;
}

/** What the waiter needs of a connection: where it parks, its subscriptions, whether it closed. */
export interface AckWaiterHost {
  ackWaiter: AckWaiter | null;
  readonly closed: boolean;
  readonly subs: ReadonlyMap<string, SentPosition> | null;
}

/** True when `sub` has been sent the event at `position` of its topic (or moved to another epoch). */
function hasBeenSent(sub: SentPosition, topic: string, position: TopicPosition): boolean {
  return sub.topic === topic && sub.epoch !== '' && (sub.epoch !== position.epoch || sub.offset >= position.offset);
}

/**
 * An `ack` held back until the sender, if it is subscribed to the event's topic, has been
 * sent its own event (event before ack; docs/protocol.md "Mutations"). One per connection
 * (its writes run one at a time); it settles exactly once: when the event is sent, when the
 * subscription or the connection goes away, or after the timeout.
 */
export class AckWaiter {
  readonly topic: string;
  readonly #position: TopicPosition;
  readonly #host: AckWaiterHost;
  readonly #resolve: () => void;
  readonly #timer: NodeJS.Timeout;
  #settled = false;

  private constructor(host: AckWaiterHost, event: TopicPosition & { topic: string }, timeoutMs: number, resolve: () => void) {
    this.topic = event.topic;
    this.#position = { epoch: event.epoch, offset: event.offset };
    this.#host = host;
    this.#resolve = resolve;
    this.#timer = setTimeout(() => this.settle(), timeoutMs);
  }

  /** Resolves once `host` has been sent `event` (at once when it is not subscribed, or already was). */
  static wait(host: AckWaiterHost, event: TopicPosition & { topic: string }, timeoutMs: number): Promise<void> {
    const sub = host.subs?.get(event.topic);
    if (!sub || sub.removed || host.closed) return Promise.resolve();
    if (sub.ready && hasBeenSent(sub, event.topic, event)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      host.ackWaiter = new AckWaiter(host, event, timeoutMs, resolve);
    });
  }

  /** Settles when `sub` (of this waiter's topic) has now been sent the event. */
  settleIfSent(sub: SentPosition): void {
    if (hasBeenSent(sub, this.topic, this.#position)) this.settle();
  }

  /** Settles when the connection's subscription to `topic` went away. */
  settleIfTopic(topic: string): void {
    if (topic === this.topic) this.settle();
  }

  /** Lets the ack go; idempotent. */
  settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    if (this.#host.ackWaiter === this) this.#host.ackWaiter = null;
    this.#resolve();
  }
}
