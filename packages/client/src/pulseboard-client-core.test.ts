import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyMutation, type MutationRunner } from '@pulseboard/model';
import type { EventMessage } from '@pulseboard/protocol';
import { EnvironmentManager } from './environment-manager.js';
import type * as SlotModule from './mutation-runner.js';
import { MemoryOfflineStore } from './offline-store.js';
import type * as ClientModule from './pulseboard-client.js';
import type * as ConfigModule from './realtime-config.js';
import type * as DefaultsModule from './realtime-defaults.js';
import { FakeDashboardLog, fakeFetch } from './testing/fixtures.js';
import { FakeWebSocket } from './testing/fake-web-socket.js';
import type { PulseboardClient } from './types.js';

const ME = 'client-me-0001';
const ALICE = 'client-alice-01';
const settle = () => vi.advanceTimersByTimeAsync(0);
const frame = () => vi.advanceTimersByTimeAsync(16);

let clients: PulseboardClient[] = [];
// The mutators are installed once per page: each test imports the client afresh, with none installed.
let core: typeof ClientModule;
let slot: typeof SlotModule;
let resolveRealtimeConfig: typeof ConfigModule.resolveRealtimeConfig;
let REALTIME_CONFIG_DEFAULTS: typeof DefaultsModule.REALTIME_CONFIG_DEFAULTS;

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
  const client = core.createPulseboardClientCore(
    {
      url: 'http://server.test',
      clientId: ME,
      WebSocket: FakeWebSocket,
      fetch: http.fetch,
      ...(options.store ? { store: options.store } : {}),
      config: resolveRealtimeConfig({ refreshIntervalMs: 0, httpFallbackAfterMs: 60_000 }),
      loadMutations: options.load,
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

/** `ops` held, the socket open and its snapshot applied. */
async function subscribedDashboard(client: PulseboardClient, log: FakeDashboardLog) {
  const handle = client.dashboard('ops');
  await open();
  FakeWebSocket.last.serverSend(log.subscribed());
  await frame();
  return handle;
}

/** The event as the server writes it today: with the patch the mutator produced. */
function patched(log: FakeDashboardLog, clientId: string, mutationId: number, name: string, args: unknown): EventMessage {
  const outcome = applyMutation(log.doc, name, args, { clientId, mutationId });
  const event = log.apply(clientId, mutationId, name, args)!;
  return { ...event, data: { ...(event.data as object), patch: outcome.patch } } as EventMessage;
}

beforeEach(async () => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
  vi.resetModules();
  core = await import('./pulseboard-client.js');
  slot = await import('./mutation-runner.js');
  ({ resolveRealtimeConfig } = await import('./realtime-config.js'));
  ({ REALTIME_CONFIG_DEFAULTS } = await import('./realtime-defaults.js'));
});
afterEach(async () => {
  for (const client of clients) await client.close();
  clients = [];
  vi.useRealTimers();
});

describe('createPulseboardClientCore', () => {
  it('takes the defaults without zod, and refuses settings that did not go through resolveRealtimeConfig', () => {
    expect(REALTIME_CONFIG_DEFAULTS).toEqual(resolveRealtimeConfig());
    const base = { url: 'http://server.test', WebSocket: FakeWebSocket, fetch: fakeFetch(() => ({ status: 503 })).fetch, autoConnect: false };
    const client = core.createPulseboardClientCore(base, { environment: new EnvironmentManager({ attach: false }) });
    clients.push(client);
    expect(client.config).toBe(REALTIME_CONFIG_DEFAULTS);
    expect(() => core.createPulseboardClientCore({ ...base, config: { ...REALTIME_CONFIG_DEFAULTS, heartbeatIntervalMs: -1 } })).toThrow(/resolveRealtimeConfig/);
  });

  it('never loads the mutators while it only views: patched events apply without them', async () => {
    const loader = manualLoader();
    const { client, log } = await setup({ load: loader.load });
    const handle = await subscribedDashboard(client, log);
    FakeWebSocket.last.serverSend(patched(log, ALICE, 1, 'updateWidget', { id: 'a', set: { title: 'Hers' } }));
    await frame();
    expect(handle.getSnapshot().view).toEqual(log.doc);
    expect(loader.load).not.toHaveBeenCalled();
    expect(slot.mutationRunnerSlot.runner).toBeNull();
  });

  it('meeting an event without a patch and no mutators, resubscribes without `since` and shows the snapshot, guessing nothing', async () => {
    const loader = manualLoader();
    const { client, log } = await setup({ load: loader.load });
    const handle = client.dashboard('ops');
    await open();
    const socket = FakeWebSocket.last;
    socket.serverSend(log.subscribed());
    await frame();
    socket.serverSend(log.apply(ALICE, 1, 'updateWidget', { id: 'a', set: { title: 'Hers' } })!);
    await frame();
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('A');
    const subscribes = socket.sentOfType('subscribe');
    expect(subscribes).toHaveLength(2);
    expect(subscribes.at(-1)).toEqual({ type: 'subscribe', topic: 'dashboard:ops' });
    socket.serverSend(log.subscribed());
    await frame();
    expect(handle.getSnapshot().view).toEqual(log.doc);
    expect(loader.load).not.toHaveBeenCalled();
  });

  it('shows edits at once with the mutators installed by the app, without loading them', async () => {
    const loader = manualLoader();
    const { client, log } = await setup({ load: loader.load });
    const handle = await subscribedDashboard(client, log);
    slot.installMutationRunner(applyMutation);
    handle.updateWidget('a', { title: 'Mine' });
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('Mine');
    expect(loader.load).not.toHaveBeenCalled();
  });

  it('loads the mutators at an edit made before they were installed, sends it meanwhile, and shows it once they are here', async () => {
    const loader = manualLoader();
    const { client, log } = await setup({ load: loader.load });
    const handle = await subscribedDashboard(client, log);
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    expect(loader.load).toHaveBeenCalledTimes(1);
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
    expect(handle.getSnapshot()).toMatchObject({ loaded: true, pending: [{ mutationId: 1 }] });
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('A');
    loader.arrive();
    await frame();
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('Mine');
    expect(loader.load).toHaveBeenCalledTimes(1);
  });

  it('loads the mutators for a persisted offline queue and shows it over the confirmed document once they are here', async () => {
    const store = new MemoryOfflineStore();
    await store.save(ME, { clientId: ME, lastMutationId: 1, queue: [{ mutationId: 1, dashboardId: 'ops', name: 'updateWidget', args: { id: 'a', set: { title: 'offline' } }, createdAt: 1 }] });
    const loader = manualLoader();
    const { client, log } = await setup({ load: loader.load, store });
    expect(loader.load).toHaveBeenCalledTimes(1);
    const handle = await subscribedDashboard(client, log);
    // Sending never waits for them: the server runs its own.
    expect(FakeWebSocket.last.sentOfType('mutate').map((m) => m.mutationId)).toEqual([1]);
    loader.arrive();
    await frame();
    expect(handle.getSnapshot()).toMatchObject({ loaded: true, pending: [{ mutationId: 1 }] });
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('offline');
  });

  it('asks again after a failed load, waiting longer after each failure, until the mutators are here', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let attempts = 0;
    const load = vi.fn(() => (++attempts <= 2 ? Promise.reject(new Error('chunk missing')) : Promise.resolve<MutationRunner>(applyMutation)));
    const { client, log } = await setup({ load });
    const handle = await subscribedDashboard(client, log);
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(load).toHaveBeenCalledTimes(3);
    await frame();
    expect(handle.getSnapshot().view!.widgets.a!.title).toBe('Mine');
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });

  it('stops asking once closed', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const load = vi.fn(() => Promise.reject<MutationRunner>(new Error('chunk missing')));
    const { client, log } = await setup({ load });
    const handle = await subscribedDashboard(client, log);
    handle.updateWidget('a', { title: 'Mine' });
    await settle();
    await client.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(load).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
