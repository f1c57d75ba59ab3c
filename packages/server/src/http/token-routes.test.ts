import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@pulseboard/protocol';
import { TestClient } from '../ws/gateway-test-harness.js';
import { startTestServer, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.json('POST', '/api/dashboards', { body: { id: 'sales', title: 'Sales' } });
  await t.json('POST', '/api/dashboards', { body: { id: 'ops', title: 'Ops' } });
});
afterAll(async () => {
  await t.stop();
});

async function token(body: object): Promise<string> {
  const res = await t.json('POST', '/api/tokens', { body });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

describe('authentication', () => {
  it('answers 401 with a JSON error when the token is missing or unknown', async () => {
    const missing = await t.json('GET', '/api/dashboards', { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    expect(missing.body.error.message).toMatch(/Authorization: Bearer/);
    expect((await t.json('GET', '/api/streams', { token: 'pb_unknown' })).status).toBe(401);
    expect((await t.json('POST', '/api/streams/x', { token: null, body: 1 })).status).toBe(401);
  });

  it('keeps /api/health and the web app public', async () => {
    expect((await t.api('GET', '/api/health', { token: null })).status).toBe(200);
    expect((await t.api('GET', '/', { token: null })).status).toBe(200);
  });
});

describe('scoped tokens', () => {
  it('lets a push token push to its prefixes only (403 elsewhere) and read what it may push', async () => {
    const push = await token({ name: 'collector', scopes: { push: ['sales.'] } });
    expect((await t.json('POST', '/api/streams/sales.today', { token: push, body: 5 })).status).toBe(200);
    const denied = await t.json('POST', '/api/streams/ops.cpu', { token: push, body: 5 });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toEqual({ code: 'forbidden', message: 'token may not push to stream "ops.cpu"' });
    const batch = await t.json('POST', '/api/streams', { token: push, body: { streams: { 'sales.a': 1, 'ops.b': 2 } } });
    expect(batch.status).toBe(403);
    expect((await t.json('GET', '/api/streams/sales.today', { token: push })).status).toBe(200);
    expect((await t.json('GET', '/api/dashboards/sales', { token: push })).status).toBe(403);
  });

  it('lets a view token read its dashboards but not edit them', async () => {
    const view = await token({ name: 'tv', scopes: { view: ['sales'] } });
    expect((await t.json('GET', '/api/dashboards/sales', { token: view })).status).toBe(200);
    expect((await t.json('GET', '/api/dashboards/ops', { token: view })).status).toBe(403);
    expect((await t.json('PUT', '/api/dashboards/sales', { token: view, body: { title: 'x' } })).status).toBe(403);
    expect((await t.json('POST', '/api/streams/sales.x', { token: view, body: 1 })).status).toBe(403);
    expect((await t.json('GET', '/api/tokens', { token: view })).status).toBe(403);
  });

  it('lets an edit token change its dashboard, send mutations, and nothing more', async () => {
    const edit = await token({ name: 'editor', scopes: { edit: ['ops'] } });
    expect((await t.json('PUT', '/api/dashboards/ops', { token: edit, body: { title: 'Ops!' } })).status).toBe(200);
    const mut = await t.json('POST', '/api/dashboards/ops/mutations', {
      token: edit,
      body: { clientId: 'editor-client', mutations: [{ mutationId: 1, name: 'setDashboardMeta', args: { set: { title: 'Ops 2' } } }] },
    });
    expect(mut.body.results[0].status).toBe('applied');
    expect((await t.json('DELETE', '/api/dashboards/sales', { token: edit })).status).toBe(403);
    expect((await t.json('POST', '/api/dashboards/sales/mutations', { token: edit, body: { clientId: 'editor-client', mutations: [] } })).status).toBe(403);
  });

  it('refuses an expired token', async () => {
    const res = await t.json('POST', '/api/tokens', { body: { name: 'short', scopes: { view: ['*'] }, expiresAt: Date.now() - 1000 } });
    expect((await t.json('GET', '/api/dashboards', { token: res.body.token })).status).toBe(401);
  });
});

describe('token routes', () => {
  it('creates (secret shown once), lists without secrets or hashes, and revokes', async () => {
    const created = await t.json('POST', '/api/tokens', { body: { name: 'ci', role: 'scoped', scopes: { push: [''] }, expiresIn: '7d' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^pb_/);
    expect(created.body.hash).toBeUndefined();
    expect(created.body.expiresAt).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    const list = await t.json('GET', '/api/tokens');
    const listed = list.body.tokens.find((x: { id: string }) => x.id === created.body.id);
    expect(listed).toMatchObject({ name: 'ci', role: 'scoped', scopes: { push: [''] } });
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect(listed.hash).toBeUndefined();

    expect((await t.json('POST', '/api/streams/any.key', { token: created.body.token, body: 1 })).status).toBe(200);
    expect((await t.api('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(204);
    expect((await t.json('POST', '/api/streams/any.key', { token: created.body.token, body: 1 })).status).toBe(401);
    const unknown = await t.json('DELETE', '/api/tokens/no-such-id');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('"no-such-id"');
  });

  it('rejects a bad token request naming the field', async () => {
    const role = await t.json('POST', '/api/tokens', { body: { name: 'x', role: 'root' } });
    expect(role.status).toBe(400);
    expect(role.body.error.message).toMatch(/^role: /);
    const expires = await t.json('POST', '/api/tokens', { body: { name: 'x', expiresIn: 'soon' } });
    expect(expires.status).toBe(400);
    expect(expires.body.error.message).toMatch(/^expiresIn: /);
  });
});

describe('revoking a token with open WebSocket connections', () => {
  it('closes them with 4001 at once, so the revoked token can no longer publish or subscribe', async () => {
    const created = await t.json('POST', '/api/tokens', { body: { name: 'live-collector', scopes: { push: ['sales.'] } } });
    expect(created.status).toBe(201);
    const client = await TestClient.open(`${t.server.url.replace(/^http/, 'ws')}/ws`);
    await client.hello({ token: created.body.token as string });
    client.send({ type: 'subscribe', topic: 'stream:sales.live' });
    await client.waitFor((m) => m.type === 'subscribed');

    expect((await t.api('DELETE', `/api/tokens/${created.body.id as string}`)).status).toBe(204);
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      client.closed,
      new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error('still open 5 s after the revocation')), 5_000))),
    ]).finally(() => clearTimeout(timer));
    expect(closed).toEqual({ code: CloseCode.UNAUTHORIZED, reason: 'token_revoked' });
    expect(client.messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'token_revoked' }));
  });
});
