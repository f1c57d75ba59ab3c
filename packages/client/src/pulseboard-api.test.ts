import { describe, expect, it } from 'vitest';
import { isPulseboardError } from '@pulseboard/model';
import { createPulseboardApi } from './pulseboard-api.js';
import { fakeFetch } from './testing/fixtures.js';

const URL_BASE = 'http://server.test';

describe('the HTTP API of the client', () => {
  it('unwraps the dashboard and stream lists and sends the bearer token', async () => {
    const http = fakeFetch((_method, path) => {
      if (path === '/api/dashboards') return { status: 200, body: { dashboards: [{ id: 'ops', title: 'Ops', version: 1, widgetCount: 0, updatedAt: 'x' }] } };
      return { status: 200, body: { streams: [{ key: 'cpu', offset: 3, latest: 1, latestTs: 5 }] } };
    });
    const api = createPulseboardApi({ url: URL_BASE, token: 'pb_t', fetch: http.fetch });
    expect((await api.dashboards.list()).map((d) => d.id)).toEqual(['ops']);
    expect((await api.streams.list()).map((s) => s.key)).toEqual(['cpu']);
    expect(http.calls.map((c) => c.headers.authorization)).toEqual(['Bearer pb_t', 'Bearer pb_t']);
  });

  it('renames with If-Match and reads again once after a 412', async () => {
    let version = 3;
    let puts = 0;
    const http = fakeFetch((method, _path, init) => {
      if (method === 'GET') return { status: 200, body: { id: 'ops', title: 'Old', columns: 12, widgets: {} }, headers: { etag: `"${version}"` } };
      puts++;
      const ifMatch = (init.headers as Record<string, string>)['if-match'];
      if (puts === 1) {
        version = 4; // someone else wrote meanwhile
        return { status: 412, body: { error: { code: 'version_mismatch', message: 'stale' } } };
      }
      return ifMatch === '"4"' ? { status: 200, body: {} } : { status: 412, body: { error: { code: 'version_mismatch', message: 'stale' } } };
    });
    await createPulseboardApi({ url: URL_BASE, fetch: http.fetch }).dashboards.rename('ops', 'New');
    const writes = http.calls.filter((c) => c.method === 'PUT');
    expect(writes.map((c) => c.headers['if-match'])).toEqual(['"3"', '"4"']);
    expect(writes[1]?.body).toEqual({ title: 'New', columns: 12, widgets: {} });
  });

  it('creates, lists and revokes share links on the dashboard routes', async () => {
    const http = fakeFetch((method, path) => {
      if (method === 'POST') return { status: 201, body: { url: 'u', token: 'pb_s', tokenId: 's1', dashboardId: 'ops', role: 'view', label: 'TV', expiresAt: null } };
      if (method === 'GET') return { status: 200, body: { shares: [{ id: 's1', label: 'TV', role: 'view', createdBy: 'admin', createdAt: 1, expiresAt: null, lastUsedAt: null }] } };
      return { status: path === '/api/dashboards/ops/shares/s1' ? 204 : 404 };
    });
    const api = createPulseboardApi({ url: URL_BASE, fetch: http.fetch });
    expect((await api.shares.create('ops', { role: 'view', expiresIn: '1d', label: 'TV' })).tokenId).toBe('s1');
    expect((await api.shares.list('ops')).map((s) => s.label)).toEqual(['TV']);
    await api.shares.revoke('ops', 's1');
    expect(http.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/dashboards/ops/share', 'GET /api/dashboards/ops/shares', 'DELETE /api/dashboards/ops/shares/s1']);
    expect(http.calls[0]?.body).toEqual({ role: 'view', expiresIn: '1d', label: 'TV' });
  });

  it('makes a token on the tokens route', async () => {
    const http = fakeFetch(() => ({ status: 201, body: { token: 'pb_t', id: 't1', name: 'wall', role: 'scoped', scopes: { view: ['a'] }, createdAt: 1, expiresAt: null } }));
    const made = await createPulseboardApi({ url: URL_BASE, fetch: http.fetch }).tokens.create({ name: 'wall', scopes: { view: ['a'] } });
    expect(made.token).toBe('pb_t');
    expect(http.calls.map((c) => [c.method, c.path, c.body])).toEqual([['POST', '/api/tokens', { name: 'wall', scopes: { view: ['a'] } }]]);
  });

  it('makes any other call with the token and unwraps its body', async () => {
    const http = fakeFetch((method, path) => (method === 'POST' && path === '/api/dashboards/ops/duplicate' ? { status: 201, body: { id: 'ops-copy' } } : { status: 204 }));
    const api = createPulseboardApi({ url: URL_BASE, token: 'pb_t', fetch: http.fetch });
    expect(await api.request<{ id: string }>('POST', '/api/dashboards/ops/duplicate', { body: {} })).toEqual({ id: 'ops-copy' });
    expect(await api.request('DELETE', '/api/x')).toBeNull();
    expect(http.calls[0]?.headers.authorization).toBe('Bearer pb_t');
  });

  it('fails with the server error code and status', async () => {
    const http = fakeFetch(() => ({ status: 401, body: { error: { code: 'token_revoked', message: 'revoked' } } }));
    const error = await createPulseboardApi({ url: URL_BASE, fetch: http.fetch }).me().catch((e: unknown) => e);
    expect(isPulseboardError(error) && { code: error.code, status: error.status }).toEqual({ code: 'token_revoked', status: 401 });
  });
});
