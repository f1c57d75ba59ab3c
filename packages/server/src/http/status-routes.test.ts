import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.js';

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

  it('reports snapshot cache statistics', async () => {
    const res = await t.json('GET', '/api/cache/status');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ hits: expect.any(Number), misses: expect.any(Number) }));
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
      'pulseboard_http_request_duration_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${series}`);
    }
    expect(text).toMatch(/pulseboard_points_pushed_total [1-9]/);
    expect(text).toContain('route="/api/streams/:key"');
  });
});
