import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '@pulseboard/protocol';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from './http/test-server.js';
import { redisAvailable, startOwnRedis, TEST_REDIS_URL, uniqueRedisPrefix, type OwnRedis } from './pubsub/redis-test-server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './storage/postgres-test-database.js';
import { TestClient } from './ws/gateway-test-harness.js';

/**
 * Several nodes (in-process servers) over one PostgreSQL database and Redis: events and
 * presence cross nodes, and a Redis outage loses nothing (storage polling takes over).
 */

const HAVE_SERVICES = (await postgresAvailable('the scale-out tests')) && (await redisAvailable('the scale-out tests'));

const isEvent = (topic: string) => (m: ServerMessage) => m.type === 'event' && m.topic === topic;
const offsetsOf = (client: TestClient, topic: string) => client.messages.filter(isEvent(topic)).map((m) => (m as { offset: number }).offset);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function node(databaseUrl: string, redisUrl: string, redisPrefix: string): Promise<TestServer> {
  return startTestServer({
    storageKind: 'postgres',
    databaseUrl,
    redisUrl,
    redisPrefix,
    // Polling while Redis is down: short here so the test is quick. The safety poll while it is
    // up is longer than the test, so what arrives with Redis up came through Redis.
    gateway: { storagePollDegradedMs: 50, storagePollHealthyMs: 60_000 },
  });
}

/** Waits until the node reports its pubsub connected again (health is the node's own view; no event to await across processes). */
async function untilPubSubConnected(server: TestServer): Promise<void> {
  for (;;) {
    const health = await server.json<{ pubsubConnected: boolean }>('GET', '/api/health');
    if (health.body.pubsubConnected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function client(server: TestServer, topics: string[]): Promise<TestClient> {
  const ws = await TestClient.open(`${server.server.url.replace('http', 'ws')}/ws`);
  await ws.hello({ token: TEST_ADMIN_TOKEN });
  for (const topic of topics) {
    ws.send({ type: 'subscribe', topic });
    await ws.waitFor((m) => m.type === 'subscribed' && m.topic === topic);
  }
  return ws;
}

async function push(server: TestServer, key: string, value: number): Promise<void> {
  const response = await server.api('POST', `/api/streams/${key}`, { body: value });
  expect(response.status).toBe(200);
}

describe.skipIf(!HAVE_SERVICES)('several nodes over PostgreSQL and Redis', () => {
  let db: TestDatabase;
  const running: Array<{ stop(): Promise<void> }> = [];
  const sockets: TestClient[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.ws.terminate();
    for (const server of running.splice(0).reverse()) await server.stop();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('carries mutations, stream points and presence from one node to the clients of another', async () => {
    const prefix = uniqueRedisPrefix();
    const a = await node(db.url, TEST_REDIS_URL, prefix);
    const b = await node(db.url, TEST_REDIS_URL, prefix);
    running.push(a, b);
    expect((await a.json('POST', '/api/dashboards', { body: { id: 'shared', title: 'Shared' } })).status).toBe(201);
    const onA = await client(a, ['dashboard:shared', 'stream:cross.load']);
    const onB = await client(b, ['dashboard:shared', 'stream:cross.load']);
    sockets.push(onA, onB);

    onB.send({ type: 'mutate', dashboardId: 'shared', mutationId: 1, name: 'addWidget', args: { widget: { id: 'w1', type: 'stat' } } });
    await onB.waitFor((m) => m.type === 'ack' && m.mutationId === 1);
    const seenOnA = await onA.waitFor((m) => m.type === 'event' && m.topic === 'dashboard:shared');
    expect(seenOnA).toMatchObject({ offset: 1, data: { kind: 'mutation', clientId: onB.clientId, mutationId: 1 } });

    await push(a, 'cross.load', 7);
    expect(await onB.waitFor(isEvent('stream:cross.load'))).toMatchObject({ offset: 1, data: { value: 7 } });

    onA.send({ type: 'presence', dashboardId: 'shared', widgetId: 'w1', layout: { x: 1, y: 1, w: 2, h: 2 } });
    expect(await onB.waitFor((m) => m.type === 'presence')).toMatchObject({ topic: 'dashboard:shared', clientId: onA.clientId, widgetId: 'w1' });
    // The sender does not get its own presence back.
    expect(onA.messages.some((m) => m.type === 'presence')).toBe(false);
  });

  it('runs the demo feed on one node only, and on the other once the first one leaves', async () => {
    // An empty database: the demo is seeded on a first start only.
    const empty = await createTestDatabase();
    running.push({ stop: () => empty.drop() });
    const options = { storageKind: 'postgres' as const, databaseUrl: empty.url, redisUrl: TEST_REDIS_URL, redisPrefix: uniqueRedisPrefix(), demo: true };
    const a = await startTestServer(options);
    const b = await startTestServer(options);
    running.push(b);
    const holders = () => [a, b].filter((node) => node.server.singleton.holds('demo-feed')).length;
    expect(holders()).toBe(1);
    const [holder, other] = a.server.singleton.holds('demo-feed') ? [a, b] : [b, a];
    if (holder === b) running.splice(running.indexOf(b), 1, a);
    await holder.stop();
    // The leaving node released its lease: the other takes it on its next renewal (about a second).
    const watcher = await client(other, ['stream:demo.cpu.load']);
    sockets.push(watcher);
    await watcher.waitFor(isEvent('stream:demo.cpu.load'), 10_000);
    expect(other.server.singleton.holds('demo-feed')).toBe(true);
  });

  describe('when Redis goes away mid-load', () => {
    let redis: OwnRedis;
    beforeAll(async () => {
      redis = await startOwnRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('keeps delivering every acknowledged point once and in order through storage, and uses Redis again once it is back', async () => {
      const prefix = uniqueRedisPrefix();
      const a = await node(db.url, redis.url, prefix);
      const b = await node(db.url, redis.url, prefix);
      running.push(a, b);
      const topic = 'stream:outage.load';
      const onB = await client(b, [topic]);
      const onA = await client(a, [topic]);
      sockets.push(onA, onB);

      let sent = 0;
      const pushSome = async (count: number) => {
        for (let i = 0; i < count; i++) await push(a, 'outage.load', ++sent);
      };
      await pushSome(20);
      await redis.stop();
      await pushSome(20);
      await onB.waitForCount(isEvent(topic), sent, 10_000);
      await redis.start();
      await untilPubSubConnected(a);
      await untilPubSubConnected(b);
      await pushSome(20);
      await onB.waitForCount(isEvent(topic), sent, 10_000);
      await onA.waitForCount(isEvent(topic), sent, 10_000);
      expect(offsetsOf(onB, topic)).toEqual(range(1, sent));
      expect(offsetsOf(onA, topic)).toEqual(range(1, sent));
      expect(onB.messages.filter(isEvent(topic)).map((m) => (m as { data: { value: number } }).data.value)).toEqual(range(1, sent));
    });
  });
});
