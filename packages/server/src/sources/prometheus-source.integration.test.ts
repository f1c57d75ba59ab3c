import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventMessage, SourceView, StreamPointEvent } from '@pulseboard/protocol';
import { SELF_SOURCE_ID, SELF_STREAMS } from '../demo/self-monitoring.js';
import { TEST_ADMIN_TOKEN, startTestServer, type TestServer } from '../http/test-server.js';
import { TestClient } from '../ws/gateway-test-harness.js';
import { freePort, skipWithoutPrometheus, startPrometheus, type PrometheusProcess } from '@pulseboard/testing';

let t: TestServer;

let prometheus: PrometheusProcess;
let target: string;

async function askPrometheus(query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return body.data.result;
}

async function createSource(id: string, queries: unknown[], intervalMs = 60_000): Promise<SourceView> {
  const { status, body } = await t.json<SourceView>('POST', '/api/sources', { body: { kind: 'prometheus', id, url: prometheus.url, intervalMs, queries } });
  expect(status, JSON.stringify(body)).toBe(201);
  return body;
}

async function runNow(id: string): Promise<SourceView> {
  return (await t.json<SourceView>('POST', `/api/sources/${id}/run`)).body;
}

describe.skipIf(skipWithoutPrometheus())('prometheus sources against a real Prometheus scraping the server', () => {
  beforeAll(async () => {
    t = await startTestServer({ storageKind: 'memory', sourceHosts: ['127.0.0.1'] });
    target = new URL(t.server.url).host;
    prometheus = await startPrometheus(target);
    // Waits for Prometheus's first scrape of the server under test (it scrapes every second).
    await vi.waitFor(async () => expect(await askPrometheus('up{job="pulseboard"}')).toHaveLength(1), { timeout: 20_000, interval: 200 });
  }, 30_000);

  afterAll(async () => {
    await prometheus?.stop();
    await t?.stop();
  });

  it('shows the value Prometheus reports on a widget bound to a PromQL query, from the first run', async () => {
    const doc = {
      id: 'prom',
      title: 'Prometheus',
      widgets: { targets: { id: 'targets', type: 'stat', title: 'Targets x 42', layout: { x: 0, y: 0, w: 3, h: 2 }, stream: 'prom.targets', options: {} } },
    };
    expect((await t.json('POST', '/api/dashboards', { body: doc })).status).toBe(201);
    const widgetStream = (await t.json<{ widgets: Record<string, { stream: string }> }>('GET', '/api/dashboards/prom')).body.widgets.targets!.stream;

    const client = await TestClient.open(`${t.server.url.replace('http', 'ws')}/ws`);
    await client.hello({ token: TEST_ADMIN_TOKEN });
    client.send({ type: 'subscribe', topic: `stream:${widgetStream}` });
    await client.waitFor((m) => m.type === 'subscribed');

    const query = 'count(up{job="pulseboard"}) * 42';
    await createSource('prom-widget', [{ stream: widgetStream, query }], 1000);
    const event = await client.waitFor<EventMessage>((m) => m.type === 'event' && m.topic === `stream:${widgetStream}`, 10_000);
    const reported = await askPrometheus(query);
    expect((event.data as StreamPointEvent).value).toBe(Number(reported[0]!.value[1]));
    expect((event.data as StreamPointEvent).value).toBe(42);
    await client.close();
    await t.api('DELETE', '/api/sources/prom-widget');
  });

  it('writes one stream per series, named by its labels', async () => {
    await createSource('prom-series', [{ stream: 'prom.up', query: 'up' }]);
    const after = await runNow('prom-series');
    expect(after.status.state).toBe('ok');
    const key = `prom.up.${target}.pulseboard`;
    expect(after.streams).toContain(key);
    expect((await t.json('GET', `/api/streams/${key}`)).body.latest).toBe(1);
  });

  it('backfills the stream history with a range query when the source is created', async () => {
    // Waits until Prometheus holds a few seconds of samples before now, so there is history to backfill.
    await vi.waitFor(
      async () => {
        const end = Date.now() / 1000;
        const response = await fetch(`${prometheus.url}/api/v1/query_range?query=up&start=${end - 60}&end=${end}&step=1`);
        const body = (await response.json()) as { data: { result: Array<{ values: unknown[] }> } };
        expect(body.data.result[0]?.values.length ?? 0).toBeGreaterThanOrEqual(3);
      },
      { timeout: 20_000, interval: 250 },
    );
    const createdAt = Date.now();
    await createSource('prom-backfill', [{ stream: 'prom.history', query: 'count(up{job="pulseboard"})', backfill: { rangeMs: 60_000, stepMs: 1000 } }]);
    const after = await runNow('prom-backfill');
    expect(after.status.state).toBe('ok');
    const { body } = await t.json<{ history: Array<{ ts: number; value: number }> }>('GET', '/api/streams/prom.history');
    expect(body.history.length).toBeGreaterThanOrEqual(2);
    expect(body.history[0]!.ts).toBeLessThan(createdAt);
    expect(body.history.every((p) => p.value === 1)).toBe(true);
  });

  it("names Prometheus's own error text for a query that does not parse", async () => {
    await createSource('prom-bad', [{ stream: 'prom.bad', query: 'sum(' }]);
    const after = await runNow('prom-bad');
    expect(after.status.state).toBe('failing');
    expect(after.status.lastError).toMatchObject({ code: 'prometheus_error', message: expect.stringMatching(/^Prometheus: .*parse error.* \(bad_data\)$/) });
  });

  it('reports a query that returns no series as matching nothing', async () => {
    await createSource('prom-empty', [{ stream: 'prom.empty', query: 'up{job="no-such-job"}' }]);
    const after = await runNow('prom-empty');
    expect(after.status.lastError).toMatchObject({ code: 'selector_empty', message: 'query up{job="no-such-job"} returned no series' });
  });
});

describe.skipIf(skipWithoutPrometheus())('self-monitoring demo through a real Prometheus', () => {
  let server: TestServer | undefined;
  let selfPrometheus: PrometheusProcess | undefined;

  afterAll(async () => {
    await server?.stop();
    await selfPrometheus?.stop();
  });

  it('feeds the "Pulseboard" dashboard with PromQL over the server\'s own /metrics', async () => {
    // Prometheus must know the server's address before the server knows Prometheus's: pick the port first.
    const port = await freePort();
    selfPrometheus = await startPrometheus(`127.0.0.1:${port}`);
    server = await startTestServer({ port, demo: true, storageKind: 'memory', prometheusUrl: selfPrometheus.url });
    await vi.waitFor(
      async () => {
        const res = await fetch(`${selfPrometheus!.url}/api/v1/query?query=${encodeURIComponent('up{job="pulseboard"} and on() sum(pulseboard_process_resident_memory_bytes)')}`);
        expect(((await res.json()) as { data: { result: unknown[] } }).data.result).toHaveLength(1);
      },
      { timeout: 20_000, interval: 200 },
    );
    const after = (await server.json<SourceView>('POST', `/api/sources/${SELF_SOURCE_ID}/run`)).body;
    expect(after.kind).toBe('prometheus');
    expect(after.status).toMatchObject({ state: 'ok', lastError: null });
    const memory = (await server.json<{ latest: number }>('GET', `/api/streams/${SELF_STREAMS.memory}`)).body.latest;
    expect(memory).toBeGreaterThan(1);
    expect((await server.json('GET', `/api/streams/${SELF_STREAMS.health}`)).body.latest).toBe(1);
  });
});
