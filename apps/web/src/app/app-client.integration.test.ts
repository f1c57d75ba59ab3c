import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { PulseboardClient } from '@pulseboard/client';
import { ADMIN_TOKEN, startTestServer, waitFor, type TestServer } from '@pulseboard/testing';
import { clientFor, startBootClient } from './app-client';
import { addToken, getKeyring, resetKeyring } from './keyring';
import { preloadRenderers } from '../widgets/renderer-chunks';

// The renderers' chunks are the web build's (uPlot and all); here, only who asks for them.
vi.mock('../widgets/renderer-chunks', () => ({ preloadRenderers: vi.fn() }));

let server: TestServer;
const clients: PulseboardClient[] = [];
const identityOf = (token: string) => getKeyring().identities.find((i) => i.token === token)!;

beforeAll(async () => {
  // The page's WebSocket (Node 20 has none of its own; the app's client takes the global one).
  vi.stubGlobal('WebSocket', WebSocket);
  server = await startTestServer();
  await server.createDashboard('ops', 'Ops', {
    cpu: { id: 'cpu', type: 'stat', title: 'CPU', layout: { x: 0, y: 0, w: 3, h: 2 }, stream: 'ops.cpu', options: {} },
    idle: { id: 'idle', type: 'stat', title: 'Idle', layout: { x: 3, y: 0, w: 3, h: 2 }, stream: 'ops.idle', options: {} },
  });
  await server.api('POST', '/api/streams/ops.cpu', { points: [{ value: 41.5 }] });
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  // A boot client a test left untaken is closed here.
  clients.push(clientFor({ token: 'nobody', storeKey: 'nobody' }, server.url));
  for (const client of clients.splice(0)) await client.close();
  resetKeyring();
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await server?.close();
});

describe('the boot client', () => {
  it("loads the route's dashboard and its widgets' streams before the app renders, and is the client the app then takes", async () => {
    addToken(ADMIN_TOKEN, 'ops');
    startBootClient({ hash: '#/d/ops', origin: server.url });
    const client = clientFor(identityOf(ADMIN_TOKEN), server.url);
    clients.push(client);
    // No handle of the page's yet: the boot hold is what the page's first render peeks at.
    await waitFor(() => client.peekDashboard('ops')?.loaded === true && client.peekStream('ops.cpu')?.latest === 41.5, [client.connection, client.sync]);
    expect(client.peekDashboard('ops')!.view!.title).toBe('Ops');
    expect(client.peekStream('ops.idle')).toMatchObject({ latest: null });
    // The renderers its widgets need that load on demand were asked for with the document.
    expect(preloadRenderers).toHaveBeenCalledWith(new Set(['stat']));
    // Taken once: the next client for the same identity is a new one.
    const second = clientFor(identityOf(ADMIN_TOKEN), server.url);
    clients.push(second);
    expect(second).not.toBe(client);
  });

  it('is closed and replaced when the app settles on another identity, and is not made without a dashboard or an identity', async () => {
    addToken(ADMIN_TOKEN, 'ops');
    addToken('another-token');
    startBootClient({ hash: '#/d/ops', origin: server.url });
    const other = clientFor(identityOf('another-token'), server.url);
    clients.push(other);
    expect(other.peekDashboard('ops')).toBeNull();

    startBootClient({ hash: '#/', origin: server.url });
    const listClient = clientFor(identityOf(ADMIN_TOKEN), server.url);
    clients.push(listClient);
    expect(listClient.peekDashboard('ops')).toBeNull();

    resetKeyring();
    startBootClient({ hash: '#/d/ops', origin: server.url });
    addToken(ADMIN_TOKEN, 'ops');
    const fresh = clientFor(identityOf(ADMIN_TOKEN), server.url);
    clients.push(fresh);
    expect(fresh.peekDashboard('ops')).toBeNull();
  });
});
