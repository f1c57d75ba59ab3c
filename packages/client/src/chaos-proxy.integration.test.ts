import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { dashboardTopic } from '@pulseboard/protocol';
import { ADMIN_TOKEN, TcpProxy, seededRandom, startTestServer, testClient, testSeed, waitFor } from '@pulseboard/testing';
import type { DashboardHandle, PulseboardClient, StreamHandle } from './types.js';
import type { WebSocketManager } from './websocket-manager.js';

/** Length of the chaos phase; PULSEBOARD_CHAOS_MS shortens it while developing. */
const CHAOS_MS = Number(process.env.PULSEBOARD_CHAOS_MS ?? 30_000);
const CLIENTS = 3;
const PUSH_INTERVAL_MS = 40;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Follows a stream handle and checks every point is seen once, in offset order, with its pushed value. */
function followStream(handle: StreamHandle, errors: string[], name: string) {
  let lastOffset = 0;
  const values = new Map<number, unknown>();
  const check = () => {
    const history = handle.getSnapshot().history;
    // Applied once: a point applied twice would sit in the history twice.
    for (let i = 1; i < history.length; i++) {
      if (history[i]!.offset <= history[i - 1]!.offset) errors.push(`${name}: history has offset ${history[i]!.offset} after ${history[i - 1]!.offset}`);
    }
    for (const point of history) {
      if (point.offset <= lastOffset) {
        if (values.has(point.offset) && values.get(point.offset) !== point.value) errors.push(`${name}: offset ${point.offset} changed value`);
        continue;
      }
      if (point.offset !== lastOffset + 1) errors.push(`${name}: jumped from offset ${lastOffset} to ${point.offset}`);
      lastOffset = point.offset;
      values.set(point.offset, point.value);
    }
  };
  const off = handle.subscribe(check);
  return { off, values, get lastOffset() { return lastOffset; } };
}

describe('clients behind a connection-cutting proxy (issue 3, 6c)', () => {
  it('converge with the server, lose no acknowledged mutation, apply none twice, and apply every stream point once in order', async () => {
    const seed = testSeed();
    onTestFailed(() => console.error(`chaos proxy test seed: ${seed} (rerun with PULSEBOARD_TEST_SEED=${seed})`));
    const random = seededRandom(seed);
    const srv = await startTestServer();
    cleanups.push(() => srv.close());
    await srv.createDashboard('chaos');
    const proxy = await TcpProxy.start(srv.server.port);
    cleanups.push(() => proxy.close());

    const clients: PulseboardClient[] = [];
    const dashboards: DashboardHandle[] = [];
    const streams: StreamHandle[] = [];
    const acked: Array<{ clientId: string; mutationId: number }> = [];
    const maxIssued = new Map<string, number>();
    const streamErrors: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const client = testClient(proxy.url, {
        clientId: `chaos-${i}-${seed}`.slice(0, 40),
        name: `client ${i}`,
        config: { httpFallbackAfterMs: 1_000, httpFallbackIntervalMs: 500, requestTimeoutMs: 2_000, maxNotices: 10_000, streamHistoryLimit: 100_000 },
      });
      cleanups.push(() => client.close());
      await client.ready;
      (client.connection as WebSocketManager).on('ack', (ack) => {
        if (ack.status === 'applied' || ack.status === 'conflict') acked.push({ clientId: client.clientId, mutationId: ack.mutationId });
      });
      clients.push(client);
      dashboards.push(client.dashboard('chaos'));
      streams.push(client.stream('metric'));
    }
    const followers = streams.map((s, i) => followStream(s, streamErrors, `client ${i}`));
    await waitFor(() => dashboards.every((d) => d.getSnapshot().status === 'synced'), [...dashboards, ...clients.map((c) => c.connection)]);
    dashboards[0]!.addWidget({ id: 'shared', type: 'stat', title: 'shared' });

    let running = true;
    const deadline = Date.now() + CHAOS_MS;

    // The network: cut everything every 0.5–3 s; now and then refuse new connections for a while.
    const chaos = (async () => {
      while (running && Date.now() < deadline) {
        await delay(500 + random() * 2_500);
        proxy.cutAll();
        if (random() < 0.25) {
          proxy.refusing = true;
          await delay(200 + random() * 1_500);
          proxy.refusing = false;
        }
      }
    })();

    // Stream data, pushed straight to the server (not through the proxy).
    const pushed: number[] = [];
    const publisher = (async () => {
      while (running && Date.now() < deadline) {
        const value = Math.round(random() * 1_000_000);
        const response = await fetch(`${srv.url}/api/streams/metric`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(value),
        });
        const body = (await response.json()) as { offset: number };
        pushed[body.offset] = value;
        await delay(PUSH_INTERVAL_MS);
      }
    })();

    // Editors: each client edits its own widgets and the shared one at random.
    const editors = dashboards.map(async (handle, c) => {
      const own: string[] = [];
      let n = 0;
      const issue = (id: number | null) => {
        const clientId = clients[c]!.clientId;
        if (id !== null) maxIssued.set(clientId, Math.max(maxIssued.get(clientId) ?? 0, id));
      };
      while (running && Date.now() < deadline) {
        await delay(60 + random() * 140);
        const pick = random();
        const targets = ['shared', ...own];
        const target = targets[Math.floor(random() * targets.length)]!;
        if (pick < 0.1 && own.length < 6) {
          const id = `c${c}w${n++}`;
          own.push(id);
          issue(handle.addWidget({ id, type: 'stat', title: id }));
        } else if (pick < 0.15 && own.length > 0) {
          issue(handle.removeWidget(own.splice(Math.floor(random() * own.length), 1)[0]!));
        } else if (pick < 0.45) issue(handle.moveWidget(target, Math.floor(random() * 9), Math.floor(random() * 10)));
        else if (pick < 0.55) issue(handle.resizeWidget(target, 1 + Math.floor(random() * 4), 1 + Math.floor(random() * 3)));
        else if (pick < 0.85) issue(handle.updateWidget(target, { title: `c${c}-${n++}` }));
        else issue(handle.updateWidget(target, { options: { n: n++ } }));
      }
    });

    await Promise.all([chaos, publisher, ...editors]);
    running = false;
    proxy.refusing = false;
    // At most 3 s between cuts plus at most 1.7 s refusing: at least one cut per 4.7 s.
    expect(proxy.cuts).toBeGreaterThanOrEqual(Math.floor(CHAOS_MS / 4_700) - 1);

    // Quiet network: everyone must converge.
    const sources = [...dashboards, ...streams, ...clients.map((c) => c.connection)];
    await waitFor(() => dashboards.every((d) => d.getSnapshot().status === 'synced' && d.getSnapshot().pending.length === 0), sources, {
      timeoutMs: 25_000,
      describe: () => JSON.stringify(dashboards.map((d, i) => ({ status: d.getSnapshot().status, pending: d.getSnapshot().pending.length, conn: clients[i]!.connection.getSnapshot().state }))),
    });
    const doc = await srv.getDashboard('chaos');
    await waitFor(() => dashboards.every((d) => d.getSnapshot().confirmed?.version === doc.version), sources, {
      timeoutMs: 10_000,
      describe: () => `server ${doc.version}; clients ${dashboards.map((d) => d.getSnapshot().confirmed?.version).join(',')}`,
    });
    for (const d of dashboards) {
      expect(d.getSnapshot().confirmed).toEqual(doc);
      expect(d.getSnapshot().view).toEqual(doc);
    }

    // Exactly once: no mutation twice in the log, every acknowledged one in it, every issued id processed.
    const events = await srv.server.sync.storage.readEvents(dashboardTopic('chaos'), 0, 100_000);
    const seen = new Map<string, number>();
    for (const event of events) {
      const data = event.data as { kind: string; clientId?: string; mutationId?: number };
      if (data.kind !== 'mutation') continue;
      const key = `${data.clientId}#${data.mutationId}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(acked.filter((a) => !seen.has(`${a.clientId}#${a.mutationId}`))).toEqual([]);
    for (const client of clients) {
      expect(await srv.server.sync.storage.getLastMutationId(client.clientId)).toBe(maxIssued.get(client.clientId) ?? 0);
    }

    // Streams: every point once, in order, with the value pushed.
    const lastOffset = pushed.length - 1;
    await waitFor(() => streams.every((s) => s.getSnapshot().offset === lastOffset), sources, {
      timeoutMs: 10_000,
      describe: () => `pushed up to ${lastOffset}; clients at ${streams.map((s) => s.getSnapshot().offset).join(',')}`,
    });
    expect(streamErrors).toEqual([]);
    for (const follower of followers) {
      expect(follower.lastOffset).toBe(lastOffset);
      for (let offset = 1; offset <= lastOffset; offset++) expect(follower.values.get(offset)).toBe(pushed[offset]);
      follower.off();
    }
    console.info(`chaos: seed ${seed}, ${proxy.cuts} cuts, ${events.length} events, ${acked.length} socket acks, ${lastOffset} stream points, reconnects ${clients.map((c) => c.connection.getSnapshot().reconnects).join('/')}`);
  }, 90_000);
});
