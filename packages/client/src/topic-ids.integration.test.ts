import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import WebSocket from 'ws';
import { Feature } from '@pulseboard/protocol';
import { TcpProxy, seededRandom, startTestServer, testClient, testSeed, waitFor } from '@pulseboard/testing';
import type { DashboardHandle, PulseboardClient, StreamHandle, WebSocketConstructor } from './types.js';
import type { WebSocketManager } from './websocket-manager.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** `ws`, with the client's hello asking for `features` instead (none when undefined): a client that knows less. */
function askingFor(features: string[] | undefined): WebSocketConstructor {
  class AskingWebSocket extends WebSocket {
    override send(data: string): void {
      const message = JSON.parse(data) as { type: string; features?: string[] };
      if (message.type === 'hello') {
        if (features) message.features = features;
        else delete message.features;
      }
      super.send(JSON.stringify(message));
    }
  }
  return AskingWebSocket as unknown as WebSocketConstructor;
}

const streamState = (handle: StreamHandle) => {
  const { history, latest, latestTs, offset, epoch } = handle.getSnapshot();
  return { history, latest, latestTs, offset, epoch };
};

describe('a client with topic-ids against the real server', () => {
  it('converges exactly as clients with topic-ids but no ts-base, event-rows only and no features, across a connection cut', async () => {
    const seed = testSeed();
    onTestFailed(() => console.error(`topic-ids test seed: ${seed} (rerun with PULSEBOARD_TEST_SEED=${seed})`));
    const random = seededRandom(seed);
    const srv = await startTestServer();
    cleanups.push(() => srv.close());
    await srv.createDashboard('ids');
    const proxy = await TcpProxy.start(srv.server.port);
    cleanups.push(() => proxy.close());

    const asks = [undefined, [Feature.EVENT_ROWS, Feature.TOPIC_IDS], [Feature.EVENT_ROWS], []] as const;
    const clients: PulseboardClient[] = asks.map((features, i) =>
      testClient(proxy.url, {
        clientId: `ids-${i}-${seed}`.slice(0, 40),
        name: `client ${i}`,
        ...(features === undefined ? {} : { WebSocket: askingFor(features.length > 0 ? [...features] : undefined) }),
        config: { streamHistoryLimit: 10_000 },
      }),
    );
    for (const client of clients) cleanups.push(() => client.close());
    await Promise.all(clients.map((c) => c.ready));
    const managers = clients.map((c) => c.connection as WebSocketManager);
    await waitFor(() => managers.every((m) => m.state === 'open'), managers);
    expect(managers.map((m) => m.welcome?.features)).toEqual([[Feature.EVENT_ROWS, Feature.TOPIC_IDS, Feature.TS_BASE], [Feature.EVENT_ROWS, Feature.TOPIC_IDS], [Feature.EVENT_ROWS], undefined]);
    expect(managers.map((m) => typeof m.welcome?.tsBase)).toEqual(['number', 'undefined', 'undefined', 'undefined']);
    const dashboards: DashboardHandle[] = clients.map((c) => c.dashboard('ids'));
    const streams: StreamHandle[] = clients.map((c) => c.stream('metric'));
    const sources = [...dashboards, ...streams, ...managers];
    await waitFor(() => dashboards.every((d) => d.getSnapshot().status === 'synced') && streams.every((s) => s.getSnapshot().loaded), sources);

    const widgetIds = ['a', 'b', 'c', 'd'];
    for (const [i, id] of widgetIds.entries()) dashboards[i % dashboards.length]!.addWidget({ id, type: 'stat', title: id });
    let lastOffset = 0;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 15; i++) {
        const handle = dashboards[Math.floor(random() * dashboards.length)]!;
        const id = widgetIds[Math.floor(random() * widgetIds.length)]!;
        if (random() < 0.5) handle.moveWidget(id, Math.floor(random() * 10), Math.floor(random() * 6));
        else handle.updateWidget(id, { title: `r${round}-${i}` });
      }
      // Some points carry their own time (a row's third element), from before the server started too.
      const points = Array.from({ length: 1 + Math.floor(random() * 5) }, (_, n) => ({ value: { round, n, x: random() }, ...(n % 2 === 1 ? { ts: Date.now() - 3_600_000 * n } : {}) }));
      const [result] = await srv.server.sync.push([{ key: 'metric', points }]);
      lastOffset = result?.events.at(-1)?.offset ?? lastOffset;
      // A cut mid-way: every client resumes each topic from its position (replayed, under new ids).
      if (round === 2) proxy.cutAll();
      await new Promise((resolve) => setImmediate(resolve));
    }

    await waitFor(
      () =>
        dashboards.every((d) => d.getSnapshot().status === 'synced' && d.getSnapshot().pending.length === 0) &&
        streams.every((s) => s.getSnapshot().offset === lastOffset),
      sources,
      { describe: () => JSON.stringify({ dashboards: dashboards.map((d) => d.getSnapshot().status), streams: streams.map((s) => s.getSnapshot().offset), lastOffset }) },
    );
    const doc = await srv.getDashboard('ids');
    await waitFor(() => dashboards.every((d) => d.getSnapshot().confirmed?.version === doc.version), sources);
    for (const handle of dashboards) expect(handle.getSnapshot().confirmed).toEqual(doc);
    for (const stream of streams.slice(0, 3)) expect(streamState(stream)).toEqual(streamState(streams[3]!));
    expect(streams[3]!.getSnapshot().history.some((point) => point.ts < Date.now() - 3_000_000)).toBe(true);
    expect(streams[0]!.getSnapshot().history).toHaveLength(lastOffset);
    expect(managers.every((m) => m.getSnapshot().reconnects >= 1)).toBe(true);
    expect(managers.map((m) => m.getSnapshot().lastError?.code ?? null)).not.toContain('unknown_topic_id');
  });
});
