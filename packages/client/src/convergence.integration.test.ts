import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Dashboard } from '@pulseboard/model';
import { seededRandom, startTestServer, testClient, testSeed, waitFor } from '@pulseboard/testing';
import type { DashboardHandle, PulseboardClient } from './types.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Waits until every handle is synced with nothing pending, then until all equal the server's document. */
export async function expectConverged(clients: PulseboardClient[], handles: DashboardHandle[], serverDoc: () => Promise<Dashboard>): Promise<Dashboard> {
  const sources = [...handles, ...clients.map((c) => c.connection)];
  await waitFor(() => handles.every((h) => h.getSnapshot().status === 'synced' && h.getSnapshot().pending.length === 0), sources, {
    describe: () => JSON.stringify(handles.map((h) => ({ status: h.getSnapshot().status, pending: h.getSnapshot().pending.length }))),
  });
  const doc = await serverDoc();
  await waitFor(() => handles.every((h) => (h.getSnapshot().confirmed?.version ?? -1) >= doc.version), sources, {
    describe: () => `server at ${doc.version}, clients at ${handles.map((h) => h.getSnapshot().confirmed?.version).join(',')}`,
  });
  for (const handle of handles) {
    expect(handle.getSnapshot().confirmed).toEqual(doc);
    expect(handle.getSnapshot().view).toEqual(handle.getSnapshot().confirmed);
  }
  return doc;
}

describe('two clients against the real server (issue 3, 6a)', () => {
  it('edit the same dashboard concurrently — same field, move versus delete — and end identical to the server', async () => {
    const seed = testSeed();
    onTestFailed(() => console.error(`convergence test seed: ${seed} (rerun with PULSEBOARD_TEST_SEED=${seed})`));
    const random = seededRandom(seed);
    const srv = await startTestServer();
    cleanups.push(() => srv.close());
    await srv.createDashboard('shared');
    const clients = ['alice', 'bob'].map((name) => testClient(srv.url, { name, clientId: `client-${name}-${seed}`.slice(0, 40) }));
    for (const c of clients) cleanups.push(() => c.close());
    const handles = clients.map((c) => c.dashboard('shared'));
    await waitFor(() => handles.every((h) => h.getSnapshot().loaded && h.getSnapshot().status === 'synced'), [...handles, ...clients.map((c) => c.connection)]);

    // Both add widgets, then race on them.
    handles[0]!.addWidget({ id: 'w1', type: 'stat', title: 'one' });
    handles[0]!.addWidget({ id: 'w2', type: 'stat', title: 'two' });
    handles[1]!.addWidget({ id: 'w3', type: 'line', title: 'three' });
    await expectConverged(clients, handles, () => srv.getDashboard('shared'));

    // Same field of the same widget, at the same time.
    handles[0]!.updateWidget('w1', { title: 'alice wins?' });
    handles[1]!.updateWidget('w1', { title: 'bob wins?' });
    // Move versus delete.
    handles[0]!.moveWidget('w2', 6, 4);
    handles[1]!.removeWidget('w2');
    // Different fields of one widget both survive.
    handles[0]!.updateWidget('w3', { options: { unit: '%' } });
    handles[1]!.updateWidget('w3', { title: 'renamed' });
    const doc = await expectConverged(clients, handles, () => srv.getDashboard('shared'));
    expect(['alice wins?', 'bob wins?']).toContain(doc.widgets.w1!.title);
    expect(doc.widgets.w2).toBeUndefined();
    expect(doc.widgets.w3).toMatchObject({ title: 'renamed', options: { unit: '%' } });

    // A seeded burst of random edits from both sides, not awaited between them.
    const ids = ['w1', 'w3', 'w4', 'w5', 'w6'];
    handles[0]!.addWidget({ id: 'w4', type: 'gauge', title: 'four' });
    handles[1]!.addWidget({ id: 'w5', type: 'text', title: 'five' });
    handles[1]!.addWidget({ id: 'w6', type: 'status', title: 'six' });
    for (let i = 0; i < 200; i++) {
      const handle = handles[Math.floor(random() * 2)]!;
      const id = ids[Math.floor(random() * ids.length)]!;
      const op = random();
      if (op < 0.35) handle.moveWidget(id, Math.floor(random() * 10), Math.floor(random() * 8));
      else if (op < 0.5) handle.resizeWidget(id, 1 + Math.floor(random() * 4), 1 + Math.floor(random() * 3));
      else if (op < 0.8) handle.updateWidget(id, { title: `t${i}` }, random() < 0.3 ? { debounce: 5 } : {});
      else if (op < 0.95) handle.updateWidget(id, { options: { n: i } });
      else handle.removeWidget(id);
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    const final = await expectConverged(clients, handles, () => srv.getDashboard('shared'));
    expect(final.version).toBeGreaterThan(doc.version);
    const lastIds = await Promise.all(clients.map((c) => srv.server.sync.storage.getLastMutationId(c.clientId)));
    expect(lastIds.every((n) => n > 0)).toBe(true);
  }, 60_000);
});
