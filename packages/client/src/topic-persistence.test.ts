import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnvironmentManager } from './environment-manager.js';
import { MemoryOfflineStore } from './offline-store.js';
import { createPulseboardClient } from './pulseboard-client.js';
import { createDashboard, applyMutation } from '@pulseboard/model';
import type { HttpDashboardLive, HttpStreamSnapshot } from '@pulseboard/protocol';
import type { PersistedTopicSnapshot } from './offline-store.js';
import { FakeDashboardLog, fakeFetch } from './testing/fixtures.js';
import { FakeWebSocket } from './testing/fake-web-socket.js';
import { TOPIC_FIRST_SAVE_MS, TOPIC_SAVE_INTERVAL_MS } from './topic-persistence.js';
import type { PulseboardClient } from './types.js';

const ME = 'client-me-0001';
const settle = () => vi.advanceTimersByTimeAsync(0);
const frame = () => vi.advanceTimersByTimeAsync(16);

let clients: PulseboardClient[] = [];

async function start(store: MemoryOfflineStore) {
  const environment = new EnvironmentManager({ attach: false });
  const http = fakeFetch(() => ({ status: 503, body: { error: { code: 'unavailable', message: 'down' } } }));
  const client = createPulseboardClient(
    { url: 'http://server.test', clientId: ME, WebSocket: FakeWebSocket, fetch: http.fetch, store, config: { refreshIntervalMs: 0, httpFallbackAfterMs: 60_000 } },
    { environment, random: () => 0.5 },
  );
  clients.push(client);
  await client.ready;
  return { client, environment, http };
}

async function open() {
  FakeWebSocket.last.handshake({ lastMutationId: 0 });
  await settle();
}

const point = (offset: number, value: number) => ({ type: 'event' as const, topic: 'stream:cpu', epoch: 's1', offset, ts: 1_000 + offset, data: { ts: 1_000 + offset, value } });

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
});
afterEach(async () => {
  for (const client of clients) await client.close();
  clients = [];
  vi.useRealTimers();
});

describe('client cache hit rate', () => {
  it('counts a subscribe answered recovered:true as a hit and a full snapshot as a miss, for dashboards and streams', async () => {
    const { client } = await start(new MemoryOfflineStore());
    const log = new FakeDashboardLog();
    client.dashboard('ops');
    client.stream('cpu');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 0, recovered: false, snapshot: { key: 'cpu', latest: null, latestTs: null, history: [] } });
    await frame();
    expect(client.monitor.getSnapshot()).toMatchObject({ cacheHits: 0, cacheMisses: 2 });
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 0, recovered: true });
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'dashboard:ops', epoch: 'e1', offset: log.doc.version, recovered: true });
    await frame();
    expect(client.monitor.getSnapshot()).toMatchObject({ cacheHits: 2, cacheMisses: 2, cacheHitRate: 0.5 });
  });
});

describe('persisted topic snapshots', () => {
  it('saves at most once per interval while events flow, and at once when the page is hidden', async () => {
    const store = new MemoryOfflineStore();
    const saveTopic = vi.spyOn(store, 'saveTopic');
    const { client, environment } = await start(store);
    client.stream('cpu');
    await open();
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 0, recovered: false, snapshot: { key: 'cpu', latest: null, latestTs: null, history: [] } });
    for (let i = 1; i <= 20; i++) {
      FakeWebSocket.last.serverSend(point(i, i));
      await frame();
    }
    expect(saveTopic).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(TOPIC_SAVE_INTERVAL_MS);
    expect(saveTopic).toHaveBeenCalledTimes(1);
    expect((await store.loadTopics(ME))[0]).toMatchObject({ topic: 'stream:cpu', offset: 20 });
    FakeWebSocket.last.serverSend(point(21, 21));
    await frame();
    environment.emit('hidden');
    expect(saveTopic).toHaveBeenCalledTimes(2);
    expect(saveTopic.mock.calls[1]![1]).toMatchObject({ topic: 'stream:cpu', epoch: 's1', offset: 21, data: { latest: 21 } });
    environment.emit('hidden');
    expect(saveTopic).toHaveBeenCalledTimes(2);
  });

  it("saves a dashboard's first snapshot soon (a quick reload finds it), then at most once per interval", async () => {
    const store = new MemoryOfflineStore();
    const saveTopic = vi.spyOn(store, 'saveTopic');
    const log = new FakeDashboardLog();
    const { client } = await start(store);
    client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    expect(saveTopic).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(TOPIC_FIRST_SAVE_MS);
    expect(saveTopic).toHaveBeenCalledTimes(1);
    expect(saveTopic.mock.calls[0]![1]).toMatchObject({ topic: 'dashboard:ops', offset: log.doc.version });
    // The next change waits the whole interval.
    FakeWebSocket.last.serverSend(log.apply('client-alice-01', 1, 'updateWidget', { id: 'a', set: { options: { n: 1 } } })!);
    await frame();
    await vi.advanceTimersByTimeAsync(TOPIC_FIRST_SAVE_MS);
    expect(saveTopic).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(TOPIC_SAVE_INTERVAL_MS);
    expect(saveTopic).toHaveBeenCalledTimes(2);
    expect(saveTopic.mock.calls[1]![1]).toMatchObject({ topic: 'dashboard:ops', offset: log.doc.version });
  });

  it('a reload shows the persisted dashboard at once, as pending (not live), and subscribes with since', async () => {
    const store = new MemoryOfflineStore();
    const log = new FakeDashboardLog();
    const first = await start(store);
    const held = first.client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    FakeWebSocket.last.serverSend(log.apply('client-alice-01', 1, 'updateWidget', { id: 'a', set: { options: { n: 1 } } })!);
    await frame();
    const savedAt = Date.now();
    held.release();
    await first.client.close();

    const { client } = await start(store);
    const ops = client.dashboard('ops');
    expect(ops.getSnapshot()).toMatchObject({ loaded: true, confirmed: log.doc, lastSyncedAt: savedAt });
    expect(ops.getSnapshot().status).toBe('offline');
    await open();
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([{ type: 'subscribe', topic: 'dashboard:ops', since: { epoch: 'e1', offset: log.doc.version } }]);
    await frame();
    expect(ops.getSnapshot().status).toBe('pending');
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'dashboard:ops', epoch: 'e1', offset: log.doc.version, recovered: true });
    await frame();
    expect(ops.getSnapshot().status).toBe('synced');
    expect(client.monitor.getSnapshot()).toMatchObject({ cacheHits: 1, cacheMisses: 0, cacheHitRate: 1 });
  });

  it('a reloaded stream shows its persisted history with its saved age, then resumes by offset', async () => {
    const store = new MemoryOfflineStore();
    const first = await start(store);
    first.client.stream('cpu');
    await open();
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 0, recovered: false, snapshot: { key: 'cpu', latest: null, latestTs: null, history: [] } });
    FakeWebSocket.last.serverSend(point(1, 5), point(2, 7));
    await frame();
    const savedAt = Date.now();
    await first.client.close();

    await vi.advanceTimersByTimeAsync(60_000);
    const { client } = await start(store);
    const cpu = client.stream('cpu');
    expect(cpu.getSnapshot()).toMatchObject({ latest: 7, offset: 2, epoch: 's1', loaded: true, lastUpdatedAt: savedAt });
    expect(cpu.getSnapshot().history.map((p) => p.offset)).toEqual([1, 2]);
    await open();
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([{ type: 'subscribe', topic: 'stream:cpu', since: { epoch: 's1', offset: 2 } }]);
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 2, recovered: true }, point(3, 9));
    await frame();
    expect(cpu.getSnapshot()).toMatchObject({ latest: 9, offset: 3 });
    expect(cpu.getSnapshot().history.map((p) => p.offset)).toEqual([1, 2, 3]);
    expect(client.monitor.getSnapshot().cacheHitRate).toBe(1);
  });

  it("a reloaded stream shown from its saved snapshot takes the page's first live read when that lands after the saved snapshots were read", async () => {
    // First page: a dashboard whose widget shows stream cpu, and cpu at offset 2, both saved.
    let doc = createDashboard({ id: 'ops', title: 'Ops', now: '2026-01-01T00:00:00.000Z' });
    doc = applyMutation(doc, 'addWidget', { widget: { id: 'a', type: 'stat', title: 'CPU', stream: 'cpu' } }, { clientId: 'seed-client', mutationId: 1 }).doc;
    const log = new FakeDashboardLog({ ...doc, version: 1 });
    const store = new MemoryOfflineStore();
    const first = await start(store);
    first.client.dashboard('ops', { streams: true });
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 0, recovered: false, snapshot: { key: 'cpu', latest: null, latestTs: null, history: [] } });
    FakeWebSocket.last.serverSend(point(1, 5), point(2, 7));
    await frame();
    await first.client.close();

    // The reload: its live read goes out at once, the saved snapshots are read before it lands (IndexedDB first).
    let readSaved: () => void = () => {};
    const savedRead = new Promise<void>((resolve) => (readSaved = resolve));
    const slowStore = Object.assign(Object.create(store) as MemoryOfflineStore, {
      loadTopics: async (key: string): Promise<PersistedTopicSnapshot[]> => {
        await savedRead;
        return store.loadTopics(key);
      },
    });
    let answerLive: (body: HttpDashboardLive) => void = () => {};
    const liveAnswer = new Promise<HttpDashboardLive>((resolve) => (answerLive = resolve));
    const paths: string[] = [];
    const fetchFn = (async (input: string | URL) => {
      const path = new URL(String(input)).pathname;
      paths.push(path);
      const body = path === '/api/dashboards/ops/live' ? await liveAnswer : { error: { code: 'unavailable', message: 'down' } };
      return new Response(JSON.stringify(body), { status: path === '/api/dashboards/ops/live' ? 200 : 503, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const client = createPulseboardClient(
      { url: 'http://server.test', clientId: ME, WebSocket: FakeWebSocket, fetch: fetchFn, store: slowStore, config: { refreshIntervalMs: 0, httpFallbackAfterMs: 60_000 } },
      { environment: new EnvironmentManager({ attach: false }), random: () => 0.5 },
    );
    clients.push(client);
    const ops = client.dashboard('ops', { streams: true });
    await settle();
    expect(paths).toEqual(['/api/dashboards/ops/live']);
    readSaved();
    await client.ready;
    await settle();
    expect(ops.getSnapshot().view?.widgets.a?.stream).toBe('cpu');
    const cpu = client.stream('cpu');
    expect(cpu.getSnapshot()).toMatchObject({ latest: 7, offset: 2, epoch: 's1' });

    const live: HttpStreamSnapshot = { key: 'cpu', latest: 42, latestTs: 1_005, epoch: 's1', offset: 5, history: [3, 4, 5].map((offset) => ({ offset, ts: 1_000 + offset, value: offset === 5 ? 42 : offset })) };
    answerLive({ dashboard: log.doc, epoch: 'e1', streams: { cpu: live } });
    await settle();
    expect(cpu.getSnapshot()).toMatchObject({ latest: 42, offset: 5, epoch: 's1' });
    expect(cpu.getSnapshot().history.map((p) => p.offset)).toEqual([1, 2, 3, 4, 5]);
  });
});
