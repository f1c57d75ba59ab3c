import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestServer, testClient, waitFor } from '@pulseboard/testing';
import type { PulseboardClient } from './types.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function server() {
  const srv = await startTestServer();
  cleanups.push(() => srv.close());
  await srv.createDashboard('ops');
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${srv.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return response.status === 204 ? null : ((await response.json()) as { token: string; id: string });
  };
  return { srv, admin };
}

function track(client: PulseboardClient): PulseboardClient {
  cleanups.push(() => client.close());
  return client;
}

const fatal = (client: PulseboardClient) => waitFor(() => client.connection.getSnapshot().state === 'fatal', [client.connection], { describe: () => JSON.stringify(client.connection.getSnapshot()) });

describe('a fatal connection names the server\'s reason (contracts C1, C2)', () => {
  it('client_id_in_use: a clientId another token already uses', async () => {
    const { srv, admin } = await server();
    const first = track(testClient(srv.url, { clientId: 'c_shared_id_0001' }));
    await waitFor(() => first.connection.getSnapshot().state === 'open', [first.connection]);
    const viewer = await admin('POST', '/api/tokens', { name: 'viewer', scopes: { view: ['ops'] } });
    const second = track(testClient(srv.url, { clientId: 'c_shared_id_0001', token: viewer!.token }));
    await fatal(second);
    expect(second.connection.getSnapshot().lastError).toMatchObject({ code: 'client_id_in_use', closeCode: 4003 });
  });

  it('token_revoked: the token is revoked while connected', async () => {
    const { srv, admin } = await server();
    const editor = await admin('POST', '/api/tokens', { name: 'editor', scopes: { edit: ['ops'] } });
    const client = track(testClient(srv.url, { clientId: 'c_revoked_0001', token: editor!.token }));
    await waitFor(() => client.connection.getSnapshot().state === 'open', [client.connection]);
    await admin('DELETE', `/api/tokens/${editor!.id}`);
    await fatal(client);
    expect(client.connection.getSnapshot().lastError).toMatchObject({ code: 'token_revoked', closeCode: 4001 });
  });
});
