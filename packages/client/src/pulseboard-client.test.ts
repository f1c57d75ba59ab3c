import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerPresenceMessage } from '@pulseboard/protocol';
import { EnvironmentManager } from './environment-manager.js';
import { MemoryOfflineStore } from './offline-store.js';
import { createPulseboardClient } from './pulseboard-client.js';
import { FakeDashboardLog, fakeFetch } from './testing/fixtures.js';
import { FakeWebSocket } from './testing/fake-web-socket.js';
import type { PulseboardClient } from './types.js';
import type { WebSocketManager } from './websocket-manager.js';

const ME = 'client-me-0001';
const settle = () => vi.advanceTimersByTimeAsync(0);
const frame = () => vi.advanceTimersByTimeAsync(16);

let clients: PulseboardClient[] = [];

async function setup(options: { store?: MemoryOfflineStore; storeKey?: string; lastMutationId?: number; config?: Record<string, number> } = {}) {
  const environment = new EnvironmentManager({ attach: false });
  const http = fakeFetch(() => ({ status: 503, body: { error: { code: 'unavailable', message: 'down' } } }));
  const client = createPulseboardClient(
    {
      url: 'http://server.test',
      clientId: ME,
      name: 'Me',
      WebSocket: FakeWebSocket,
      fetch: http.fetch,
      ...(options.store ? { store: options.store } : {}),
      ...(options.storeKey ? { storeKey: options.storeKey } : {}),
      config: { refreshIntervalMs: 0, httpFallbackAfterMs: 60_000, ...options.config },
    },
    { environment, random: () => 0.5 },
  );
  clients.push(client);
  await client.ready;
  const log = new FakeDashboardLog();
  return { client, environment, http, log };
}

async function open(lastMutationId = 0) {
  FakeWebSocket.last.handshake({ lastMutationId });
  await settle();
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

describe('PulseboardClient with a scripted server', () => {
  it('connects to <url>/ws and subscribes a held dashboard once, however many handles hold it', async () => {
    const { client } = await setup();
    expect(FakeWebSocket.last.url).toBe('ws://server.test/ws');
    const one = client.dashboard('ops');
    const two = client.dashboard('ops');
    await open();
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([{ type: 'subscribe', topic: 'dashboard:ops' }]);
    one.release();
    one.release();
    expect(FakeWebSocket.last.sentOfType('unsubscribe')).toEqual([]);
    two.release();
    expect(FakeWebSocket.last.sentOfType('unsubscribe')).toEqual([{ type: 'unsubscribe', topic: 'dashboard:ops' }]);
  });

  it('with { streams: true } subscribes the widgets\' streams in the frame the document arrives, follows widget changes, and lets go on release', async () => {
    const { client, log } = await setup();
    for (const [mutationId, args] of [[1, { id: 'a', set: { stream: 'cpu' } }], [2, { id: 'b', set: { stream: 'mem' } }]] as const) log.apply('seed', mutationId, 'updateWidget', args);
    const handle = client.dashboard('ops', { streams: true });
    await open();
    const socket = FakeWebSocket.last;
    expect(socket.sentOfType('subscribe').map((m) => m.topic)).toEqual(['dashboard:ops']);
    socket.serverSend(log.subscribed());
    await frame();
    // No widget has rendered (no stream handle anywhere): the dashboard asked for them itself.
    expect(socket.sentOfType('subscribe').map((m) => m.topic)).toEqual(['dashboard:ops', 'stream:cpu', 'stream:mem']);
    const own = client.stream('mem');
    socket.serverSend(log.apply('alice', 1, 'removeWidget', { id: 'a' })!);
    await frame();
    expect(socket.sentOfType('unsubscribe').map((m) => m.topic)).toEqual(['stream:cpu']);
    handle.release();
    // mem is still held by its own handle; only the dashboard goes.
    expect(socket.sentOfType('unsubscribe').map((m) => m.topic)).toEqual(['stream:cpu', 'dashboard:ops']);
    own.release();
    expect(socket.sentOfType('unsubscribe').map((m) => m.topic)).toEqual(['stream:cpu', 'dashboard:ops', 'stream:mem']);
  });

  it('with { streams: true } and a document known before the welcome, subscribes the dashboard and its streams together', async () => {
    const store = new MemoryOfflineStore();
    const log = new FakeDashboardLog();
    log.apply('seed', 1, 'updateWidget', { id: 'a', set: { stream: 'cpu' } });
    // A snapshot saved by an earlier page: the document is shown before the socket opens.
    await store.saveTopic('default', { topic: 'dashboard:ops', epoch: log.epoch, offset: log.doc.version, data: log.doc, savedAt: 1 });
    const { client } = await setup({ store, storeKey: 'default' });
    const handle = client.dashboard('ops', { streams: true });
    await settle();
    expect(handle.getSnapshot().view?.widgets.a?.stream).toBe('cpu');
    await open();
    expect(FakeWebSocket.last.sentOfType('subscribe').map((m) => m.topic)).toEqual(['dashboard:ops', 'stream:cpu']);
  });

  it('peeks at the snapshot of a held dashboard or stream without holding it, and at nothing once released', async () => {
    const { client } = await setup();
    expect(client.peekDashboard('ops')).toBeNull();
    expect(client.peekStream('cpu')).toBeNull();
    const dashboard = client.dashboard('ops');
    const stream = client.stream('cpu');
    expect(client.peekDashboard('ops')).toBe(dashboard.getSnapshot());
    expect(client.peekStream('cpu')).toBe(stream.getSnapshot());
    dashboard.release();
    stream.release();
    expect(client.peekDashboard('ops')).toBeNull();
    expect(client.peekStream('cpu')).toBeNull();
    await open();
    // Peeking took no handle: nothing stayed subscribed.
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([]);
  });

  it('applies 1,000 events that arrive inside one frame with one notification', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    let notifications = 0;
    handle.subscribe(() => notifications++);
    for (let i = 0; i < 1_000; i++) FakeWebSocket.last.serverSend(log.apply('client-alice-01', i + 1, 'updateWidget', { id: 'a', set: { options: { n: i } } })!);
    expect(notifications).toBe(0);
    await frame();
    expect(notifications).toBe(1);
    expect(handle.getSnapshot().view!.widgets.a!.options.n).toBe(999);
    expect(handle.getSnapshot().confirmed).toEqual(log.doc);
    expect(client.monitor.getSnapshot()).toMatchObject({ eventsApplied: 1_000 });
  });

  it('confirms 200 of my own edits arriving inside one frame with one notification', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    for (let i = 1; i <= 200; i++) handle.moveWidget(i % 2 ? 'a' : 'b', i % 10, 0);
    await settle();
    const sent = FakeWebSocket.last.sentOfType('mutate');
    expect(sent).toHaveLength(200);
    let notifications = 0;
    handle.subscribe(() => notifications++);
    for (const m of sent) {
      const event = log.apply(ME, m.mutationId, m.name, m.args, 'Me')!;
      FakeWebSocket.last.serverSend(event, { type: 'ack', dashboardId: 'ops', mutationId: m.mutationId, status: 'applied', offset: event.offset });
    }
    await frame();
    expect(notifications).toBe(1);
    expect(handle.getSnapshot()).toMatchObject({ status: 'synced', pending: [] });
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });

  it('does not report a conflict when, in one frame, my edit is confirmed and then someone edits the same field', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    void handle.getSnapshot().view;
    const mine = log.apply(ME, 1, 'updateWidget', { id: 'a', set: { title: 'Mine' } }, 'Me')!;
    const theirs = log.apply('client-alice-01', 1, 'updateWidget', { id: 'a', set: { title: 'Hers' } }, 'Alice')!;
    FakeWebSocket.last.serverSend(mine, { type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'applied', offset: mine.offset }, theirs);
    await frame();
    expect(handle.getSnapshot().notices).toEqual([]);
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('Hers');
  });

  it('measures update latency on the server clock, whatever the skew of the local clock', async () => {
    const { client, log } = await setup();
    client.dashboard('ops');
    FakeWebSocket.last.serverOpen();
    const skewMs = 3_600_000;
    FakeWebSocket.last.serverSend({ type: 'welcome', protocol: 1, connectionId: 'c1', clientId: ME, lastMutationId: 0, heartbeatIntervalMs: 15_000, serverTime: Date.now() + skewMs });
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    const event = log.apply('client-alice-01', 1, 'moveWidget', { id: 'a', x: 3, y: 0 })!;
    FakeWebSocket.last.serverSend({ ...event, ts: Date.now() + skewMs - 30 });
    await frame();
    expect(client.monitor.getSnapshot().updateLatencyMs.last).toBe(46);
  });

  it('applies an edit at once, sends it after it is persisted, and drops it when its event arrives', async () => {
    const store = new MemoryOfflineStore();
    const { client, log } = await setup({ store });
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    const id = handle.updateWidget('a', { title: 'Mine' });
    expect(id).toBe(1);
    expect(handle.getSnapshot()).toMatchObject({ status: 'pending', pending: [{ mutationId: 1, state: 'queued' }] });
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('Mine');
    await settle();
    expect((await store.load(ME))!.queue.map((m) => m.mutationId)).toEqual([1]);
    expect(FakeWebSocket.last.sentOfType('mutate')).toEqual([{ type: 'mutate', dashboardId: 'ops', mutationId: 1, name: 'updateWidget', args: { id: 'a', set: { title: 'Mine' } } }]);
    FakeWebSocket.last.serverSend(log.apply(ME, 1, 'updateWidget', { id: 'a', set: { title: 'Mine' } }, 'Me')!, { type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'applied', offset: 3 });
    await frame();
    expect(handle.getSnapshot()).toMatchObject({ status: 'synced', pending: [] });
    expect(handle.getSnapshot().view).toEqual(log.doc);
    await settle();
    expect((await store.load(ME))!.queue).toEqual([]);
  });

  it('rolls back a rejected edit and says why; retry applies it again', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    FakeWebSocket.last.serverSend({ type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'rejected', error: { code: 'forbidden', message: 'no edit rights' } });
    await frame();
    const snap = handle.getSnapshot();
    expect(snap.view!.widgets.a!.title).toBe('A');
    expect(snap.pending).toEqual([]);
    expect(snap.notices[0]).toMatchObject({ kind: 'rejected', error: { code: 'forbidden' }, mutation: { mutationId: 1, name: 'updateWidget' } });
    expect(snap.notices[0]!.message).toContain('no edit rights');
    expect(handle.retry(snap.notices[0]!.id)).toBe(2);
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('Mine');
    expect(handle.getSnapshot().notices).toEqual([]);
  });

  it('reports through client.notices a refusal that arrives as the last handle of its dashboard is released', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    handle.updateWidget('ghost', { title: 'Mine' });
    await settle();
    FakeWebSocket.last.serverSend({ type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'rejected', error: { code: 'widget_not_found', message: 'widget "ghost" does not exist' } });
    handle.release();
    await frame();
    expect(client.notices.getSnapshot()).toMatchObject([{ kind: 'rejected', dashboardId: 'ops', error: { code: 'widget_not_found' }, mutation: { mutationId: 1 } }]);
    expect(client.sync.getSnapshot().queueLength).toBe(0);
  });

  it('reports a superseded edit (widget deleted by someone) naming who deleted it', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    handle.moveWidget('a', 6, 0);
    await settle();
    FakeWebSocket.last.serverSend(log.apply('client-alice-01', 1, 'removeWidget', { id: 'a' }, 'Alice')!, { type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'superseded', error: { code: 'widget_deleted', message: 'widget "a" was deleted' } });
    await frame();
    const notices = handle.getSnapshot().notices;
    expect(notices.map((n) => n.kind)).toEqual(['overwritten', 'superseded']);
    expect(notices[1]).toMatchObject({ by: { clientId: 'client-alice-01', name: 'Alice' } });
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });

  it('after a reconnect resends the mutations the server has not processed, and asks only once for the result of one it processed', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    handle.updateWidget('a', { title: '1' });
    handle.moveWidget('b', 6, 0);
    handle.updateWidget('b', { title: '3' });
    await settle();
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1, 2, 3]);
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    await open(1);
    // 1 was processed but its result was lost: resent, the server answers with its stored result.
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1, 2, 3]);
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([{ type: 'subscribe', topic: 'dashboard:ops', since: { epoch: 'e1', offset: 2 } }]);
    FakeWebSocket.last.serverSend({ type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'applied', offset: 3 });
    await frame();
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    await open(1);
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([2, 3]);
  });

  it('restores a persisted queue after a restart and replays it with the same ids', async () => {
    const store = new MemoryOfflineStore();
    const first = await setup({ store });
    const handle = first.client.dashboard('ops');
    handle.updateWidget('a', { title: 'offline 1' });
    handle.updateWidget('b', { title: 'offline 2' });
    await settle();
    expect(FakeWebSocket.last.sent).toEqual([]);
    await first.client.close();
    FakeWebSocket.reset();
    const second = await setup({ store });
    expect(second.client.clientId).toBe(ME);
    const again = second.client.dashboard('ops');
    expect(again.getSnapshot().pending.map((p) => p.mutationId)).toEqual([1, 2]);
    await open(0);
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => [m.mutationId, m.args])).toEqual([
      [1, { id: 'a', set: { title: 'offline 1' } }],
      [2, { id: 'b', set: { title: 'offline 2' } }],
    ]);
    expect(again.updateWidget('a', { title: 'new' })).toBe(3);
  });

  it('opens its socket while persisted state loads, and says hello only once it has (stored clientId, queue replayed after the welcome)', async () => {
    const store = new MemoryOfflineStore();
    await store.save('default', { clientId: 'c_stored', lastMutationId: 1, queue: [{ mutationId: 1, dashboardId: 'ops', name: 'updateWidget', args: { id: 'a', set: { title: 'offline' } }, createdAt: 1 }] });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A store as slow as IndexedDB on a cold page: nothing loads until the test releases it.
    const slow = Object.assign(Object.create(store) as MemoryOfflineStore, {
      load: async (key: string) => (await gate, store.load(key)),
      loadTopics: async (key: string) => (await gate, store.loadTopics(key)),
    });
    const environment = new EnvironmentManager({ attach: false });
    const client = createPulseboardClient({ url: 'http://server.test', WebSocket: FakeWebSocket, fetch: fakeFetch(() => ({ status: 503, body: {} })).fetch, store: slow, config: { refreshIntervalMs: 0 } }, { environment, random: () => 0.5 });
    clients.push(client);
    const socket = FakeWebSocket.last;
    socket.serverOpen();
    await settle();
    expect(socket.sent).toEqual([]);
    expect(client.connection.getSnapshot().state).toBe('connecting');
    release();
    await client.ready;
    expect(socket.sent.map((m) => m.type)).toEqual(['hello']);
    expect(socket.sentOfType('hello')[0]?.clientId).toBe('c_stored');
    socket.serverSend({ type: 'welcome', protocol: 1, connectionId: 'conn-1', clientId: 'c_stored', lastMutationId: 0, heartbeatIntervalMs: 15_000, serverTime: Date.now() });
    await settle();
    expect(socket.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
  });

  it('holds a debounced text edit, merging keystrokes into one mutation', async () => {
    const { client, log } = await setup({ config: { textEditDebounceMs: 300 } });
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    for (const title of ['H', 'He', 'Hel', 'Hell', 'Hello']) {
      expect(handle.updateWidget('a', { title }, { debounce: true })).toBe(1);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('Hello');
    expect(FakeWebSocket.last.sentOfType('mutate')).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(FakeWebSocket.last.sentOfType('mutate')).toEqual([{ type: 'mutate', dashboardId: 'ops', mutationId: 1, name: 'updateWidget', args: { id: 'a', set: { title: 'Hello' } } }]);
  });

  it('previews a drag locally and as presence, and commits one mutation on drop', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    const start = log.doc.widgets.a!.layout;
    for (let x = 1; x <= 5; x++) handle.previewLayout('a', { ...start, x });
    expect(handle.getSnapshot().view!.widgets.a!.layout.x).toBe(5);
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.commitLayout('a', { ...start, x: 6 })).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeWebSocket.last.sentOfType('mutate')).toEqual([{ type: 'mutate', dashboardId: 'ops', mutationId: 1, name: 'moveWidget', args: { id: 'a', x: 6, y: start.y } }]);
    const presence = FakeWebSocket.last.sentOfType('presence');
    expect(presence[0]).toMatchObject({ widgetId: 'a', layout: { x: 1 } });
    expect(presence.at(-1)).toMatchObject({ widgetId: null, layout: null });
  });

  it('announces this viewer on setPresence, answers a newcomer\'s join, and forgets a viewer who left', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    handle.setPresence({ editing: true, selectedId: 'a' });
    expect(FakeWebSocket.last.sentOfType('presence')).toEqual([{ type: 'presence', dashboardId: 'ops', widgetId: null, layout: null, editing: true, selectedId: 'a', join: true }]);
    await vi.advanceTimersByTimeAsync(100);
    const bob: ServerPresenceMessage = { type: 'presence', topic: 'dashboard:ops', clientId: 'client-bob-0001', name: 'Bob', widgetId: null, layout: null, editing: false, selectedId: null, join: true };
    FakeWebSocket.last.serverSend(bob);
    await frame();
    expect(handle.getSnapshot().presence['client-bob-0001']).toMatchObject({ name: 'Bob', editing: false, viewer: true });
    // The answer tells Bob about us, without asking him to answer again.
    expect(FakeWebSocket.last.sentOfType('presence').at(-1)).toEqual({ type: 'presence', dashboardId: 'ops', widgetId: null, layout: null, editing: true, selectedId: 'a' });
    FakeWebSocket.last.serverSend({ type: 'presence', topic: 'dashboard:ops', clientId: 'client-bob-0001', widgetId: null, layout: null, gone: true });
    await frame();
    expect(handle.getSnapshot().presence['client-bob-0001']).toBeUndefined();
  });

  it('commits nothing when a drag ends where it started (no no-op move that others would see as a change)', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    const start = log.doc.widgets.a!.layout;
    handle.previewLayout('a', { ...start, x: 4 });
    expect(handle.commitLayout('a', start)).toBeNull();
    await vi.advanceTimersByTimeAsync(100);
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.getSnapshot().view!.widgets.a!.layout).toEqual(start);
    expect(FakeWebSocket.last.sentOfType('mutate')).toEqual([]);
  });

  it('resubscribes from its position on a gap and ignores duplicates', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    const e3 = log.apply('client-alice-01', 1, 'moveWidget', { id: 'a', x: 3, y: 0 })!;
    const e4 = log.apply('client-alice-01', 2, 'moveWidget', { id: 'a', x: 4, y: 0 })!;
    const e5 = log.apply('client-alice-01', 3, 'moveWidget', { id: 'a', x: 5, y: 0 })!;
    FakeWebSocket.last.serverSend(e3, e3, e5);
    await frame();
    expect(handle.getSnapshot().confirmed!.version).toBe(3);
    expect(FakeWebSocket.last.sentOfType('subscribe').at(-1)).toEqual({ type: 'subscribe', topic: 'dashboard:ops', since: { epoch: 'e1', offset: 3 } });
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'dashboard:ops', epoch: 'e1', offset: 3, recovered: true }, e4, e5);
    await frame();
    expect(handle.getSnapshot().confirmed).toEqual(log.doc);
  });

  it('resends mutations the server dropped (rate limited) after retryAfterMs, from the lowest dropped id on', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    handle.updateWidget('a', { title: '1' });
    handle.moveWidget('b', 6, 0);
    handle.updateWidget('b', { title: '3' });
    await settle();
    const mutateIds = () => FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId);
    expect(mutateIds()).toEqual([1, 2, 3]);
    FakeWebSocket.last.serverSend({ type: 'error', code: 'rate_limited', message: 'slow down', details: { dropped: 2, retryAfterMs: 500, mutationIds: [[2, 3]], publishIds: [] } });
    // 3 was not dropped, but after a dropped 2 the server refused it as out of order: it waits too.
    FakeWebSocket.last.serverSend({ type: 'error', code: 'out_of_order', message: 'expected 2', ref: { type: 'mutate', mutationId: 3 }, details: { expected: 2 } });
    await vi.advanceTimersByTimeAsync(499);
    expect(mutateIds()).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(1);
    expect(mutateIds()).toEqual([1, 2, 3, 2, 3]);
    expect(handle.getSnapshot().pending.map((m) => m.mutationId)).toEqual([1, 2, 3]);
  });

  it('sends a mutation refused with storage_unavailable again after a pause, and settles a bad_message one as refused', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    const mutateIds = () => FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId);
    expect(mutateIds()).toEqual([1]);
    FakeWebSocket.last.serverSend({ type: 'error', code: 'storage_unavailable', message: 'the database is unavailable', ref: { type: 'mutate', mutationId: 1 } });
    await vi.advanceTimersByTimeAsync(999);
    expect(mutateIds()).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(mutateIds()).toEqual([1, 1]);
    expect(handle.getSnapshot().pending.map((m) => m.mutationId)).toEqual([1]);

    FakeWebSocket.last.serverSend({ type: 'error', code: 'bad_message', message: 'mutate: name: too long', ref: { type: 'mutate', mutationId: 1 } });
    await frame();
    const snap = handle.getSnapshot();
    expect(snap.pending).toEqual([]);
    expect(snap.view!.widgets.a!.title).toBe('A');
    expect(snap.notices[0]).toMatchObject({ kind: 'rejected', error: { code: 'bad_message' }, mutation: { mutationId: 1 } });
  });

  it('fails a publish the server dropped (rate limited), saying when to retry', async () => {
    const { client } = await setup();
    await open();
    const kept = client.publish('cpu', 1);
    const dropped = client.publish('cpu', 2);
    expect(FakeWebSocket.last.sentOfType('publish').map((m) => m.id)).toEqual([1, 2]);
    FakeWebSocket.last.serverSend(
      { type: 'published', id: 1, stream: 'cpu', offset: 7 },
      { type: 'error', code: 'rate_limited', message: 'too many messages', details: { dropped: 1, retryAfterMs: 800, mutationIds: [], publishIds: [2] } },
    );
    await expect(kept).resolves.toBe(7);
    await expect(dropped).rejects.toMatchObject({ code: 'rate_limited', details: { retryAfterMs: 800 } });
  });

  it('records a lagging warning and, after the cut that follows, reconnects at once and resumes by offset', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    FakeWebSocket.last.serverSend({ type: 'error', code: 'lagging', message: 'this connection is 8 MiB behind', details: { bufferedBytes: 8_388_608 } });
    expect(client.sync.getSnapshot().lastError).toMatchObject({ code: 'lagging' });
    FakeWebSocket.last.serverClose(1006);
    expect(client.connection.getSnapshot()).toMatchObject({ state: 'reconnecting', lastError: { code: 'lagging' } });
    await settle();
    expect(client.connection.getSnapshot().state).toBe('connecting');
    await open();
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([{ type: 'subscribe', topic: 'dashboard:ops', since: { epoch: 'e1', offset: 2 } }]);
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });

  it('is offline while disconnected and surfaces the sync status', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    expect(handle.getSnapshot().status).toBe('synced');
    FakeWebSocket.last.serverClose(1006);
    expect(handle.getSnapshot().status).toBe('offline');
    expect(client.connection.getSnapshot().state).toBe('reconnecting');
  });

  it('shows the sync status as error (not offline) once the connection failed for good (fatal close code)', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    FakeWebSocket.last.serverClose(4001, 'token revoked');
    expect(client.connection.getSnapshot()).toMatchObject({ state: 'fatal', lastError: { closeCode: 4001, message: 'token revoked' } });
    expect(handle.getSnapshot().status).toBe('error');
    client.connection.reconnectNow();
    expect(handle.getSnapshot().status).toBe('offline');
  });

  it('streams: applies points in offset order exactly once and resumes from its offset', async () => {
    const { client } = await setup();
    const cpu = client.stream('cpu');
    await open();
    const point = (offset: number, value: number) => ({ type: 'event' as const, topic: 'stream:cpu', epoch: 's1', offset, ts: 1_000 + offset, data: { ts: 1_000 + offset, value } });
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 1, recovered: false, snapshot: { key: 'cpu', latest: 10, latestTs: 1_001, history: [{ ts: 1_001, value: 10, offset: 1 }] } });
    FakeWebSocket.last.serverSend(point(2, 20), point(2, 20), point(3, 30));
    await frame();
    expect(cpu.getSnapshot()).toMatchObject({ latest: 30, offset: 3, epoch: 's1' });
    expect(cpu.getSnapshot().history.map((p) => p.offset)).toEqual([1, 2, 3]);
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    await open();
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([{ type: 'subscribe', topic: 'stream:cpu', since: { epoch: 's1', offset: 3 } }]);
  });

  it('streams: on a gap resubscribes from the last point applied in that frame, and a replay applies no point twice', async () => {
    const { client } = await setup();
    const cpu = client.stream('cpu');
    await open();
    const point = (offset: number) => ({ type: 'event' as const, topic: 'stream:cpu', epoch: 's1', offset, ts: 1_000 + offset, data: { ts: 1_000 + offset, value: offset * 10 } });
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 1, recovered: false, snapshot: { key: 'cpu', latest: 10, latestTs: 1_001, history: [{ ts: 1_001, value: 10, offset: 1 }] } });
    await frame();
    FakeWebSocket.last.serverSend(point(2), point(3), point(5));
    await frame();
    expect(cpu.getSnapshot().offset).toBe(3);
    expect(FakeWebSocket.last.sentOfType('subscribe').at(-1)).toEqual({ type: 'subscribe', topic: 'stream:cpu', since: { epoch: 's1', offset: 3 } });
    // Even a replay from further back (here from 1) must not apply 2 and 3 again.
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 1, recovered: true }, point(2), point(3), point(4), point(5));
    await frame();
    expect(cpu.getSnapshot()).toMatchObject({ offset: 5, latest: 50 });
    expect(cpu.getSnapshot().history.map((p) => p.offset)).toEqual([1, 2, 3, 4, 5]);
  });

  it('streams: on an epoch change resubscribes without a position (a snapshot)', async () => {
    const { client } = await setup();
    const cpu = client.stream('cpu');
    await open();
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's1', offset: 1, recovered: false, snapshot: { key: 'cpu', latest: 10, latestTs: 1_001, history: [{ ts: 1_001, value: 10, offset: 1 }] } });
    await frame();
    FakeWebSocket.last.serverSend({ type: 'event', topic: 'stream:cpu', epoch: 's2', offset: 1, ts: 2_000, data: { ts: 2_000, value: 7 } });
    await frame();
    expect(FakeWebSocket.last.sentOfType('subscribe').at(-1)).toEqual({ type: 'subscribe', topic: 'stream:cpu' });
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 's2', offset: 1, recovered: false, snapshot: { key: 'cpu', latest: 7, latestTs: 2_000, history: [{ ts: 2_000, value: 7, offset: 1 }] } });
    await frame();
    expect(cpu.getSnapshot()).toMatchObject({ epoch: 's2', offset: 1, latest: 7 });
    expect(cpu.getSnapshot().history.map((p) => p.value)).toEqual([7]);
  });

  it('leaves timers and listeners unchanged across 100 reconnects of the whole client', async () => {
    const { client, log } = await setup();
    const handle = client.dashboard('ops');
    const cpu = client.stream('cpu');
    const offs = [handle.subscribe(() => {}), cpu.subscribe(() => {})];
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    const manager = client.connection as WebSocketManager;
    const counts = () => ({ timers: vi.getTimerCount(), handlers: manager.handlerCount, listeners: manager.listenerCount, topics: manager.topicCount });
    const baseline = counts();
    for (let i = 0; i < 100; i++) {
      FakeWebSocket.last.serverClose(1006);
      await vi.advanceTimersByTimeAsync(1_000);
      await open();
      FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'dashboard:ops', epoch: 'e1', offset: 2, recovered: true });
      await frame();
    }
    expect(counts()).toEqual(baseline);
    expect(client.connection.getSnapshot()).toMatchObject({ state: 'open', reconnects: 100 });
    expect(handle.getSnapshot().status).toBe('synced');
    for (const off of offs) off();
    handle.release();
    cpu.release();
    await client.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
