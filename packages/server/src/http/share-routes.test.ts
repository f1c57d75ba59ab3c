import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION, type CreateShareResponse, type MeResponse, type SharesResponse } from '@pulseboard/protocol';
import { DAY_MS } from '../durations.js';
import { TestClient } from '../ws/gateway-test-harness.js';
import { startTestServer, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.json('POST', '/api/dashboards', { body: { id: 'ops', title: 'Ops' } });
  await t.json('POST', '/api/dashboards', { body: { id: 'sales', title: 'Sales' } });
});
afterAll(async () => {
  await t.stop();
});

async function token(body: object): Promise<{ secret: string; id: string; expiresAt: number | null }> {
  const res = await t.json('POST', '/api/tokens', { body });
  expect(res.status).toBe(201);
  return { secret: res.body.token as string, id: res.body.id as string, expiresAt: res.body.expiresAt as number | null };
}

async function share(dashboardId: string, body: object, tokenSecret?: string): Promise<CreateShareResponse> {
  const res = await t.json<CreateShareResponse>('POST', `/api/dashboards/${dashboardId}/share`, { body, ...(tokenSecret ? { token: tokenSecret } : {}) });
  expect(res.status).toBe(201);
  return res.body;
}

async function helloClosed(secret: string): Promise<{ code: number; reason: string }> {
  const client = await TestClient.open(`${t.server.url.replace(/^http/, 'ws')}/ws`);
  client.send({ type: 'hello', protocol: PROTOCOL_VERSION, token: secret, clientId: client.clientId });
  return client.closed;
}

describe('share link lifetimes', () => {
  it('never lets a link outlive its creator, whatever expiry was asked for', async () => {
    const editor = await token({ name: 'short editor', scopes: { edit: ['ops'] }, expiresIn: '2s' });
    for (const expiresIn of ['30d', 'never']) {
      const link = await share('ops', { expiresIn }, editor.secret);
      expect(link.expiresAt).toBe(editor.expiresAt);
    }
  });

  it('gives "never" the server maximum (90 days by default) and defaults to 7 days', async () => {
    const before = Date.now();
    const never = await share('ops', { expiresIn: 'never' });
    expect(never.expiresAt).toBeGreaterThanOrEqual(before + 90 * DAY_MS);
    expect(never.expiresAt).toBeLessThanOrEqual(Date.now() + 90 * DAY_MS);
    const plain = await share('ops', {});
    expect(plain.expiresAt).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS);
    expect(plain).toMatchObject({ role: 'view', label: null, dashboardId: 'ops' });
  });

  it('refuses expiries out of range with a 400 naming the field, on share links and tokens alike', async () => {
    for (const expiresIn of ['99999999999999d', 9007199254740991, 8640000000000001, '91d', 0, -5, 'soon']) {
      const res = await t.json('POST', '/api/dashboards/ops/share', { body: { expiresIn } });
      expect(res.status, String(expiresIn)).toBe(400);
      expect(res.body.error.message, String(expiresIn)).toMatch(/^expiresIn: /);
    }
    for (const expiresIn of ['99999999999999d', 9007199254740991, 8640000000000001]) {
      const res = await t.json('POST', '/api/tokens', { body: { name: 'x', expiresIn } });
      expect(res.status, String(expiresIn)).toBe(400);
      expect(res.body.error.message).toMatch(/^expiresIn: /);
    }
    for (const expiresAt of [9007199254740991, 8640000000000001, 1.5]) {
      const res = await t.json('POST', '/api/tokens', { body: { name: 'x', expiresAt } });
      expect(res.status, String(expiresAt)).toBe(400);
      expect(res.body.error.message).toMatch(/^expiresAt: /);
    }
    const listed = await t.json('GET', '/api/tokens');
    expect(listed.status).toBe(200);
    for (const tk of listed.body.tokens as Array<{ expiresAt: number | null }>) {
      if (tk.expiresAt !== null) expect(Number.isNaN(new Date(tk.expiresAt).getTime())).toBe(false);
    }
  });

  it('follows a smaller --max-share-lifetime', async () => {
    const small = await startTestServer({ maxShareLifetimeMs: 3_600_000 });
    try {
      await small.json('POST', '/api/dashboards', { body: { id: 'ops', title: 'Ops' } });
      const never = await small.json('POST', '/api/dashboards/ops/share', { body: { expiresIn: 'never' } });
      expect(never.body.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
      const week = await small.json('POST', '/api/dashboards/ops/share', { body: { expiresIn: '7d' } });
      expect(week.status).toBe(400);
      expect(week.body.error.message).toBe('expiresIn: "7d" is longer than the maximum of 1h (the server\'s --max-share-lifetime)');
    } finally {
      await small.stop();
    }
  });
});

describe('revoking a token revokes the links it made', () => {
  it('refuses the link over HTTP (401 token_revoked) and closes its sockets with 4001 token_revoked', async () => {
    const editor = await token({ name: 'editor', scopes: { edit: ['ops'] } });
    const link = await share('ops', { role: 'edit' }, editor.secret);
    const linkOfLink = await share('ops', { label: 'second hand' }, link.token);
    const client = await TestClient.open(`${t.server.url.replace(/^http/, 'ws')}/ws`);
    await client.hello({ token: link.token });
    expect((await t.api('DELETE', `/api/tokens/${editor.id}`)).status).toBe(204);
    expect(await client.closed).toEqual({ code: CloseCode.UNAUTHORIZED, reason: 'token_revoked' });
    for (const secret of [link.token, linkOfLink.token]) {
      const res = await t.json('GET', '/api/dashboards/ops', { token: secret });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('token_revoked');
    }
  });
});

describe('C2: a refused token says why', () => {
  it('answers 401 token_revoked, token_expired or unauthorized, over HTTP and as the 4001 close reason', async () => {
    const revoked = await token({ name: 'gone', scopes: { view: ['ops'] } });
    await t.api('DELETE', `/api/tokens/${revoked.id}`);
    const expired = await token({ name: 'old', scopes: { view: ['ops'] }, expiresAt: Date.now() - 1_000 });
    const cases: Array<[string, string]> = [
      [revoked.secret, 'token_revoked'],
      [expired.secret, 'token_expired'],
      ['pb_never-issued', 'unauthorized'],
    ];
    for (const [secret, code] of cases) {
      const res = await t.json('GET', '/api/me', { token: secret });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe(code);
      expect(await helloClosed(secret)).toEqual({ code: CloseCode.UNAUTHORIZED, reason: code });
    }
    expect((await t.json('GET', '/api/me', { token: null })).body.error.code).toBe('unauthorized');
  });
});

describe('C3: /api/me and the share list', () => {
  it('tells a token who it is and what it may do', async () => {
    const admin = await t.json<MeResponse>('GET', '/api/me');
    expect(admin.body).toEqual({ tokenId: 'admin', name: 'admin', kind: 'admin', role: 'admin', scopes: {}, expiresAt: null, can: { admin: true, createDashboards: true } });
    const editAll = await token({ name: 'builder', scopes: { edit: ['*'] } });
    expect((await t.json<MeResponse>('GET', '/api/me', { token: editAll.secret })).body).toMatchObject({ kind: 'token', role: 'scoped', can: { admin: false, createDashboards: true } });
    const link = await share('sales', { label: 'Lobby TV' });
    expect((await t.json<MeResponse>('GET', '/api/me', { token: link.token })).body).toEqual({
      tokenId: link.tokenId,
      name: 'Lobby TV',
      kind: 'share',
      role: 'scoped',
      scopes: { view: ['sales'] },
      expiresAt: link.expiresAt,
      can: { admin: false, createDashboards: false },
    });
  });

  it('lists a dashboard\'s active links with creator and last use, and revokes one, closing its sockets', async () => {
    const editor = await token({ name: 'Grace', scopes: { edit: ['sales'] } });
    const viewLink = await share('sales', { label: 'wallboard', expiresIn: '1d' }, editor.secret);
    const editLink = await share('sales', { role: 'edit' });
    const expired = await token({ name: 'old', scopes: { view: ['sales'] }, expiresAt: Date.now() - 1 });
    await t.json('GET', '/api/dashboards/sales', { token: viewLink.token });
    const list = await t.json<SharesResponse>('GET', '/api/dashboards/sales/shares', { token: editor.secret });
    expect(list.status).toBe(200);
    const byId = new Map(list.body.shares.map((s) => [s.id, s]));
    expect(byId.get(viewLink.tokenId)).toEqual({
      id: viewLink.tokenId,
      label: 'wallboard',
      role: 'view',
      createdBy: 'Grace',
      createdAt: expect.any(Number),
      expiresAt: viewLink.expiresAt,
      lastUsedAt: expect.any(Number),
    });
    expect(byId.get(editLink.tokenId)).toMatchObject({ role: 'edit', createdBy: 'admin', lastUsedAt: null });
    expect(list.body.shares.every((s) => s.id !== expired.id)).toBe(true);
    expect((await t.json('GET', '/api/dashboards/sales/shares', { token: viewLink.token })).status).toBe(403);

    const viewer = await TestClient.open(`${t.server.url.replace(/^http/, 'ws')}/ws`);
    await viewer.hello({ token: viewLink.token });
    expect((await t.api('DELETE', `/api/dashboards/ops/shares/${viewLink.tokenId}`)).status).toBe(404);
    expect((await t.api('DELETE', `/api/dashboards/sales/shares/${viewLink.tokenId}`, { token: editor.secret })).status).toBe(204);
    expect(await viewer.closed).toEqual({ code: CloseCode.UNAUTHORIZED, reason: 'token_revoked' });
    expect((await t.api('DELETE', `/api/dashboards/sales/shares/${viewLink.tokenId}`)).status).toBe(404);
    const after = await t.json<SharesResponse>('GET', '/api/dashboards/sales/shares');
    expect(after.body.shares.map((s) => s.id)).not.toContain(viewLink.tokenId);
  });
});
