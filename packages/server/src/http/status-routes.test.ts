import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@pulseboard/protocol';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from './test-server.js';

/** Opens a socket, says hello, subscribes to `topic` and resolves with the `subscribed` answer. */
async function subscribeOnce(url: string, topic: string): Promise<{ type: string; snapshot?: unknown }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  try {
    return await new Promise((resolve, reject) => {
      socket.on('error', reject);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: TEST_ADMIN_TOKEN, clientId: 'status-test-client' })));
      socket.on('message', (data) => {
        const parsed = JSON.parse(String(data)) as { type: string } | Array<{ type: string }>;
        for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
          if (m.type === 'welcome') socket.send(JSON.stringify({ type: 'subscribe', topic }));
          if (m.type === 'subscribed' || m.type === 'error') resolve(m);
        }
      });
    });
  } finally {
    socket.close();
  }
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

describe('status routes', () => {
  it('reports health without a token', async () => {
    const res = await t.json('GET', '/api/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', storage: 'sqlite', pubsub: 'local' });
  });

  it('reports sync status: connections, topics with offsets and a client lastMutationId', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'status', title: 'Status' } });
    await t.json('POST', '/api/streams/status.metric', { body: { points: [{ value: 1 }, { value: 2 }] } });
    const res = await t.json('GET', '/api/sync/status?clientId=nobody-yet');
    expect(res.status).toBe(200);
    expect(res.body.connections).toBe(0);
    expect(res.body.lastMutationId).toBe(0);
    expect(res.body.topics).toContainEqual(expect.objectContaining({ topic: 'stream:status.metric', offset: 2 }));
    expect(res.body.topics).toContainEqual(expect.objectContaining({ topic: 'dashboard:status', offset: 0 }));
    expect((await t.json('GET', '/api/sync/status', { token: null })).status).toBe(401);
  });

  it('lists only the topics a scoped token may read', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'visible', title: 'Visible' } });
    await t.json('POST', '/api/dashboards', { body: { id: 'hidden', title: 'Hidden' } });
    await t.json('POST', '/api/streams/pushable.metric', { body: 1 });
    await t.json('POST', '/api/streams/other.metric', { body: 1 });
    const viewer = (await t.json('POST', '/api/tokens', { body: { name: 'viewer', scopes: { view: ['visible'] } } })).body.token as string;
    const pusher = (await t.json('POST', '/api/tokens', { body: { name: 'pusher', scopes: { push: ['pushable.'] } } })).body.token as string;

    const seenByViewer = (await t.json('GET', '/api/sync/status', { token: viewer })).body.topics.map((x: { topic: string }) => x.topic);
    expect(seenByViewer).toContain('dashboard:visible');
    expect(seenByViewer).not.toContain('dashboard:hidden');

    const seenByPusher = (await t.json('GET', '/api/sync/status', { token: pusher })).body.topics.map((x: { topic: string }) => x.topic);
    expect(seenByPusher).toEqual(['stream:pushable.metric']);

    const seenByAdmin = (await t.json('GET', '/api/sync/status')).body.topics.map((x: { topic: string }) => x.topic);
    expect(seenByAdmin).toEqual(expect.arrayContaining(['dashboard:visible', 'dashboard:hidden', 'stream:pushable.metric', 'stream:other.metric']));
  });

  it('counts a first snapshot read as a miss and a second one as a hit', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'cached', title: 'Cached' } });
    const before = (await t.json('GET', '/api/cache/status')).body as { hits: number; misses: number };

    expect(await subscribeOnce(t.server.url, 'dashboard:cached')).toMatchObject({ type: 'subscribed', snapshot: expect.objectContaining({ id: 'cached' }) });
    const afterMiss = await t.json('GET', '/api/cache/status');
    expect(afterMiss.status).toBe(200);
    expect(afterMiss.body).toMatchObject({ hits: before.hits, misses: before.misses + 1 });

    expect(await subscribeOnce(t.server.url, 'dashboard:cached')).toMatchObject({ type: 'subscribed' });
    const afterHit = (await t.json('GET', '/api/cache/status')).body as { hits: number; misses: number; hitRate: number };
    expect(afterHit).toMatchObject({ hits: before.hits + 1, misses: before.misses + 1 });
    expect(afterHit.hitRate).toBeCloseTo(afterHit.hits / (afterHit.hits + afterHit.misses));
    expect((await t.json('GET', '/api/cache/status', { token: null })).status).toBe(401);
  });

  it('keeps a live stream and dashboard warm: pushes and edits between reads are applied, not read again', async () => {
    await t.json('POST', '/api/streams/live.metric', { body: 0 });
    await t.json('POST', '/api/dashboards', { body: { id: 'warm', title: 'Warm' } });
    expect((await t.json('GET', '/api/streams/live.metric')).body).toMatchObject({ latest: 0 });
    expect((await t.json('GET', '/api/dashboards/warm')).body).toMatchObject({ version: 0 });
    const before = (await t.json('GET', '/api/cache/status')).body as { hits: number; misses: number };
    for (let i = 1; i <= 10; i++) {
      await t.json('POST', '/api/streams/live.metric', { body: i });
      const edit = { clientId: 'cache-status-client', mutations: [{ mutationId: i, name: 'setDashboardMeta', args: { set: { title: `Warm ${i}` } } }] };
      expect((await t.json('POST', '/api/dashboards/warm/mutations', { body: edit })).status).toBe(200);
      const stream = await t.json('GET', '/api/streams/live.metric');
      expect(stream.body).toMatchObject({ latest: i, offset: i + 1 });
      expect(stream.body.history).toHaveLength(i + 1);
      const doc = await t.json('GET', '/api/dashboards/warm');
      expect(doc.body).toMatchObject({ title: `Warm ${i}`, version: i });
      expect(doc.headers.get('etag')).toBe(`"${i}"`);
      expect(await subscribeOnce(t.server.url, 'stream:live.metric')).toMatchObject({ snapshot: expect.objectContaining({ latest: i }) });
    }
    const after = (await t.json('GET', '/api/cache/status')).body as { hits: number; misses: number };
    expect(after.misses).toBe(before.misses);
    expect(after.hits).toBe(before.hits + 30);
  });

  it('serves Prometheus metrics with every Pulseboard series', async () => {
    await t.json('POST', '/api/streams/metrics.test', { body: 1 });
    const res = await t.api('GET', '/metrics', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const series of [
      'pulseboard_ws_connections',
      'pulseboard_ws_messages_in_total',
      'pulseboard_ws_messages_out_total',
      'pulseboard_mutation_duration_seconds',
      'pulseboard_fanout_duration_seconds',
      'pulseboard_points_pushed_total',
      'pulseboard_snapshot_cache_lookups_total',
      'pulseboard_storage_reads_total',
      'pulseboard_snapshot_cache_hit_ratio',
      'pulseboard_http_request_duration_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${series}`);
    }
    expect(text).toMatch(/pulseboard_points_pushed_total [1-9]/);
    expect(text).toContain('route="/api/streams/:key"');
  });
});
