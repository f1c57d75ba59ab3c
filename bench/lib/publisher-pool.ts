/**
 * The publisher: several connections, each paced by a token bucket kept below the server's
 * per-connection message rate limit (Pulseboard drops messages past 200/s), so "as fast as
 * the server accepts" measures fan-out rather than the rate limit. The same pool, with the
 * same pacing, publishes to every server kind.
 */
import { nowMs } from './rpc.js';
import { ProbeClient } from './probe-client.js';
import type { ServerInfo } from './types.js';

/** Sustained publishes per second per connection (Pulseboard's limit: 200 messages/s). */
export const PUBLISHER_RATE_PER_SEC = 180;
/** Publishes one connection may send at once (Pulseboard's burst: 400 messages). */
export const PUBLISHER_BURST = 100;

interface PacedConnection {
  probe: ProbeClient;
  tokens: number;
  refilledAt: number;
}

export class PublisherPool {
  #connections: PacedConnection[];
  #next = 0;

  private constructor(connections: PacedConnection[]) {
    this.#connections = connections;
  }

  /** Opens `size` publisher connections. */
  static async open(info: ServerInfo, size: number): Promise<PublisherPool> {
    const probes = await Promise.all(Array.from({ length: size }, (_, i) => ProbeClient.open(info, `publisher-${i}`)));
    return new PublisherPool(probes.map((probe) => ({ probe, tokens: PUBLISHER_BURST, refilledAt: nowMs() })));
  }

  /** The most publishes per second the pool will send. */
  get maxRatePerSec(): number {
    return this.#connections.length * PUBLISHER_RATE_PER_SEC;
  }

  /** Publishes on the next connection with a token; null when none has one right now. */
  tryPublish(stream: string, value: unknown): Promise<void> | null {
    const now = nowMs();
    for (let tried = 0; tried < this.#connections.length; tried++) {
      const connection = this.#connections[this.#next] as PacedConnection;
      this.#next = (this.#next + 1) % this.#connections.length;
      connection.tokens = Math.min(PUBLISHER_BURST, connection.tokens + ((now - connection.refilledAt) * PUBLISHER_RATE_PER_SEC) / 1_000);
      connection.refilledAt = now;
      if (connection.tokens >= 1) {
        connection.tokens -= 1;
        return connection.probe.publish(stream, value);
      }
    }
    return null;
  }

  /** Milliseconds until some connection will have a token. */
  msUntilToken(): number {
    const best = Math.max(...this.#connections.map((c) => c.tokens + ((nowMs() - c.refilledAt) * PUBLISHER_RATE_PER_SEC) / 1_000));
    return best >= 1 ? 0 : ((1 - best) * 1_000) / PUBLISHER_RATE_PER_SEC;
  }

  async close(): Promise<void> {
    await Promise.all(this.#connections.map((c) => c.probe.close()));
  }
}
