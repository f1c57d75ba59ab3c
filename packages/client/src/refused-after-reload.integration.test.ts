import { afterEach, describe, expect, it } from 'vitest';
import { MemoryOfflineStore } from './offline-store.js';
import { ADMIN_TOKEN, startTestServer, testClient, waitFor } from '@pulseboard/testing';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/**
 * The page sent edit 1 (a widget nobody has any more) and was reloaded before its ack
 * arrived: the server refused and recorded it, the persisted queue still holds it.
 */
async function refusedWhileReloading(clientId: string) {
  const srv = await startTestServer();
  cleanups.push(() => srv.close());
  await srv.createDashboard('ops');
  const edit = { mutationId: 1, name: 'updateWidget', args: { id: 'ghost', set: { title: 'x' } } };
  const response = await fetch(`${srv.url}/api/dashboards/ops/mutations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, mutations: [edit] }),
  });
  const body = (await response.json()) as { lastMutationId: number; results: Array<{ status: string; error?: { code: string } }> };
  expect(body).toMatchObject({ lastMutationId: 1, results: [{ status: 'rejected', error: { code: 'widget_not_found' } }] });
  const store = new MemoryOfflineStore();
  await store.save(clientId, { clientId, lastMutationId: 1, queue: [{ ...edit, dashboardId: 'ops', createdAt: Date.now() }] });
  const client = testClient(srv.url, { clientId, store });
  cleanups.push(() => client.close());
  return client;
}

describe('an edit refused while the page reloaded (issue 7, item 11)', () => {
  it('is rolled back with the server\'s own reason after the fresh subscribe\'s snapshot, not dropped without a word', async () => {
    const client = await refusedWhileReloading('c_reload_held_0001');
    const handle = client.dashboard('ops');
    cleanups.push(async () => handle.release());
    await waitFor(() => handle.getSnapshot().notices.length > 0, [handle], { describe: () => JSON.stringify(handle.getSnapshot().pending) });
    expect(handle.getSnapshot().notices).toMatchObject([{ kind: 'rejected', error: { code: 'widget_not_found' }, mutation: { mutationId: 1, name: 'updateWidget' } }]);
    await waitFor(() => handle.getSnapshot().status === 'synced', [handle]);
    expect(handle.getSnapshot().pending).toEqual([]);
  });

  it('is reported through client.notices when nobody holds its dashboard', async () => {
    const client = await refusedWhileReloading('c_reload_unheld_01');
    await waitFor(() => client.notices.getSnapshot().length > 0, [client.notices]);
    expect(client.notices.getSnapshot()).toMatchObject([{ kind: 'rejected', dashboardId: 'ops', error: { code: 'widget_not_found' }, mutation: { mutationId: 1 } }]);
    await waitFor(() => client.sync.getSnapshot().queueLength === 0, [client.sync]);
  });
});
