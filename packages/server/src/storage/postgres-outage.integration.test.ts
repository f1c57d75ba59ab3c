import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '@pulseboard/protocol';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../http/test-server.js';
import { TestClient } from '../ws/gateway-test-harness.js';
import { PostgresStorage } from './postgres-storage.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './postgres-test-database.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * PostgreSQL out of reach behind a proxy that cuts every connection: writes answer 503
 * `storage_unavailable` (HTTP) or an `error` naming the mutation (WebSocket), nothing
 * acknowledged is lost, and the node recovers on its own when the database is back.
 */

const HAVE_POSTGRES = await postgresAvailable('the PostgreSQL outage test');

describe.skipIf(!HAVE_POSTGRES)('a node whose PostgreSQL goes away', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let server: TestServer;
  let socket: TestClient;
  beforeAll(async () => {
    db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    target.port = String(proxy.port);
    server = await startTestServer({ storageKind: 'postgres', databaseUrl: target.toString() });
    expect((await server.json('POST', '/api/dashboards', { body: { id: 'ops', title: 'Ops' } })).status).toBe(201);
    socket = await TestClient.open(`${server.server.url.replace('http', 'ws')}/ws`);
    await socket.hello({ token: TEST_ADMIN_TOKEN });
  });
  afterAll(async () => {
    socket?.ws.terminate();
    await server?.stop();
    await proxy?.close();
    await db?.drop();
  });

  const mutate = (mutationId: number) =>
    socket.send({ type: 'mutate', dashboardId: 'ops', mutationId, name: 'addWidget', args: { widget: { id: `w${mutationId}`, type: 'stat' } } });
  const answerTo = (mutationId: number, after: number) =>
    socket.waitFor(
      (m: ServerMessage) =>
        socket.messages.indexOf(m) >= after &&
        ((m.type === 'ack' && m.mutationId === mutationId) || (m.type === 'error' && m.ref?.type === 'mutate' && m.ref.mutationId === mutationId)),
      15_000,
    );

  it('answers writes with storage_unavailable while cut, loses nothing acknowledged, and recovers by itself', async () => {
    const acked: number[] = [];
    const push = async (value: number) => {
      const response = await server.json<{ error?: { code: string } }>('POST', '/api/streams/outage.points', { body: value });
      if (response.status === 200) acked.push(value);
      return response;
    };
    for (let value = 1; value <= 5; value++) expect((await push(value)).status).toBe(200);
    mutate(1);
    expect(await answerTo(1, 0)).toMatchObject({ type: 'ack', status: 'applied' });

    await proxy.cut();
    const refused = await push(6);
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('storage_unavailable');
    let seen = socket.messages.length;
    mutate(2);
    expect(await answerTo(2, seen)).toMatchObject({ type: 'error', code: 'storage_unavailable', ref: { type: 'mutate', mutationId: 2 } });
    // The node itself stays up: health answers while the database is away.
    expect((await server.json('GET', '/api/health')).status).toBe(200);

    await proxy.restore();
    // The pool reconnects on the next request: no restart, no operator.
    for (let value = 7; value <= 10; value++) expect((await push(value)).status).toBe(200);
    seen = socket.messages.length;
    mutate(2);
    const ack = await answerTo(2, seen);
    // Applied now, for the first time: the refused attempt wrote nothing.
    expect(ack).toMatchObject({ type: 'ack', status: 'applied' });
    expect(ack).not.toHaveProperty('duplicate', true);

    const check = await PostgresStorage.open({ connectionString: db.url });
    const stream = await check.getStream('outage.points');
    expect(stream?.history.map((p) => p.value)).toEqual(acked);
    expect(acked).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10]);
    expect(await check.getLastMutationId(socket.clientId)).toBe(2);
    expect(Object.keys((await check.getDashboard('ops'))?.widgets ?? {}).sort()).toEqual(['w1', 'w2']);
    await check.close();
  });
});
