import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../storage/storage.js';
import { LocalPubSub } from './local-pubsub.js';
import { runPubSubContract } from './pubsub-contract.js';

runPubSubContract('LocalPubSub', async () => new LocalPubSub({ onListenerError: () => {} }));

const event: StoredEvent = { topic: 'stream:cpu', epoch: 'e1', offset: 1, ts: 1, data: { ts: 1, value: 1 } };

describe('LocalPubSub', () => {
  it('has called every listener by the time publish resolves', async () => {
    const pubsub = new LocalPubSub();
    const seen: number[] = [];
    pubsub.subscribe((e) => seen.push(e.offset));
    const published = pubsub.publish(event);
    expect(seen).toEqual([1]);
    await published;
  });

  it('reports a throwing listener to onListenerError with the event', async () => {
    const errors: Array<[unknown, StoredEvent]> = [];
    const pubsub = new LocalPubSub({ onListenerError: (error, e) => errors.push([error, e]) });
    const bug = new Error('bug');
    pubsub.subscribe(() => {
      throw bug;
    });
    await pubsub.publish(event);
    expect(errors).toEqual([[bug, event]]);
  });

  it('does not call a listener added while an event is being delivered for that same event', async () => {
    const pubsub = new LocalPubSub();
    const late: number[] = [];
    pubsub.subscribe(() => {
      pubsub.subscribe((e) => late.push(e.offset));
    });
    await pubsub.publish(event);
    expect(late).toEqual([]);
    await pubsub.publish({ ...event, offset: 2 });
    expect(late).toEqual([2]);
  });

  it('gives the same function subscribed twice two deliveries, and unsubscribes them one at a time', async () => {
    const pubsub = new LocalPubSub();
    const seen: number[] = [];
    const listener = (e: StoredEvent) => seen.push(e.offset);
    const first = pubsub.subscribe(listener);
    pubsub.subscribe(listener);
    await pubsub.publish(event);
    first();
    await pubsub.publish({ ...event, offset: 2 });
    expect(seen).toEqual([1, 1, 2]);
  });

  it('refuses to publish after close', async () => {
    const pubsub = new LocalPubSub();
    await pubsub.close();
    await expect(pubsub.publish(event)).rejects.toMatchObject({ code: 'pubsub_closed' });
  });
});
