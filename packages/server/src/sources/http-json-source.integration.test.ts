import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SourceTestResult, SourceView, StreamSourceResponse } from '@pulseboard/protocol';
import { startTestServer, type TestServer } from '../http/test-server.js';
import { startUpstream, type UpstreamServer } from './upstream-test-server.js';

let t: TestServer;
let upstream: UpstreamServer;
let closedPort: number;
let sequence = 0;

/** A port nothing listens on: bound once, then closed. */
async function freeClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Creates an http-json source (60 s interval: only the runs the test asks for happen meanwhile). */
async function createSource(overrides: Record<string, unknown> = {}): Promise<SourceView> {
  sequence++;
  const { status, body } = await t.json<SourceView>('POST', '/api/sources', {
    body: { kind: 'http-json', id: `src-${sequence}`, url: `${upstream.url}/value`, intervalMs: 60_000, timeoutMs: 2_000, selectors: [{ stream: `t${sequence}.load`, path: 'cpu.load' }], ...overrides },
  });
  expect(status, JSON.stringify(body)).toBe(201);
  return body;
}

async function runNow(id: string): Promise<SourceView> {
  const { status, body } = await t.json<SourceView>('POST', `/api/sources/${id}/run`);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

async function streamOffset(key: string): Promise<number | null> {
  const { status, body } = await t.json<{ offset: number }>('GET', `/api/streams/${key}`);
  return status === 404 ? null : body.offset;
}

beforeAll(async () => {
  upstream = await startUpstream({ cpu: { load: 0.5 }, status: 'ok', pages: [{ page: '/', views: 3 }] });
  closedPort = await freeClosedPort();
  t = await startTestServer({ storageKind: 'memory', sourceHosts: ['127.0.0.1'], sourceMaxResponseBytes: 256 * 1024 });
});

afterAll(async () => {
  await t?.stop();
  await upstream?.close();
});

describe('http-json sources against a real HTTP server', () => {
  it('pushes what each selector picks to its stream, sending the secret header but never showing it', async () => {
    const source = await createSource({
      headers: [
        { name: 'Authorization', value: 'Bearer upstream-secret', secret: true },
        { name: 'X-Team', value: 'ops' },
      ],
      selectors: [
        { stream: 'web.load', path: 'cpu.load' },
        { stream: 'web.status', path: 'status' },
        { stream: 'web.pages', path: 'pages' },
      ],
    });
    expect(source.headers).toEqual([
      { name: 'Authorization', secret: true, set: true },
      { name: 'X-Team', secret: false, value: 'ops' },
    ]);
    expect(JSON.stringify(source)).not.toContain('upstream-secret');
    const after = await runNow(source.id);
    expect(after.status).toMatchObject({ state: 'ok', lastError: null, consecutiveFailures: 0 });
    expect(after.status.lastSuccessAt).toEqual(expect.any(Number));
    expect(after.status.nextRunAt).toBeGreaterThan(Date.now());
    expect(upstream.lastHeaders.get('/value')?.authorization).toBe('Bearer upstream-secret');
    expect((await t.json('GET', '/api/streams/web.load')).body.latest).toBe(0.5);
    expect((await t.json('GET', '/api/streams/web.status')).body.latest).toEqual({ value: 'ok' });
    expect((await t.json('GET', '/api/streams/web.pages')).body.latest).toEqual({ items: [{ page: '/', views: 3 }] });
    const listed = await t.json<{ sources: SourceView[] }>('GET', '/api/sources');
    expect(JSON.stringify(listed.body)).not.toContain('upstream-secret');
  });

  it('honours ETag: an unchanged answer (304) writes nothing, a changed one writes once', async () => {
    const source = await createSource();
    const key = source.selectors![0]!.stream;
    await runNow(source.id);
    const offset = await streamOffset(key);
    expect(offset).toBeGreaterThan(0);
    const before304 = upstream.notModified;
    const unchanged = await runNow(source.id);
    expect(upstream.notModified).toBe(before304 + 1);
    expect(unchanged.status).toMatchObject({ state: 'ok', lastUnchanged: true });
    expect(await streamOffset(key)).toBe(offset);

    upstream.setValue({ cpu: { load: 0.9 } });
    const changed = await runNow(source.id);
    expect(changed.status.lastUnchanged).toBe(false);
    expect(await streamOffset(key)).toBe(offset! + 1);
    expect((await t.json('GET', `/api/streams/${key}`)).body.latest).toBe(0.9);
  });

  it('honours Last-Modified with If-Modified-Since', async () => {
    const source = await createSource({ url: `${upstream.url}/dated` });
    const key = source.selectors![0]!.stream;
    await runNow(source.id);
    const offset = await streamOffset(key);
    const before = upstream.notModified;
    await runNow(source.id);
    expect(upstream.lastHeaders.get('/dated')?.['if-modified-since']).toMatch(/GMT$/);
    expect(upstream.notModified).toBe(before + 1);
    expect(await streamOffset(key)).toBe(offset);
  });

  it('follows a redirect within the limit', async () => {
    const source = await createSource({ url: `${upstream.url}/redirect/2` });
    const after = await runNow(source.id);
    expect(after.status.state).toBe('ok');
    expect(await streamOffset(source.selectors![0]!.stream)).toBeGreaterThan(0);
  });

  it.each([
    ['a refused connection', () => `http://127.0.0.1:${closedPort}/x`, {}, 'refused', /connection to 127\.0\.0\.1:\d+ refused/],
    ['a slow answer', () => `${upstream.url}/slow`, { timeoutMs: 300 }, 'timeout', /within 300 ms/],
    ['an HTTP 500', () => `${upstream.url}/status/500`, {}, 'http_status', /^HTTP 500 Internal Server Error/],
    ['garbage', () => `${upstream.url}/garbage`, {}, 'not_json', /not JSON \(text\/html\)/],
    ['a huge body', () => `${upstream.url}/huge`, {}, 'too_large', /limit of 262144 bytes/],
    ['too many redirects', () => `${upstream.url}/redirect/5`, {}, 'too_many_redirects', /more than 3 redirects/],
    ['a redirect to a host outside the allow-list', () => `${upstream.url}/redirect-away`, {}, 'host_not_allowed', /^host "example\.com" is not in the outbound allow-list/],
    ['a selector that matches nothing', () => `${upstream.url}/value`, { selectors: [{ stream: 'x.nothing', path: 'no.such.field' }] }, 'selector_empty', /"no\.such\.field" matched nothing/],
  ])('names the failure precisely for %s and counts consecutive failures', async (_what, url, extra, code, message) => {
    const source = await createSource({ url: url(), ...extra });
    const first = await runNow(source.id);
    expect(first.status.state).toBe('failing');
    expect(first.status.lastError).toMatchObject({ code, message: expect.stringMatching(message) });
    const second = await runNow(source.id);
    expect(second.status.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(second.status.nextRunAt).toBeGreaterThan(Date.now());
  });

  it('test runs show what each selector would push without pushing', async () => {
    const { status, body } = await t.json<SourceTestResult>('POST', '/api/sources/test', {
      body: {
        kind: 'http-json',
        url: `${upstream.url}/value`,
        selectors: [
          { stream: 'dry.load', path: 'cpu.load' },
          { stream: 'dry.none', path: 'missing' },
        ],
      },
    });
    expect(status).toBe(200);
    expect(body.ok).toBe(false);
    expect(body.pushes).toEqual([{ stream: 'dry.load', value: (upstream.value as { cpu: { load: number } }).cpu.load, from: 'cpu.load' }]);
    expect(body.unmatched).toEqual(['missing']);
    expect(body.error?.code).toBe('selector_empty');
    expect(await streamOffset('dry.load')).toBeNull();
  });

  it('refuses a picked value nested too deep with bad_value naming the selector, and pushes nothing', async () => {
    const before = upstream.value;
    let deep: unknown = 1;
    for (let i = 0; i < 1_000; i++) deep = { a: deep };
    upstream.setValue({ deep });
    try {
      const { status, body } = await t.json<SourceTestResult>('POST', '/api/sources/test', {
        body: { kind: 'http-json', url: `${upstream.url}/value`, selectors: [{ stream: 'deep.value', path: 'deep' }] },
      });
      expect(status).toBe(200);
      expect(body.ok).toBe(false);
      expect(body.error?.code).toBe('bad_value');
      expect(body.error?.message).toMatch(/^selector "deep": value\.a\.a.*: nested deeper than 64 levels$/);
    } finally {
      upstream.setValue(before);
    }
  });

  it('keeps a secret header on update when its value is left out, and stops a deleted source', async () => {
    const source = await createSource({ headers: [{ name: 'X-Key', value: 'k-123', secret: true }] });
    const put = await t.json<SourceView>('PUT', `/api/sources/${source.id}`, {
      body: { kind: 'http-json', url: `${upstream.url}/value`, intervalMs: 30_000, headers: [{ name: 'X-Key', secret: true }], selectors: source.selectors },
    });
    expect(put.status).toBe(200);
    expect(put.body.intervalMs).toBe(30_000);
    await runNow(source.id);
    expect(upstream.lastHeaders.get('/value')?.['x-key']).toBe('k-123');
    expect((await t.api('DELETE', `/api/sources/${source.id}`)).status).toBe(204);
    expect((await t.json('GET', `/api/sources/${source.id}`)).status).toBe(404);
    expect((await t.json('POST', `/api/sources/${source.id}/run`)).status).toBe(404);
  });

  it('tells anyone who may read a stream which source feeds it and how it is doing', async () => {
    const source = await createSource({ url: `${upstream.url}/status/500` });
    await runNow(source.id);
    const { status, body } = await t.json<StreamSourceResponse>('GET', `/api/sources/for-stream/${source.selectors![0]!.stream}`);
    expect(status).toBe(200);
    expect(body.source).toMatchObject({ id: source.id, kind: 'http-json', status: { state: 'failing', lastError: { code: 'http_status' } } });
    expect(await t.json('GET', '/api/sources/for-stream/not.fed')).toMatchObject({ status: 200, body: { source: null } });
  });

  it('reports runs, failures and last success per source in /metrics', async () => {
    const good = await createSource();
    const bad = await createSource({ url: `${upstream.url}/status/500` });
    await runNow(good.id);
    await runNow(bad.id);
    const text = await (await t.api('GET', '/metrics', { token: null })).text();
    expect(text).toMatch(new RegExp(`pulseboard_source_runs_total\\{source="${bad.id}",result="http_status"\\} [1-9]`));
    expect(text).toMatch(new RegExp(`pulseboard_source_up\\{source="${good.id}",kind="http-json"\\} 1`));
    expect(text).toMatch(new RegExp(`pulseboard_source_up\\{source="${bad.id}",kind="http-json"\\} 0`));
    expect(text).toMatch(new RegExp(`pulseboard_source_consecutive_failures\\{source="${bad.id}",kind="http-json"\\} [1-9]`));
    expect(text).toMatch(/pulseboard_source_schedule_lag_seconds_count [1-9]/);

    await t.api('DELETE', `/api/sources/${bad.id}`);
    const after = await (await t.api('GET', '/metrics', { token: null })).text();
    expect(after).not.toContain(`source="${bad.id}"`);
    expect(after).toContain(`source="${good.id}"`);
  });
});

describe('source management input', () => {
  const valid = () => ({ kind: 'http-json', url: `${upstream.url}/value`, selectors: [{ stream: 'in.x', path: 'a' }] });

  it.each([
    ['a malformed URL', { url: 'not a url' }, /^url: /],
    ['a non-http URL', { url: 'file:///etc/passwd' }, /^url: /],
    ['a selector that does not parse', { selectors: [{ stream: 'in.x', path: 'a[' }] }, /^selectors\.0\.path: is not a valid JMESPath expression/],
    ['an interval of 0', { intervalMs: 0 }, /^intervalMs: must be at least 1000/],
    ['a bad stream key', { selectors: [{ stream: '-bad key', path: 'a' }] }, /^selectors\.0\.stream: /],
    ['an unknown kind', { kind: 'ftp' }, /^kind: /],
    ['a host outside the allow-list', { url: 'http://example.com/x' }, /^url: host "example\.com" is not in the outbound allow-list/],
    ['a secret header without a value', { headers: [{ name: 'Authorization', secret: true }] }, /^headers: secret header "Authorization" has no value/],
  ])('answers 400 naming the field for %s', async (_what, change, message) => {
    const { status, body } = await t.json<{ error: { code: string; message: string } }>('POST', '/api/sources', { body: { ...valid(), ...change } });
    expect(status).toBe(400);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(message);
  });

  it('is for admins only', async () => {
    const created = await t.json<{ token: string }>('POST', '/api/tokens', { body: { name: 'viewer', scopes: { view: ['*'] } } });
    const token = created.body.token;
    expect((await t.json('GET', '/api/sources', { token })).status).toBe(403);
    expect((await t.json('POST', '/api/sources', { token, body: valid() })).status).toBe(403);
    expect((await t.json('GET', '/api/sources', { token: null })).status).toBe(401);
  });

  it('refuses a second source with the same id (409)', async () => {
    expect((await t.json('POST', '/api/sources', { body: { ...valid(), id: 'dup' } })).status).toBe(201);
    const again = await t.json<{ error: { code: string } }>('POST', '/api/sources', { body: { ...valid(), id: 'dup' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_exists');
  });
});
