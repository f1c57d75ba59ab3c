import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local HTTP server standing in for the APIs sources pull from (tests and the bench):
 * `/value` answers JSON that the test changes, with an ETag honoured by If-None-Match;
 * `/dated` uses Last-Modified instead; `/slow` never answers; `/status/500` fails;
 * `/garbage` is HTML; `/huge` streams more than a megabyte; `/redirect/<n>` redirects n
 * times before landing on `/value`; `/redirect-away` redirects to another host. Every request is counted by path.
 */
export interface UpstreamServer {
  url: string;
  port: number;
  /** The JSON `/value` and `/dated` answer; changing it changes their ETag / Last-Modified. */
  value: unknown;
  /** Requests seen by path, and how many of them were answered 304. */
  hits: Map<string, number>;
  notModified: number;
  /** Request headers of the last request to each path. */
  lastHeaders: Map<string, IncomingMessage['headers']>;
  setValue(value: unknown): void;
  close(): Promise<void>;
}

/** Starts the upstream on a free loopback port. */
export async function startUpstream(initial: unknown = { value: 1 }): Promise<UpstreamServer> {
  let version = 1;
  let modifiedAt = new Date(Date.UTC(2026, 0, 1)).toUTCString();
  const sockets = new Set<Socket>();
  const upstream: UpstreamServer = {
    url: '',
    port: 0,
    value: initial,
    hits: new Map(),
    notModified: 0,
    lastHeaders: new Map(),
    setValue(value) {
      upstream.value = value;
      version++;
      modifiedAt = new Date(Date.UTC(2026, 0, 1) + version * 1000).toUTCString();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    upstream.hits.set(path, (upstream.hits.get(path) ?? 0) + 1);
    upstream.lastHeaders.set(path, req.headers);
    if (path === '/value') {
      const etag = `"v${version}"`;
      if (req.headers['if-none-match'] === etag) {
        upstream.notModified++;
        res.writeHead(304, { etag });
        return res.end();
      }
      return json(res, upstream.value, { etag });
    }
    if (path === '/dated') {
      if (req.headers['if-modified-since'] === modifiedAt) {
        upstream.notModified++;
        res.writeHead(304, { 'last-modified': modifiedAt });
        return res.end();
      }
      return json(res, upstream.value, { 'last-modified': modifiedAt });
    }
    if (path === '/slow') return; // never answers; closed with the server
    if (path.startsWith('/status/')) {
      res.writeHead(Number(path.slice('/status/'.length)), { 'content-type': 'text/plain' });
      return res.end('failure');
    }
    if (path === '/garbage') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<html><body>Not what you wanted</body></html>');
    }
    if (path === '/huge') {
      // Chunked, so only counting while reading can catch it.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 32; i++) res.write(chunk);
      return res.end('{}');
    }
    if (path === '/redirect-away') {
      // A host outside any test allow-list: the redirect must be refused before it is followed.
      res.writeHead(302, { location: 'http://example.com/stats' });
      return res.end();
    }
    const redirect = /^\/redirect\/(\d+)$/.exec(path);
    if (redirect) {
      const left = Number(redirect[1]);
      res.writeHead(302, { location: left <= 1 ? '/value' : `/redirect/${left - 1}` });
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.port = (server.address() as AddressInfo).port;
  upstream.url = `http://127.0.0.1:${upstream.port}`;
  return upstream;
}
