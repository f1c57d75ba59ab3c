import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.js';

describe('bad input never crashes the server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ bodyLimitBytes: 4096 });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers malformed JSON with 400 bad_json', async () => {
    const res = await t.json('POST', '/api/streams/x', { raw: '{"value": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_json');
    const empty = await t.json('POST', '/api/dashboards', { raw: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('bad_json');
  });

  it('answers a body over the cap with 413, with or without Content-Length', async () => {
    const big = { points: Array.from({ length: 500 }, (_, i) => ({ key: 'big', value: i })) };
    const res = await t.json('POST', '/api/streams', { body: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');

    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(big)));
        controller.close();
      },
    });
    const streamed = await fetch(`${t.server.url}/api/streams`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('answers an unknown API route with a JSON 404 naming it', async () => {
    const res = await t.json('GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: 'no route GET /api/nope' });
  });

  it('still serves requests after all of the above', async () => {
    expect((await t.json('POST', '/api/streams/after', { body: 1 })).status).toBe(200);
  });
});

describe('the web app', () => {
  let webDir: string;
  let t: TestServer;
  beforeAll(async () => {
    webDir = await mkdtemp(path.join(tmpdir(), 'pulseboard-web-'));
    await mkdir(path.join(webDir, 'assets'));
    await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(webDir, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(path.join(webDir, 'favicon.svg'), '<svg/>');
    await writeFile(path.join(webDir, 'assets', 'big-1a2b.js'), 'plain');
    await writeFile(path.join(webDir, 'assets', 'big-1a2b.js.br'), 'brotli');
    await writeFile(path.join(webDir, 'assets', 'big-1a2b.js.gz'), 'gzip');
    await writeFile(path.join(webDir, 'assets', 'big-1a2b.js.map'), '{"version":3}');
    t = await startTestServer({ webDir });
  });
  afterAll(async () => {
    await t.stop();
    await rm(webDir, { recursive: true, force: true });
  });

  it('serves files with their content type; hashed assets are immutable, the rest revalidated', async () => {
    const js = await t.api('GET', '/assets/index-abc123.js', { token: null });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const svg = await t.api('GET', '/favicon.svg', { token: null });
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml(; charset=utf-8)?$/);
    const index = await t.api('GET', '/', { token: null });
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
  });

  it('sends the precompressed copy the client accepts (brotli before gzip), the plain file otherwise', async () => {
    // node:http, not fetch: fetch would decode the body itself.
    const get = (encoding: string) =>
      new Promise<{ headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
        httpGet(`${t.server.url}/assets/big-1a2b.js`, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString() }));
        }).on('error', reject);
      });
    const br = await get('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(br.body).toBe('brotli');
    const gz = await get('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body).toBe('gzip');
    const plain = await get('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toContain('Accept-Encoding');
    expect(plain.body).toBe('plain');
  });

  it('does not serve source maps or the compressed copies by name', async () => {
    expect((await t.api('GET', '/assets/big-1a2b.js.map', { token: null })).status).toBe(404);
    expect((await t.api('GET', '/assets/big-1a2b.js.br', { token: null })).status).toBe(404);
  });

  it('falls back to index.html for client routes and 404s missing files', async () => {
    const route = await t.api('GET', '/d/demo', { token: null });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>app</title>');
    expect((await t.api('GET', '/assets/missing.js', { token: null })).status).toBe(404);
    expect((await t.api('GET', '/..%2f..%2fetc%2fpasswd', { token: null })).status).not.toBe(500);
  });

  it('explains how to build the web app when the build is missing', async () => {
    const bare = await startTestServer({ webDir: path.join(webDir, 'does-not-exist') });
    try {
      const res = await bare.api('GET', '/', { token: null });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('npm run build:web');
    } finally {
      await bare.stop();
    }
  });
});
