import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnvironmentManager } from './environment-manager.js';
import { MemoryOfflineStore } from './offline-store.js';
import { createPulseboardClient } from './pulseboard-client.js';
import { FakeDashboardLog, fakeFetch } from './testing/fixtures.js';
import { FakeWebSocket } from './testing/fake-web-socket.js';
import type { PulseboardClient } from './types.js';

const ME = 'client-me-0001';
const settle = () => vi.advanceTimersByTimeAsync(0);
const frame = () => vi.advanceTimersByTimeAsync(16);

let clients: PulseboardClient[] = [];

/**
 * A client on a scripted socket; GET /api/dashboards/ops answers the log's document as it
 * was when the request arrived, once `gate` (when set) lets the answer out.
 */
async function setup(network: { gate?: Promise<void> | null } = {}) {
  const environment = new EnvironmentManager({ attach: false });
  const log = new FakeDashboardLog();
  const http = fakeFetch((method, path) => {
    if (method === 'GET' && path === '/api/dashboards/ops') return { status: 200, body: log.doc, headers: { etag: `"${log.doc.version}"` } };
    return { status: 503, body: { error: { code: 'unavailable', message: 'down' } } };
  });
  const fetchFn = (async (input: string | URL, init?: RequestInit) => {
    const response = await http.fetch(input, init);
    const gate = network.gate;
    if (gate) await gate;
    return response;
  }) as typeof fetch;
  const client = createPulseboardClient(
    { url: 'http://server.test', clientId: ME, WebSocket: FakeWebSocket, fetch: fetchFn, config: { refreshIntervalMs: 0, httpFallbackAfterMs: 60_000, requestTimeoutMs: 60_000 } },
    { environment, random: () => 0.5 },
  );
  clients.push(client);
  await client.ready;
  const handle = client.dashboard('ops');
  FakeWebSocket.last.handshake({ lastMutationId: 0 });
  await settle();
  FakeWebSocket.last.serverSend(log.subscribed());
  await frame();
  return { client, log, handle };
}

/** The socket dies; a new one is accepted with `welcome {lastMutationId}`. */
async function reconnect(lastMutationId: number) {
  FakeWebSocket.last.serverClose(1006);
  await vi.advanceTimersByTimeAsync(1_000);
  FakeWebSocket.last.handshake({ lastMutationId });
  await settle();
}

const resumed = (log: FakeDashboardLog) => ({ type: 'subscribed' as const, topic: 'dashboard:ops', epoch: log.epoch, offset: log.doc.version, recovered: true });
const notApplied = (handle: ReturnType<PulseboardClient['dashboard']>) => handle.getSnapshot().notices.filter((n) => n.kind === 'rejected');

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
});
afterEach(async () => {
  for (const client of clients) await client.close();
  clients = [];
  vi.useRealTimers();
});

describe('after a reconnect, an edit whose ack was lost', () => {
  it('is not reported as not applied when an HTTP refresh while down brought a document that already holds it (its event is never replayed)', async () => {
    const { client, log, handle } = await setup();
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
    // The server applies it (event at 3), but the socket dies before the event and the ack get out.
    const event = log.apply(ME, 1, 'updateWidget', { id: 'a', set: { title: 'Mine' } })!;
    FakeWebSocket.last.serverClose(1006);
    await client.sync.refreshNow();
    await frame();
    expect(handle.getSnapshot().confirmed!.version).toBe(3);
    await vi.advanceTimersByTimeAsync(1_000);
    FakeWebSocket.last.handshake({ lastMutationId: 1 });
    await settle();
    // Resumes from 3: nothing to replay, and the reconnect refresh says 3.
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([{ type: 'subscribe', topic: 'dashboard:ops', since: { epoch: 'e1', offset: 3 } }]);
    FakeWebSocket.last.serverSend(resumed(log));
    await frame();
    await settle();
    expect(notApplied(handle)).toEqual([]);
    // The client asks the server for the result it lost; the duplicate is answered with the stored ack.
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
    FakeWebSocket.last.serverSend({ type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'applied', offset: event.offset });
    await frame();
    expect(notApplied(handle)).toEqual([]);
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('Mine');
    // A later own edit does not roll it back either (its event passes the earlier id).
    handle.updateWidget('b', { title: 'Next' });
    await settle();
    FakeWebSocket.last.serverSend(log.apply(ME, 2, 'updateWidget', { id: 'b', set: { title: 'Next' } })!);
    await frame();
    expect(notApplied(handle)).toEqual([]);
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });

  it('is not reported as not applied when a later own event arrives before its stored result (HTTP document held it)', async () => {
    const { client, log, handle } = await setup();
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    log.apply(ME, 1, 'updateWidget', { id: 'a', set: { title: 'Mine' } });
    FakeWebSocket.last.serverClose(1006);
    await client.sync.refreshNow();
    await frame();
    handle.updateWidget('b', { title: 'Next' });
    await vi.advanceTimersByTimeAsync(1_000);
    FakeWebSocket.last.handshake({ lastMutationId: 1 });
    await settle();
    FakeWebSocket.last.serverSend(resumed(log), log.apply(ME, 2, 'updateWidget', { id: 'b', set: { title: 'Next' } })!);
    await frame();
    await settle();
    expect(notApplied(handle)).toEqual([]);
    // Its result is asked for once on this connection, ahead of the new edit.
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1, 2]);
    FakeWebSocket.last.serverSend({ type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'applied', offset: 3 });
    await frame();
    expect(notApplied(handle)).toEqual([]);
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });

  it('is not rolled back when the reconnect refresh would join an older request answered before the server applied it', async () => {
    const network: { gate: Promise<void> | null } = { gate: null };
    const { client, log, handle } = await setup(network);
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    FakeWebSocket.last.serverClose(1006);
    // A refresh while down is answered at version 2 (before the edit), but the answer is slow.
    let release = () => {};
    network.gate = new Promise<void>((resolve) => (release = resolve));
    const slow = client.sync.refreshNow();
    await settle();
    network.gate = null;
    // The server then processes the edit that was still on its way (event at 3) and the socket comes back.
    const event = log.apply(ME, 1, 'updateWidget', { id: 'a', set: { title: 'Mine' } })!;
    await vi.advanceTimersByTimeAsync(1_000);
    FakeWebSocket.last.handshake({ lastMutationId: 1 });
    await settle();
    FakeWebSocket.last.serverSend({ ...resumed(log), offset: 2 });
    await frame();
    release();
    await slow;
    await settle();
    await frame();
    expect(notApplied(handle)).toEqual([]);
    FakeWebSocket.last.serverSend(event);
    await frame();
    expect(notApplied(handle)).toEqual([]);
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });

  it.each([
    ['replay before the catch-up version', 'replay-first'],
    ['catch-up version before the replay', 'http-first'],
    ['a snapshot instead of a replay', 'snapshot'],
  ] as const)('is settled silently when applied: %s', async (_name, order) => {
    const { log, handle } = await setup();
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    const event = log.apply(ME, 1, 'updateWidget', { id: 'a', set: { title: 'Mine' } })!;
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    if (order === 'http-first') {
      FakeWebSocket.last.handshake({ lastMutationId: 1 });
      await settle();
      await frame();
      FakeWebSocket.last.serverSend({ ...resumed(log), offset: 2 }, event);
    } else {
      // The replay is already on the wire with the welcome, ahead of the reconnect refresh's answer.
      const socket = FakeWebSocket.last;
      socket.handshake({ lastMutationId: 1 });
      socket.serverSend(order === 'snapshot' ? log.subscribed() : { ...resumed(log), offset: 2 }, ...(order === 'snapshot' ? [] : [event]));
      await settle();
    }
    await frame();
    await settle();
    // A snapshot cannot say whether it was applied: the server's stored result does.
    if (order === 'snapshot') FakeWebSocket.last.serverSend({ type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'applied', offset: event.offset });
    await frame();
    expect(notApplied(handle)).toEqual([]);
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });

  it('is rolled back with the server\'s own reason when it was refused (no event; the stored result is asked for)', async () => {
    const { log, handle } = await setup();
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    // Processed and refused (lastMutationId moves, no event); the ack is lost with the socket.
    await reconnect(1);
    FakeWebSocket.last.serverSend(resumed(log));
    await frame();
    await settle();
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
    expect(handle.getSnapshot().pending.map((m) => m.mutationId)).toEqual([1]);
    FakeWebSocket.last.serverSend({ type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'rejected', error: { code: 'widget_not_found', message: 'widget "a" does not exist' } });
    await frame();
    expect(notApplied(handle)).toMatchObject([{ error: { code: 'widget_not_found' }, mutation: { mutationId: 1 } }]);
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });

  it('is still rolled back, with the server\'s reason, when refused and an HTTP refresh happened while down', async () => {
    const { client, log, handle } = await setup();
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    // Refused (no event, the ack lost); someone else's edit moves the document on while this client is down.
    log.apply('client-alice-01', 1, 'moveWidget', { id: 'b', x: 6, y: 0 });
    FakeWebSocket.last.serverClose(1006);
    await client.sync.refreshNow();
    await frame();
    await vi.advanceTimersByTimeAsync(1_000);
    FakeWebSocket.last.handshake({ lastMutationId: 1 });
    await settle();
    FakeWebSocket.last.serverSend(resumed(log));
    await frame();
    await settle();
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
    FakeWebSocket.last.serverSend({ type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'rejected', error: { code: 'invalid_args', message: 'bad title' } });
    await frame();
    expect(notApplied(handle)).toMatchObject([{ error: { code: 'invalid_args' }, mutation: { mutationId: 1 } }]);
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(handle.getSnapshot().view).toEqual(log.doc);
  });
});

describe('after a reload, an edit the persisted queue still held', () => {
  /** A client restarted over a store that still holds edit 1 (refused by the server while the page reloaded). */
  async function reload(http = fakeFetch(() => ({ status: 503, body: {} })), config: Record<string, number> = {}) {
    const store = new MemoryOfflineStore();
    await store.save(ME, { clientId: ME, lastMutationId: 1, queue: [{ mutationId: 1, dashboardId: 'ops', name: 'updateWidget', args: { id: 'ghost', set: { title: 'x' } }, createdAt: 0 }] });
    const client = createPulseboardClient(
      { url: 'http://server.test', clientId: ME, store, WebSocket: FakeWebSocket, fetch: http.fetch, config: { refreshIntervalMs: 0, httpFallbackAfterMs: 60_000, ...config } },
      { environment: new EnvironmentManager({ attach: false }), random: () => 0.5 },
    );
    clients.push(client);
    await client.ready;
    return client;
  }
  const refused = { type: 'ack' as const, dashboardId: 'ops', mutationId: 1, status: 'rejected' as const, error: { code: 'widget_not_found', message: 'widget "ghost" does not exist on dashboard "ops"' } };

  it('is rolled back with the server\'s reason when the fresh subscribe is answered by a snapshot (not dropped without a word)', async () => {
    const client = await reload();
    const handle = client.dashboard('ops');
    const log = new FakeDashboardLog();
    FakeWebSocket.last.handshake({ lastMutationId: 1 });
    FakeWebSocket.last.serverSend(log.subscribed());
    await settle();
    await frame();
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
    expect(handle.getSnapshot().pending.map((m) => m.mutationId)).toEqual([1]);
    FakeWebSocket.last.serverSend(refused);
    await frame();
    expect(handle.getSnapshot().notices).toMatchObject([{ kind: 'rejected', error: { code: 'widget_not_found' }, mutation: { mutationId: 1 } }]);
    expect(handle.getSnapshot().pending).toEqual([]);
    expect(client.notices.getSnapshot()).toEqual([]);
  });

  it('is reported through client.notices when nobody holds its dashboard', async () => {
    const client = await reload();
    FakeWebSocket.last.handshake({ lastMutationId: 1 });
    await settle();
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
    let notified = 0;
    client.notices.subscribe(() => notified++);
    FakeWebSocket.last.serverSend(refused);
    expect(notified).toBe(1);
    expect(client.notices.getSnapshot()).toMatchObject([{ kind: 'rejected', dashboardId: 'ops', error: { code: 'widget_not_found' }, mutation: { mutationId: 1, name: 'updateWidget' } }]);
    await settle();
    expect(client.sync.getSnapshot().queueLength).toBe(0);
  });

  it('is settled from its stored result over HTTP when the socket dies before the answer (the fallback asks too)', async () => {
    const http = fakeFetch((method, path) => {
      if (method === 'POST' && path === '/api/dashboards/ops/mutations') {
        return { status: 200, body: { dashboardId: 'ops', clientId: ME, lastMutationId: 1, results: [{ ...refused, duplicate: true }] } };
      }
      return { status: 503, body: { error: { code: 'unavailable', message: 'down' } } };
    });
    const client = await reload(http, { httpFallbackAfterMs: 1_000 });
    // The welcome says 1 was processed; its result is asked for, but the socket dies before the answer.
    FakeWebSocket.last.handshake({ lastMutationId: 1 });
    await settle();
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(http.calls.filter((c) => c.method === 'POST').map((c) => (c.body as { mutations: Array<{ mutationId: number }> }).mutations.map((m) => m.mutationId))).toEqual([[1]]);
    expect(client.notices.getSnapshot()).toMatchObject([{ kind: 'rejected', error: { code: 'widget_not_found' } }]);
    expect(client.sync.getSnapshot().queueLength).toBe(0);
  });
});
