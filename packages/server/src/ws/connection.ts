import type { WebSocket } from 'ws';
import type { Principal } from '../auth.js';
import type { AckWaiter, AckWaiterHost } from './ack-waiter.js';
import type { DroppedMessages } from './dropped-messages.js';
import type { Subscription } from './hub.js';
import type { OutboxTarget, OutItem } from './outbox.js';

/**
 * Where a connection is in its life:
 *
 *   awaiting-hello ──hello──▶ authenticating ──ok──▶ open ──▶ closed
 *         │                        │ bad token / protocol      ▲
 *         └── timeout / not hello ─┴──────────────────────────-┘
 */
export type ConnectionPhase = 'awaiting-hello' | 'authenticating' | 'open' | 'closed';

/**
 * The state of one WebSocket connection, kept small on purpose (thousands are open at
 * once): no timers of its own (one shared sweep serves all), queues and maps made lazily.
 */
export class Connection implements OutboxTarget, AckWaiterHost {
  readonly ws: WebSocket;
  readonly id: string;
  readonly openedAt: number;
  phase: ConnectionPhase = 'awaiting-hello';
  closed = false;
  /** The close code the server sent (or `ws` closed with after a bad frame); null until then. */
  closeCode: number | null = null;

  clientId = '';
  /** Author name recorded on this connection's mutations (hello name, else the token's name). */
  actor: string | undefined = undefined;
  principal: Principal | null = null;
  subs: Map<string, Subscription<Connection>> | null = null;

  /** The client asked for the `event-rows` encoding in its hello. */
  eventRows = false;
  /** Granted `topic-ids` (with `event-rows`): `subscribed` carries ids, and events go out under them. */
  topicIds = false;
  /** Granted `ts-base` (with `topic-ids`): the node's time base, which the times of rows under ids count from (0: not granted). */
  tsBase = 0;
  queue: OutItem[] | null = null;
  queuedBytes = 0;
  lagging = false;
  laggingNoticeAt = 0;

  lastInboundAt: number;
  lastPingAt: number;

  /** Token bucket: tokens left, when last refilled, and when the current over-limit episode began (0: none). */
  tokens: number;
  refilledAt: number;
  limitedSince = 0;
  /** Messages dropped since the last `rate_limited` report (null: none), and when that report was sent (0: never). */
  dropped: DroppedMessages | null = null;
  rateNoticeAt = 0;

  /** Raw messages that arrived while `hello` was being checked. */
  early: string[] | null = null;
  /** Mutations and publishes of this connection run one after another, in arrival order. */
  writeChain: Promise<void> | null = null;
  ackWaiter: AckWaiter | null = null;

  constructor(ws: WebSocket, id: string, now: number, burst: number) {
    this.ws = ws;
    this.id = id;
    this.openedAt = now;
    this.lastInboundAt = now;
    this.lastPingAt = now;
    this.tokens = burst;
    this.refilledAt = now;
  }

  /**
   * Takes one token for an inbound message. False when the connection is over its rate;
   * an episode ends once the bucket has refilled completely.
   */
  takeToken(now: number, perSecond: number, burst: number): boolean {
    const elapsedMs = now - this.refilledAt;
    this.refilledAt = now;
    this.tokens = Math.min(burst, this.tokens + (elapsedMs * perSecond) / 1000);
    if (this.tokens >= burst) this.limitedSince = 0;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    if (this.limitedSince === 0) this.limitedSince = now;
    return false;
  }

  /** Tokens in the bucket at `now`, without taking one. */
  tokensAt(now: number, perSecond: number, burst: number): number {
    return Math.min(burst, this.tokens + ((now - this.refilledAt) * perSecond) / 1000);
  }

  /** Runs `task` (which must not reject) after every earlier write task of this connection. */
  chain(task: () => Promise<void>): void {
    const previous = this.writeChain ?? Promise.resolve();
    const next = previous.then(task).catch(() => undefined);
    this.writeChain = next;
    void next.finally(() => {
      if (this.writeChain === next) this.writeChain = null;
    });
  }
}
