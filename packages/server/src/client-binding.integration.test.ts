import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION, type AckMessage } from '@pulseboard/protocol';
import { startTestServer, type TestServer } from './http/test-server.js';
import { TestClient } from './ws/gateway-test-harness.js';

/**
 * Issue 7.1: a clientId belongs to the token that used it first. An attacker who learns a
 * victim's clientId (every event names it) can neither read the victim's stored results nor
 * advance its mutation counter, over WebSocket or HTTP.
 */
let t: TestServer;
let victimToken: string;
let attackerToken: string;
const VICTIM_CLIENT = 'victim-client-0001';

async function token(name: string, scopes: object): Promise<string> {
  const res = await t.json('POST', '/api/tokens', { body: { name, scopes } });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

async function connect(tokenSecret: string, clientId: string): Promise<TestClient> {
  const client = await TestClient.open(`${t.server.url.replace(/^http/, 'ws')}/ws`);
  client.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: tokenSecret, clientId });
  return client;
}

function addWidget(mutationId: number, id: string) {
  return { mutationId, name: 'addWidget', args: { widget: { id, type: 'stat', title: id } } };
}

beforeAll(async () => {
  t = await startTestServer();
  await t.json('POST', '/api/dashboards', { body: { id: 'victim-board', title: 'X' } });
  await t.json('POST', '/api/dashboards', { body: { id: 'attacker-board', title: 'Y' } });
  victimToken = await token('victim', { edit: ['victim-board'] });
  attackerToken = await token('attacker', { edit: ['attacker-board'] });
  // The victim edits over WebSocket: its clientId is now bound to its token.
  const victim = await connect(victimToken, VICTIM_CLIENT);
  await victim.waitFor((m) => m.type === 'welcome');
  victim.send({ type: 'mutate', dashboardId: 'victim-board', ...addWidget(1, 'secret') });
  expect(await victim.waitFor<AckMessage>((m) => m.type === 'ack')).toMatchObject({ mutationId: 1, status: 'applied' });
  await victim.close();
});
afterAll(async () => {
  await t.stop();
});

describe('clientIds are bound to the token that used them first', () => {
  it('refuses a WebSocket hello with another token\'s clientId: error client_id_in_use, then close 4003', async () => {
    const attacker = await connect(attackerToken, VICTIM_CLIENT);
    const closed = await attacker.closed;
    expect(closed).toEqual({ code: CloseCode.FORBIDDEN, reason: 'client_id_in_use' });
    expect(attacker.messages).toEqual([expect.objectContaining({ type: 'error', code: 'client_id_in_use', ref: { type: 'hello' } })]);
  });

  it('answers 409 client_id_in_use to HTTP mutations with another token\'s clientId, returning no stored result and moving no counter', async () => {
    for (const mutationId of [1, 2]) {
      const res = await t.json('POST', '/api/dashboards/attacker-board/mutations', {
        token: attackerToken,
        body: { clientId: VICTIM_CLIENT, mutations: [addWidget(mutationId, `w${mutationId}`)] },
      });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: { code: 'client_id_in_use', message: expect.stringContaining(VICTIM_CLIENT) } });
    }
    // The victim's next real edit is applied, not answered as a duplicate.
    const victim = await t.json('POST', '/api/dashboards/victim-board/mutations', {
      token: victimToken,
      body: { clientId: VICTIM_CLIENT, mutations: [addWidget(2, 'next')] },
    });
    expect(victim.status).toBe(200);
    expect(victim.body).toMatchObject({ lastMutationId: 2, results: [{ mutationId: 2, status: 'applied', duplicate: false }] });
  });

  it('answers /api/sync/status?clientId= only for the caller\'s own clientIds', async () => {
    const theirs = await t.json('GET', `/api/sync/status?clientId=${VICTIM_CLIENT}`, { token: attackerToken });
    expect(theirs.status).toBe(409);
    expect(theirs.body.error.code).toBe('client_id_in_use');
    const own = await t.json('GET', `/api/sync/status?clientId=${VICTIM_CLIENT}`, { token: victimToken });
    expect(own.body).toMatchObject({ clientId: VICTIM_CLIENT, lastMutationId: 2 });
    // Even the admin is another identity: it uses clientIds of its own.
    expect((await t.json('GET', `/api/sync/status?clientId=${VICTIM_CLIENT}`)).status).toBe(409);
    expect((await t.json('GET', '/api/sync/status?clientId=unused-client-9', { token: attackerToken })).body).toMatchObject({ lastMutationId: 0 });
  });

  it('lets every token use clientIds of its own, over HTTP then WebSocket', async () => {
    const res = await t.json('POST', '/api/dashboards/attacker-board/mutations', {
      token: attackerToken,
      body: { clientId: 'attacker-client-01', mutations: [addWidget(1, 'a1')] },
    });
    expect(res.body.results[0]).toMatchObject({ status: 'applied' });
    const again = await connect(attackerToken, 'attacker-client-01');
    expect(await again.waitFor((m) => m.type === 'welcome')).toMatchObject({ lastMutationId: 1 });
    await again.close();
    const victimOnAttackers = await connect(victimToken, 'attacker-client-01');
    expect((await victimOnAttackers.closed).reason).toBe('client_id_in_use');
  });
});
