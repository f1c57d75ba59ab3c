import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardTopic } from '@pulseboard/protocol';
import { IndexedDbOfflineStore } from './indexeddb-offline-store.js';
import { ADMIN_TOKEN, TcpProxy, startTestServer, testClient, waitFor, type TestServer } from '@pulseboard/testing';
import type { PulseboardClient } from './types.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** How many times each mutation of `clientId` appears in the dashboard's event log. */
async function eventCounts(srv: TestServer, dashboardId: string, clientId: string): Promise<Map<number, number>> {
  const events = await srv.server.sync.storage.readEvents(dashboardTopic(dashboardId), 0, 10_000);
  const counts = new Map<number, number>();
  for (const event of events) {
    const data = event.data as { kind?: string; clientId?: string; mutationId?: number };
    if (data.kind === 'mutation' && data.clientId === clientId) counts.set(data.mutationId!, (counts.get(data.mutationId!) ?? 0) + 1);
  }
  return counts;
}

async function synced(client: PulseboardClient, dashboardId: string) {
  const handle = client.dashboard(dashboardId);
  await waitFor(() => handle.getSnapshot().status === 'synced' && handle.getSnapshot().pending.length === 0, [handle, client.connection]);
  return handle;
}

describe('offline edits survive a restart (issue 3, 6b)', () => {
  it('edits made offline are persisted, restored after a restart, replayed on reconnect and applied exactly once', async () => {
    const srv = await startTestServer();
    cleanups.push(() => srv.close());
    await srv.createDashboard('offline');
    const proxy = await TcpProxy.start(srv.server.port);
    cleanups.push(() => proxy.close());
    const store = new IndexedDbOfflineStore({ databaseName: 'pulseboard-6b' });
    const options = { store, storeKey: 'laptop', config: { httpFallbackAfterMs: 600_000 } };

    const first = testClient(proxy.url, options);
    await first.ready;
    const clientId = first.clientId;
    const handle = await synced(first, 'offline');
    handle.addWidget({ id: 'w1', type: 'stat', title: 'online' });
    await waitFor(() => handle.getSnapshot().pending.length === 0 && handle.getSnapshot().confirmed?.widgets.w1 !== undefined, [handle]);

    // Offline: the proxy cuts the connection and refuses new ones.
    proxy.refusing = true;
    proxy.cutAll();
    await waitFor(() => first.connection.getSnapshot().state !== 'open', [first.connection]);
    handle.updateWidget('w1', { title: 'edited offline' });
    handle.addWidget({ id: 'w2', type: 'gauge', title: 'added offline' });
    handle.moveWidget('w2', 6, 0);
    handle.updateWidget('w2', { options: { unit: 'ms' } });
    expect(handle.getSnapshot()).toMatchObject({ status: 'offline' });
    expect(handle.getSnapshot().pending).toHaveLength(4);
    expect(handle.getSnapshot().view!.widgets.w1!.title).toBe('edited offline');
    await first.close();

    const persisted = await store.load('laptop');
    expect(persisted!.clientId).toBe(clientId);
    expect(persisted!.queue.map((m) => m.name)).toEqual(['updateWidget', 'addWidget', 'moveWidget', 'updateWidget']);
    const serverBefore = await srv.getDashboard('offline');
    expect(serverBefore.widgets.w1!.title).toBe('online');

    // Restart: a new client on the same store, network back.
    proxy.refusing = false;
    const second = testClient(proxy.url, options);
    cleanups.push(() => second.close());
    await second.ready;
    expect(second.clientId).toBe(clientId);
    const again = second.dashboard('offline');
    expect(again.getSnapshot().pending).toHaveLength(4);
    await waitFor(() => again.getSnapshot().status === 'synced' && again.getSnapshot().pending.length === 0, [again, second.connection]);
    const doc = await srv.getDashboard('offline');
    await waitFor(() => again.getSnapshot().confirmed?.version === doc.version, [again]);
    expect(again.getSnapshot().confirmed).toEqual(doc);
    expect(doc.widgets.w1!.title).toBe('edited offline');
    expect(doc.widgets.w2).toMatchObject({ title: 'added offline', options: { unit: 'ms' } });
    expect(doc.widgets.w2!.layout.x).toBe(6);

    const counts = await eventCounts(srv, 'offline', clientId);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(await srv.server.sync.storage.getLastMutationId(clientId)).toBe(5);
  });

  it('a queue whose head the server applied before the restart (acks lost) resends only the rest', async () => {
    const srv = await startTestServer();
    cleanups.push(() => srv.close());
    await srv.createDashboard('acks');
    const store = new IndexedDbOfflineStore({ databaseName: 'pulseboard-6b-acks' });
    const clientId = 'client-lost-acks-1';
    const queue = [
      { mutationId: 1, dashboardId: 'acks', name: 'addWidget', args: { widget: { id: 'a', type: 'stat', title: 'A' } }, createdAt: 1 },
      { mutationId: 2, dashboardId: 'acks', name: 'updateWidget', args: { id: 'a', set: { title: 'A2' } }, createdAt: 2 },
      { mutationId: 3, dashboardId: 'acks', name: 'updateWidget', args: { id: 'a', set: { options: { unit: '%' } } }, createdAt: 3 },
    ];
    await store.save('phone', { clientId, lastMutationId: 3, queue });
    // The server got the first two before the "crash"; their acks never arrived.
    const response = await fetch(`${srv.url}/api/dashboards/acks/mutations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, mutations: queue.slice(0, 2).map(({ mutationId, name, args }) => ({ mutationId, name, args })) }),
    });
    expect(response.status).toBe(200);

    const client = testClient(srv.url, { store, storeKey: 'phone' });
    cleanups.push(() => client.close());
    await client.ready;
    expect(client.clientId).toBe(clientId);
    const handle = await synced(client, 'acks');
    const doc = await srv.getDashboard('acks');
    await waitFor(() => handle.getSnapshot().confirmed?.version === doc.version, [handle]);
    expect(handle.getSnapshot().view).toEqual(doc);
    expect(doc.widgets.a).toMatchObject({ title: 'A2', options: { unit: '%' } });
    const counts = await eventCounts(srv, 'acks', clientId);
    expect([...counts.entries()].sort()).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect((await store.load('phone'))!.queue).toEqual([]);
  });
});
