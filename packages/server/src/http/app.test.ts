import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Agent, request } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
    expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const index = await t.api('GET', '/', { token: null });
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves the precompressed twin of a file to a client that accepts it, and the plain file to one that does not', async () => {
    await writeFile(path.join(webDir, 'assets', 'app-abc123.js'), 'console.log("plain")');
    await writeFile(path.join(webDir, 'assets', 'app-abc123.js.br'), brotliCompressSync('console.log("brotli")'));
    const br = await t.api('GET', '/assets/app-abc123.js', { token: null, headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toContain('Accept-Encoding');
    expect(br.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await br.text()).toBe('console.log("brotli")');
    const plain = await t.api('GET', '/assets/app-abc123.js', { token: null, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe('console.log("plain")');
  });

  it('does not serve source maps or the compressed copies by name', async () => {
    expect((await t.api('GET', '/assets/app-abc123.js.map', { token: null })).status).toBe(404);
    expect((await t.api('GET', '/assets/app-abc123.js.br', { token: null })).status).toBe(404);
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

describe('a client that hangs up mid-request', () => {
  it('is answered request_aborted and not logged as an unhandled error', async () => {
    const logged: string[] = [];
    const t = await startTestServer({ logError: (message) => logged.push(message) });
    try {
      const socket = net.connect(t.server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      // Expect: 100-continue — the "100 Continue" shows the server is handling the request; then the client leaves mid-body.
      socket.write(
        'POST /api/streams/abort.me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-admin-token-0123456789\r\n' +
          'Content-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n',
      );
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      socket.write('{"a":');
      socket.destroy();
      await vi.waitFor(async () => expect(await t.server.metrics.text()).toMatch(/route="\/api\/streams\/:key",status="400"/), { timeout: 5_000 });
      expect(logged).toEqual([]);
      expect(await t.server.sync.storage.getStream('abort.me')).toBeNull();
    } finally {
      await t.stop();
    }
  });
});

describe('an answer given before a large body was read', () => {
  it('says Connection: close, so a keep-alive client does not reuse a socket the server is about to cut', async () => {
    const t = await startTestServer();
    const agent = new Agent({ keepAlive: true });
    try {
      const answer = (headers: Record<string, string>, body: string) =>
        new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
          const req = request(`${t.server.url}/api/streams/big`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent }, (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
          });
          req.on('error', reject);
          req.end(body);
        });
      const big = JSON.stringify({ blob: 'x'.repeat(200_000) });
      expect(await answer({}, big)).toEqual({ status: 401, connection: 'close' });
      const tooBig = JSON.stringify({ blob: 'x'.repeat(1_100_000) });
      expect(await answer({ authorization: 'Bearer test-admin-token-0123456789' }, tooBig)).toEqual({ status: 413, connection: 'close' });
      // A body that was read, or a small one, keeps the connection.
      expect((await answer({ authorization: 'Bearer test-admin-token-0123456789' }, '42')).connection).not.toBe('close');
      expect((await answer({}, '42')).connection).not.toBe('close');
    } finally {
      agent.destroy();
      await t.stop();
    }
  });
});
