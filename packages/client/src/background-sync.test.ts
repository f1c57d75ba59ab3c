import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackgroundSync } from './background-sync.js';
import { EnvironmentManager } from './environment-manager.js';
import { createPulseboardClient } from './pulseboard-client.js';
import { FakeDashboardLog, fakeFetch } from './testing/fixtures.js';
import { FakeWebSocket } from './testing/fake-web-socket.js';
import type { PulseboardClient } from './types.js';

const ME = 'client-me-0001';
const settle = () => vi.advanceTimersByTimeAsync(0);

let clients: PulseboardClient[] = [];

/** A client whose socket never connects (every attempt closes), with an HTTP server stub. */
async function setup(config: Record<string, number> = {}, server: { live?: boolean } = {}) {
  const environment = new EnvironmentManager({ attach: false });
  const log = new FakeDashboardLog();
  const applied: number[] = [];
  let streamReads = 0;
  const http = fakeFetch((method, path, init) => {
    if (method === 'GET' && path === '/api/dashboards/ops') {
      const etag = `"${log.doc.version}"`;
      const headers = (init.headers ?? {}) as Record<string, string>;
      if (headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
      return { status: 200, body: log.doc, headers: { etag } };
    }
    if (method === 'GET' && path === '/api/streams/cpu') {
      streamReads++;
      const history = Array.from({ length: streamReads * 2 }, (_, i) => ({ ts: 1_000 + i, value: i, offset: i + 1 }));
      return { status: 200, body: { key: 'cpu', latest: history.at(-1)!.value, latestTs: history.at(-1)!.ts, history, epoch: 's1', offset: history.length } };
    }
    if (method === 'GET' && path === '/api/dashboards/ops/live' && server.live !== false) {
      const history = [{ ts: 1_000, value: 7, offset: 1 }];
      return { status: 200, body: { dashboard: log.doc, epoch: log.epoch, streams: { cpu: { key: 'cpu', latest: 7, latestTs: 1_000, history, epoch: 's1', offset: 1 } } } };
    }
    if (method === 'GET' && path === '/api/dashboards/missing') return { status: 404, body: { error: { code: 'not_found', message: 'dashboard "missing" does not exist' } } };
    if (method === 'POST' && path === '/api/dashboards/ops/mutations') {
      const body = JSON.parse(String(init.body)) as { clientId: string; mutations: Array<{ mutationId: number; name: string; args: unknown }> };
      const results = body.mutations.map((m) => {
        const event = log.apply(body.clientId, m.mutationId, m.name, m.args);
        applied.push(m.mutationId);
        return event ? { mutationId: m.mutationId, status: 'applied', offset: event.offset, conflicts: [], duplicate: false } : { mutationId: m.mutationId, status: 'rejected', conflicts: [], duplicate: false, error: { code: 'x', message: 'no' } };
      });
      return { status: 200, body: { dashboardId: 'ops', clientId: body.clientId, lastMutationId: Math.max(...applied), results } };
    }
    return { status: 404, body: { error: { code: 'not_found', message: path } } };
  });
  const client = createPulseboardClient(
    { url: 'http://server.test', clientId: ME, WebSocket: FakeWebSocket, fetch: http.fetch, config: { refreshIntervalMs: 10_000, staleTimeMs: 1_000, httpFallbackAfterMs: 2_000, httpFallbackIntervalMs: 1_000, ...config } },
    { environment, random: () => 0.5 },
  );
  clients.push(client);
  await client.ready;
  return { client, environment, http, log, applied };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
});
afterEach(async () => {
  for (const client of clients) await client.close();
  clients = [];
  vi.useRealTimers();
});

describe('BackgroundSync', () => {
  it('loads a dashboard over HTTP while the socket is not open, then revalidates with If-None-Match (a 304 is a cache hit)', async () => {
    const { client, http } = await setup();
    const handle = client.dashboard('ops');
    await settle();
    expect(handle.getSnapshot()).toMatchObject({ loaded: true, status: 'offline' });
    expect(handle.getSnapshot().confirmed!.version).toBe(2);
    await client.sync.refreshNow();
    expect(http.calls.map((c) => c.headers['if-none-match'] ?? null)).toEqual([null, '"2"']);
    expect(client.monitor.getSnapshot()).toMatchObject({ cacheHits: 1, cacheMisses: 1, cacheHitRate: 0.5 });
  });

  it('revalidates with the version the socket brought it to, so a live dashboard refresh is a 304 hit', async () => {
    const { client, http, log } = await setup();
    const handle = client.dashboard('ops');
    await settle();
    FakeWebSocket.last.handshake();
    FakeWebSocket.last.serverSend(log.subscribed());
    await vi.advanceTimersByTimeAsync(16);
    for (let x = 1; x <= 3; x++) FakeWebSocket.last.serverSend(log.apply('client-alice-01', x, 'moveWidget', { id: 'a', x, y: 0 })!);
    await vi.advanceTimersByTimeAsync(16);
    expect(handle.getSnapshot().confirmed!.version).toBe(5);
    const before = client.monitor.getSnapshot().cacheHits;
    await client.sync.refreshNow();
    expect(http.calls.at(-1)!.headers['if-none-match']).toBe('"5"');
    expect(client.monitor.getSnapshot().cacheHits).toBe(before + 1);
  });

  it('with { streams: true } and no socket, loads the dashboard and its widgets\' streams in one request', async () => {
    const { client, http, log } = await setup();
    log.apply('seed', 1, 'updateWidget', { id: 'a', set: { stream: 'cpu' } });
    log.apply('seed', 2, 'updateWidget', { id: 'b', set: { stream: 'idle' } });
    const handle = client.dashboard('ops', { streams: true });
    await settle();
    expect(handle.getSnapshot()).toMatchObject({ loaded: true, error: null });
    expect(handle.getSnapshot().confirmed!.version).toBe(log.doc.version);
    // The widgets' streams were held from the answer: values at once, and no request per stream
    // (also none for 'idle', which the answer left out as empty).
    expect(client.stream('cpu').getSnapshot()).toMatchObject({ latest: 7, offset: 1, epoch: 's1', loaded: true });
    await settle();
    expect(http.calls.map((c) => c.path)).toEqual(['/api/dashboards/ops/live']);
    // The answer carried positions: the subscribes ask only for what came after them.
    FakeWebSocket.last.handshake();
    await settle();
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([
      { type: 'subscribe', topic: 'dashboard:ops', since: { epoch: log.epoch, offset: log.doc.version } },
      { type: 'subscribe', topic: 'stream:cpu', since: { epoch: 's1', offset: 1 } },
      { type: 'subscribe', topic: 'stream:idle' },
    ]);
  });

  it('with { streams: true } against a server without the live route, falls back to the dashboard alone', async () => {
    const { client, http } = await setup({}, { live: false });
    const handle = client.dashboard('ops', { streams: true });
    await settle();
    expect(handle.getSnapshot()).toMatchObject({ loaded: true, error: null });
    expect(http.calls.map((c) => c.path)).toEqual(['/api/dashboards/ops/live', '/api/dashboards/ops']);
  });

  it('keeps one request in flight per key', async () => {
    const { client, http } = await setup();
    const sync = client.sync as BackgroundSync;
    await Promise.all([sync.fetchDashboard('ops'), sync.fetchDashboard('ops'), sync.fetchDashboard('ops')]);
    expect(http.calls).toHaveLength(1);
  });

  it('serves the cached document at once to a new holder (stale-while-revalidate)', async () => {
    const { client, http } = await setup();
    const first = client.dashboard('ops');
    await settle();
    first.release();
    const second = client.dashboard('ops');
    expect(second.getSnapshot()).toMatchObject({ loaded: true });
    expect(second.getSnapshot().confirmed!.version).toBe(2);
    await settle();
    expect(http.calls.length).toBeLessThanOrEqual(2);
  });

  it('refreshes on focus and online unless fresher than staleTimeMs, and on its interval', async () => {
    const { client, environment, http } = await setup();
    client.dashboard('ops');
    await settle();
    environment.emit('focus');
    await settle();
    expect(http.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    const before = http.calls.length;
    environment.emit('online');
    await settle();
    expect(http.calls.length).toBeGreaterThan(before);
    const gets = () => http.calls.filter((c) => c.method === 'GET').length;
    const n = gets();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(gets()).toBeGreaterThan(n);
  });

  it('refreshes held dashboards over HTTP on every (re)connect, even when fresh', async () => {
    const { client, http, log } = await setup({ staleTimeMs: 60_000 });
    client.dashboard('ops');
    await settle();
    const gets = () => http.calls.filter((c) => c.method === 'GET' && c.path === '/api/dashboards/ops').length;
    expect(gets()).toBe(1);
    FakeWebSocket.last.handshake();
    await settle();
    expect(gets()).toBe(2);
    FakeWebSocket.last.serverSend(log.subscribed());
    await vi.advanceTimersByTimeAsync(16);
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    FakeWebSocket.last.handshake();
    await settle();
    expect(gets()).toBe(3);
  });

  it('reports a missing dashboard as an error state', async () => {
    const { client } = await setup();
    const handle = client.dashboard('missing');
    await settle();
    expect(handle.getSnapshot()).toMatchObject({ status: 'error', loaded: true, error: { code: 'not_found' } });
  });

  it('sends queued mutations over HTTP, in order, once the socket has been down for httpFallbackAfterMs', async () => {
    const { client, applied, log } = await setup();
    const handle = client.dashboard('ops');
    await settle();
    FakeWebSocket.last.serverClose(1006);
    handle.updateWidget('a', { title: 'one' });
    handle.moveWidget('b', 6, 0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(applied).toEqual([]);
    expect(client.sync.getSnapshot().httpFallback).toBe(false);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(applied).toEqual([1, 2]);
    await settle();
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.getSnapshot().view).toEqual(log.doc);
    expect(client.sync.getSnapshot()).toMatchObject({ httpFallback: true, queueLength: 0 });
  });

  it('makes no HTTP request while the browser is offline (no fallback POST, no dashboard/stream GET), and resumes on online', async () => {
    const { client, environment, http, applied, log } = await setup();
    const handle = client.dashboard('ops');
    client.stream('cpu');
    await settle();
    const before = http.calls.length;
    environment.emit('offline');
    FakeWebSocket.last.serverClose(1006);
    handle.updateWidget('a', { title: 'one' });
    handle.moveWidget('b', 6, 0);
    // Past the fallback delay, several fallback intervals and a refresh interval, plus focus and a new holder.
    await vi.advanceTimersByTimeAsync(12_000);
    environment.emit('focus');
    client.dashboard('other');
    await client.sync.refreshNow();
    await settle();
    expect(http.calls.slice(before)).toEqual([]);
    expect(applied).toEqual([]);
    expect(client.sync.getSnapshot().httpFallback).toBe(false);
    environment.emit('online');
    await settle();
    expect(http.calls.slice(before).some((c) => c.method === 'GET' && c.path === '/api/dashboards/ops')).toBe(true);
    // The socket gets httpFallbackAfterMs again (it reconnects on online) before HTTP carries the queue.
    expect(applied).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(applied).toEqual([1, 2]);
    await settle();
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });

  it('invalidates and reloads on an epoch change', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await settle();
    FakeWebSocket.last.handshake();
    FakeWebSocket.last.serverSend(log.subscribed());
    await vi.advanceTimersByTimeAsync(16);
    log.epoch = 'e2';
    const event = log.apply('client-alice-01', 1, 'moveWidget', { id: 'a', x: 3, y: 0 })!;
    FakeWebSocket.last.serverSend(event);
    await vi.advanceTimersByTimeAsync(16);
    expect(FakeWebSocket.last.sentOfType('subscribe').at(-1)).toEqual({ type: 'subscribe', topic: 'dashboard:ops' });
    FakeWebSocket.last.serverSend(log.subscribed());
    await vi.advanceTimersByTimeAsync(16);
    expect(handle.getSnapshot().confirmed).toEqual(log.doc);
  });

  it('keeps a stream fresh over HTTP while the socket is down, appending only newer points', async () => {
    const { client } = await setup();
    const cpu = client.stream('cpu');
    await settle();
    expect(cpu.getSnapshot()).toMatchObject({ loaded: true, offset: 2, epoch: 's1', latest: 1 });
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(2_500);
    const snap = cpu.getSnapshot();
    expect(snap.offset).toBeGreaterThan(2);
    expect(snap.history.map((p) => p.offset)).toEqual(Array.from({ length: snap.offset }, (_, i) => i + 1));
  });
});
