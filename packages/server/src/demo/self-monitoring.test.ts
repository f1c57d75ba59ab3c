import { afterEach, describe, expect, it } from 'vitest';
import type { SourceView } from '@pulseboard/protocol';
import { startTestServer, type TestServer } from '../http/test-server.js';
import { SELF_DASHBOARD_ID, SELF_SOURCE_ID, SELF_STREAMS } from './self-monitoring.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('self-monitoring demo', () => {
  it('seeds a "Pulseboard" dashboard fed by an http-json source on the server\'s own sync status', async () => {
    t = await startTestServer({ demo: true, storageKind: 'memory' });
    const dashboard = await t.json<{ title: string; widgets: Record<string, { stream?: string }> }>('GET', `/api/dashboards/${SELF_DASHBOARD_ID}`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.title).toBe('Pulseboard');
    const run = await t.json<SourceView>('POST', `/api/sources/${SELF_SOURCE_ID}/run`);
    expect(run.body.kind).toBe('http-json');
    expect(run.body.url).toBe(`${t.server.url}/api/sync/status`);
    expect(run.body.headers).toEqual([{ name: 'Authorization', secret: true, set: true }]);
    expect(run.body.status).toMatchObject({ state: 'ok', lastError: null });
    expect((await t.json('GET', `/api/streams/${SELF_STREAMS.connections}`)).body.latest).toEqual(expect.any(Number));
    expect((await t.json('GET', `/api/streams/${SELF_STREAMS.health}`)).body.latest).toMatchObject({ status: 'ok' });
    const shown = Object.values(dashboard.body.widgets).map((w) => w.stream).filter(Boolean);
    for (const stream of shown) expect(run.body.streams).toContain(stream);
  });

  it('reads a configured Prometheus instead', async () => {
    t = await startTestServer({ demo: true, storageKind: 'memory', prometheusUrl: 'http://127.0.0.1:9/' });
    const source = await t.json<SourceView>('GET', `/api/sources/${SELF_SOURCE_ID}`);
    expect(source.body.kind).toBe('prometheus');
    expect(source.body.queries?.map((q) => q.stream)).toContain(SELF_STREAMS.connections);
  });
});
