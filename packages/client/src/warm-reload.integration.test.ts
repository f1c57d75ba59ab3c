import { afterEach, describe, expect, it } from 'vitest';
import type { HttpStreamSnapshot, SubscribedMessage } from '@pulseboard/protocol';
import { startTestServer, testClient, waitFor } from '@pulseboard/testing';
import { MemoryOfflineStore } from './offline-store.js';
import type { WebSocketManager } from './websocket-manager.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('a reload starts warm from persisted topic snapshots (issue 15)', () => {
  it('a new client on the same store shows the persisted stream and dashboard, resubscribes with since, is answered recovered:true while points are pushed, and ends equal to the server', async () => {
    const srv = await startTestServer();
    cleanups.push(() => srv.close());
    await srv.createDashboard('warm', 'Warm', { cpu: { id: 'cpu', type: 'stat', title: 'CPU', layout: { x: 0, y: 0, w: 3, h: 2 }, options: {}, stream: 'cpu' } });
    const push = (value: number) => srv.api('POST', '/api/streams/cpu', value);
    for (let i = 1; i <= 5; i++) await push(i);
    const store = new MemoryOfflineStore();
    const options = { store, storeKey: 'tab' };

    const first = testClient(srv.url, options);
    const cpu = first.stream('cpu');
    const board = first.dashboard('warm');
    await waitFor(() => cpu.getSnapshot().offset === 5 && board.getSnapshot().status === 'synced', [cpu, board]);
    board.updateWidget('cpu', { title: 'CPU load' });
    await waitFor(() => board.getSnapshot().pending.length === 0 && board.getSnapshot().confirmed?.widgets.cpu?.title === 'CPU load', [board]);
    await first.close();

    // Pushed while no client is open: the reload must catch up on these by replay.
    for (let i = 6; i <= 10; i++) await push(i);
    const version = (await srv.getDashboard('warm')).version;

    const second = testClient(srv.url, { ...options, autoConnect: false });
    cleanups.push(() => second.close());
    const answers: SubscribedMessage[] = [];
    (second.connection as WebSocketManager).on('subscribed', (m) => answers.push(m));
    await second.ready;
    const cpu2 = second.stream('cpu');
    const board2 = second.dashboard('warm');
    // Instant first paint: what the first client held, before any network round trip.
    expect(cpu2.getSnapshot()).toMatchObject({ latest: 5, offset: 5, loaded: true });
    expect(board2.getSnapshot()).toMatchObject({ loaded: true, status: 'offline' });
    expect(board2.getSnapshot().confirmed?.widgets.cpu?.title).toBe('CPU load');

    second.connect();
    const pushing = (async () => {
      for (let i = 11; i <= 20; i++) await push(i);
    })();
    await pushing;
    await waitFor(() => cpu2.getSnapshot().offset === 20 && board2.getSnapshot().status === 'synced', [cpu2, board2]);

    expect(answers.map((a) => [a.topic, a.recovered]).sort()).toEqual([
      ['dashboard:warm', true],
      ['stream:cpu', true],
    ]);
    const server = await srv.api<HttpStreamSnapshot>('GET', '/api/streams/cpu');
    expect(cpu2.getSnapshot()).toMatchObject({ latest: server.latest, latestTs: server.latestTs, offset: server.offset, epoch: server.epoch });
    expect(cpu2.getSnapshot().history.map((p) => [p.offset, p.value])).toEqual(server.history.map((p) => [p.offset, p.value]));
    expect(board2.getSnapshot().confirmed).toEqual(await srv.getDashboard('warm'));
    expect(board2.getSnapshot().confirmed?.version).toBe(version);
    // Two replays and the reconnect's HTTP refresh of the dashboard (If-None-Match → 304): all hits.
    await waitFor(() => second.monitor.getSnapshot().cacheHits + second.monitor.getSnapshot().cacheMisses >= 3, [second.monitor]);
    expect(second.monitor.getSnapshot()).toMatchObject({ cacheHits: 3, cacheMisses: 0, cacheHitRate: 1 });
  });
});
