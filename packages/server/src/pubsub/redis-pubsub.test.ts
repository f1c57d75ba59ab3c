import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../storage/storage.js';
import { runPubSubContract } from './pubsub-contract.js';
import { RedisPubSub } from './redis-pubsub.js';
import { TEST_REDIS_URL, redisAvailable, startOwnRedis, uniqueRedisPrefix } from './redis-test-server.js';

const HAVE_REDIS = await redisAvailable('the Redis pubsub tests');
const quiet = () => {};

describe.skipIf(!HAVE_REDIS)('RedisPubSub', () => {
  runPubSubContract('RedisPubSub', () => RedisPubSub.open({ url: TEST_REDIS_URL, prefix: uniqueRedisPrefix(), onError: quiet }), {
    peer: (first) => RedisPubSub.open({ url: TEST_REDIS_URL, prefix: (first as RedisPubSub).prefix, onError: quiet }),
  });

  it('does not hear nodes that use another prefix', async () => {
    const a = await RedisPubSub.open({ url: TEST_REDIS_URL, prefix: uniqueRedisPrefix(), onError: quiet });
    const b = await RedisPubSub.open({ url: TEST_REDIS_URL, prefix: uniqueRedisPrefix(), onError: quiet });
    const heardByB: StoredEvent[] = [];
    b.subscribe((e) => heardByB.push(e));
    const event: StoredEvent = { topic: 'stream:x', epoch: 'e', offset: 1, ts: 1, data: { ts: 1, value: 1 } };
    const own = new Promise<void>((resolve) => a.subscribe(() => resolve()));
    await a.publish(event);
    await own;
    // b's own echo proves its subscription is live; it must not have had a's event.
    const echo = new Promise<void>((resolve) => b.subscribe(() => resolve()));
    await b.publish({ ...event, topic: 'stream:y' });
    await echo;
    expect(heardByB.map((e) => e.topic)).toEqual(['stream:y']);
    await a.close();
    await b.close();
  });

  it('carries transient (presence) messages between nodes', async () => {
    const prefix = uniqueRedisPrefix();
    const a = await RedisPubSub.open({ url: TEST_REDIS_URL, prefix, onError: quiet });
    const b = await RedisPubSub.open({ url: TEST_REDIS_URL, prefix, onError: quiet });
    const got = new Promise((resolve) => b.subscribeTransient(resolve));
    await a.publishTransient({ topic: 'dashboard:ops', origin: 'node-a:1', payload: '{"type":"presence"}' });
    expect(await got).toEqual({ topic: 'dashboard:ops', origin: 'node-a:1', payload: '{"type":"presence"}' });
    await a.close();
    await b.close();
  });

  it('refuses to open with a clear error when Redis cannot be reached', async () => {
    await expect(RedisPubSub.open({ url: 'redis://:pw@127.0.0.1:1', onError: quiet })).rejects.toMatchObject({
      code: 'pubsub_unavailable',
      message: expect.stringMatching(/cannot open Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/),
    });
  });

  it('reports itself disconnected while Redis is down, drops publishes without failing, and resumes when it returns', async () => {
    const redis = await startOwnRedis();
    const errors: string[] = [];
    const prefix = uniqueRedisPrefix();
    const a = await RedisPubSub.open({ url: redis.url, prefix, onError: (_e, context) => errors.push(context) });
    expect(a.connected).toBe(true);
    await redis.stop();
    await a.whenConnected(false);
    await expect(a.publish({ topic: 'stream:x', epoch: 'e', offset: 1, ts: 1, data: { ts: 1, value: 1 } })).resolves.toBeUndefined();
    await redis.start();
    await a.whenConnected(true);
    const got = new Promise<StoredEvent>((resolve) => a.subscribe(resolve));
    await a.publish({ topic: 'stream:x', epoch: 'e', offset: 2, ts: 1, data: { ts: 1, value: 2 } });
    expect((await got).offset).toBe(2);
    expect(errors).toContain('connection lost; retrying');
    await a.close();
    await redis.stop();
  });
});

