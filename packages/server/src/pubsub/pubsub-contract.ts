import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../storage/storage.js';
import type { PubSub } from './pubsub.js';

/** Builds a fresh pubsub node for one test; closed after the test. */
export type PubSubFactory = () => Promise<PubSub>;

export interface PubSubContractOptions {
  /**
   * A second node on the same bus as `first` (Redis: another connection). Omit for
   * in-process implementations; the cross-node tests are then skipped.
   */
  peer?: (first: PubSub) => Promise<PubSub>;
}

function event(offset: number, topic = 'stream:cpu'): StoredEvent {
  return { topic, epoch: 'e1', offset, ts: 1_700_000_000_000 + offset, data: { ts: 1_700_000_000_000, value: { n: offset, nested: [1, 2] } } };
}

/** Resolves with the first `count` events `pubsub` delivers to a new listener. */
function collect(pubsub: PubSub, count: number): { events: StoredEvent[]; done: Promise<StoredEvent[]>; stop: () => void } {
  const events: StoredEvent[] = [];
  let stop = () => {};
  const done = new Promise<StoredEvent[]>((resolve) => {
    stop = pubsub.subscribe((e) => {
      events.push(e);
      if (events.length === count) resolve(events);
    });
  });
  return { events, done, stop };
}

/**
 * The one behaviour suite every PubSub implementation passes. Delivery may be
 * asynchronous (Redis), so tests await a listener's promise, never a sleep.
 */
export function runPubSubContract(name: string, factory: PubSubFactory, options: PubSubContractOptions = {}): void {
  describe(`PubSub contract: ${name}`, () => {
    let pubsub: PubSub;
    const extra: PubSub[] = [];

    beforeEach(async () => {
      pubsub = await factory();
    });
    afterEach(async () => {
      for (const node of extra.splice(0)) await node.close();
      await pubsub.close();
    });

    it('delivers a published event, intact, to every listener on the publishing node', async () => {
      const a = collect(pubsub, 1);
      const b = collect(pubsub, 1);
      await pubsub.publish(event(1));
      expect(await a.done).toEqual([event(1)]);
      expect(await b.done).toEqual([event(1)]);
    });

    it('delivers events from one publisher in publish order', async () => {
      const got = collect(pubsub, 5);
      for (let offset = 1; offset <= 5; offset++) await pubsub.publish(event(offset, offset % 2 ? 'stream:a' : 'dashboard:b'));
      expect((await got.done).map((e) => e.offset)).toEqual([1, 2, 3, 4, 5]);
    });

    it('stops delivering to a listener once it unsubscribes', async () => {
      const leaving = collect(pubsub, 1);
      await pubsub.publish(event(1));
      await leaving.done;
      leaving.stop();
      const staying = collect(pubsub, 1);
      await pubsub.publish(event(2));
      await staying.done;
      // Delivery to one listener is delivery to all: the departed one would have it by now.
      expect(leaving.events.map((e) => e.offset)).toEqual([1]);
    });

    it('still delivers to the other listeners when one throws', async () => {
      const unsubscribe = pubsub.subscribe(() => {
        throw new Error('listener bug');
      });
      const after = collect(pubsub, 2);
      await pubsub.publish(event(1));
      await pubsub.publish(event(2));
      expect((await after.done).map((e) => e.offset)).toEqual([1, 2]);
      unsubscribe();
    });

    it('delivers a transient message to transient listeners only', async () => {
      const events = collect(pubsub, 1);
      const transient = new Promise((resolve) => pubsub.subscribeTransient(resolve));
      const message = { topic: 'dashboard:ops', origin: 'node:1', payload: '{"type":"presence"}' };
      await pubsub.publishTransient(message);
      expect(await transient).toEqual(message);
      // An event published after it arrives after it on the same bus: the event listener saw only the event.
      await pubsub.publish(event(1));
      expect(await events.done).toEqual([event(1)]);
    });

    it('closes without error, also twice', async () => {
      await pubsub.close();
      await expect(pubsub.close()).resolves.toBeUndefined();
    });

    if (options.peer) {
      const makePeer = options.peer;
      it('delivers an event published on one node to the listeners of another', async () => {
        const peer = await makePeer(pubsub);
        extra.push(peer);
        const there = collect(peer, 1);
        const here = collect(pubsub, 1);
        await pubsub.publish(event(7));
        expect(await there.done).toEqual([event(7)]);
        expect(await here.done).toEqual([event(7)]);
      });

      it('delivers a transient message published on one node to another', async () => {
        const peer = await makePeer(pubsub);
        extra.push(peer);
        const there = new Promise((resolve) => peer.subscribeTransient(resolve));
        const message = { topic: 'dashboard:ops', origin: 'a:1', payload: '{}' };
        await pubsub.publishTransient(message);
        expect(await there).toEqual(message);
      });
    }
  });
}
