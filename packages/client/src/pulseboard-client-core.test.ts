import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyMutation, type MutationRunner } from '@pulseboard/model';
import type { EventMessage } from '@pulseboard/protocol';
import { EnvironmentManager } from './environment-manager.js';
import { MemoryOfflineStore } from './offline-store.js';
import { createPulseboardClientCore } from './pulseboard-client-core.js';
import { resolveRealtimeConfig } from './realtime-config.js';
import { REALTIME_CONFIG_DEFAULTS } from './realtime-defaults.js';
import { FakeDashboardLog, fakeFetch } from './testing/fixtures.js';
import { FakeWebSocket } from './testing/fake-web-socket.js';
import type { PulseboardClient } from './types.js';

const ME = 'client-me-0001';
const settle = () => vi.advanceTimersByTimeAsync(0);
const frame = () => vi.advanceTimersByTimeAsync(16);

let clients: PulseboardClient[] = [];

/** A loader the test resolves by hand, counting its calls. */
function manualLoader() {
  let resolve!: (run: MutationRunner) => void;
  const loaded = new Promise<MutationRunner>((r) => (resolve = r));
  const load = vi.fn(() => loaded);
  return { load, arrive: () => resolve(applyMutation) };
}

async function setup(options: { load: () => Promise<MutationRunner>; store?: MemoryOfflineStore }) {
  const environment = new EnvironmentManager({ attach: false });
  const http = fakeFetch(() => ({ status: 503, body: { error: { code: 'unavailable', message: 'down' } } }));
  const client = createPulseboardClientCore(
    {
      url: 'http://server.test',
      clientId: ME,
      WebSocket: FakeWebSocket,
      fetch: http.fetch,
      ...(options.store ? { store: options.store } : {}),
      config: resolveRealtimeConfig({ refreshIntervalMs: 0, httpFallbackAfterMs: 60_000 }),
      mutations: { load: options.load },
    },
    { environment, random: () => 0.5 },
  );
  clients.push(client);
  await client.ready;
  return { client, log: new FakeDashboardLog() };
}

async function open() {
  FakeWebSocket.last.handshake({ lastMutationId: 0 });
  await settle();
}

/** The event as the server writes it today: with the patch the mutator produced. */
function patched(log: FakeDashboardLog, clientId: string, mutationId: number, name: string, args: unknown): EventMessage {
  const before = log.doc;
  const outcome = applyMutation(before, name, args, { clientId, mutationId });
  const event = log.apply(clientId, mutationId, name, args)!;
  return { ...event, data: { ...(event.data as object), patch: outcome.patch } } as EventMessage;
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

describe('createPulseboardClientCore', () => {
  it('takes the defaults without zod, and refuses settings that did not go through resolveRealtimeConfig', () => {
    expect(REALTIME_CONFIG_DEFAULTS).toEqual(resolveRealtimeConfig());
    const base = { url: 'http://server.test', WebSocket: FakeWebSocket, fetch: fakeFetch(() => ({ status: 503 })).fetch, mutations: applyMutation, autoConnect: false };
    const client = createPulseboardClientCore(base, { environment: new EnvironmentManager({ attach: false }) });
    clients.push(client);
    expect(client.config).toBe(REALTIME_CONFIG_DEFAULTS);
    expect(() => createPulseboardClientCore({ ...base, config: { ...REALTIME_CONFIG_DEFAULTS, heartbeatIntervalMs: -1 } })).toThrow(/resolveRealtimeConfig/);
  });

  it('never loads the mutators while it only views: patched events apply without them', async () => {
    const loader = manualLoader();
    const { client, log } = await setup({ load: loader.load });
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    FakeWebSocket.last.serverSend(patched(log, 'client-alice-01', 1, 'updateWidget', { id: 'a', set: { title: 'Hers' } }));
    await frame();
    expect(handle.getSnapshot().view).toEqual(log.doc);
    expect(loader.load).not.toHaveBeenCalled();
  });

  it('meeting an event without a patch and no mutators, resubscribes without `since` and shows the snapshot, guessing nothing', async () => {
    const loader = manualLoader();
    const { client, log } = await setup({ load: loader.load });
    const handle = client.dashboard('ops');
    await open();
    const socket = FakeWebSocket.last;
    socket.serverSend(log.subscribed());
    await frame();
    const old = log.apply('client-alice-01', 1, 'updateWidget', { id: 'a', set: { title: 'Hers' } })!;
    socket.serverSend(old);
    await frame();
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('A');
    const subscribes = socket.sentOfType('subscribe');
    expect(subscribes.at(-1)).toEqual({ type: 'subscribe', topic: 'dashboard:ops' });
    expect(subscribes).toHaveLength(2);
    socket.serverSend(log.subscribed());
    await frame();
    expect(handle.getSnapshot().view).toEqual(log.doc);
    expect(loader.load).not.toHaveBeenCalled();
  });

  it('loads the mutators at the first edit, showing it and applying what came meanwhile only once they are here', async () => {
    const loader = manualLoader();
    const { client, log } = await setup({ load: loader.load });
    const handle = client.dashboard('ops');
    await open();
    const socket = FakeWebSocket.last;
    socket.serverSend(log.subscribed());
    await frame();
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    expect(loader.load).toHaveBeenCalledTimes(1);
    expect(handle.getSnapshot()).toMatchObject({ view: null, loaded: false, pending: [{ mutationId: 1 }] });
    // Someone else's edit of the same field arrives before the mutators: held, not judged blind.
    socket.serverSend(patched(log, 'client-alice-01', 1, 'updateWidget', { id: 'a', set: { title: 'Hers' } }));
    await frame();
    expect(handle.getSnapshot().confirmed!.widgets.a!.title).toBe('A');
    loader.arrive();
    await frame();
    const snap = handle.getSnapshot();
    expect(snap).toMatchObject({ loaded: true, pending: [{ mutationId: 1 }] });
    expect(snap.confirmed!.widgets.a!.title).toBe('Hers');
    expect(snap.view!.widgets.a!.title).toBe('Mine');
    expect(snap.notices).toMatchObject([{ kind: 'conflict', mutation: { mutationId: 1 } }]);
    expect(loader.load).toHaveBeenCalledTimes(1);
  });

  it('loads the mutators for a persisted offline queue before showing it over the confirmed document', async () => {
    const store = new MemoryOfflineStore();
    await store.save(ME, { clientId: ME, lastMutationId: 1, queue: [{ mutationId: 1, dashboardId: 'ops', name: 'updateWidget', args: { id: 'a', set: { title: 'offline' } }, createdAt: 1 }] });
    const loader = manualLoader();
    const { client, log } = await setup({ load: loader.load, store });
    expect(loader.load).toHaveBeenCalledTimes(1);
    const handle = client.dashboard('ops');
    await open();
    FakeWebSocket.last.serverSend(log.subscribed());
    await frame();
    expect(handle.getSnapshot()).toMatchObject({ view: null, loaded: false });
    loader.arrive();
    await frame();
    expect(handle.getSnapshot()).toMatchObject({ loaded: true, pending: [{ mutationId: 1 }] });
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('offline');
    // Sending never waited for them: the server runs its own.
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
  });

  it('asks again after a failed load, and loadMutations resolves once they are here', async () => {
    let attempts = 0;
    const load = vi.fn(() => (++attempts === 1 ? Promise.reject(new Error('chunk missing')) : Promise.resolve(applyMutation)));
    const { client } = await setup({ load });
    await expect(client.loadMutations()).rejects.toThrow('chunk missing');
    await expect(client.loadMutations()).resolves.toBeUndefined();
    await expect(client.loadMutations()).resolves.toBeUndefined();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
