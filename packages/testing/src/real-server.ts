import { createServer, connect, type Server, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { startServer, type RunningServer, type StartServerOptions } from '@pulseboard/server';
import type { Dashboard } from '@pulseboard/model';
import {
  createPulseboardClient,
  MemoryOfflineStore,
  type ExternalStore,
  type PulseboardClient,
  type PulseboardClientOptions,
  type WebSocketConstructor,
} from '@pulseboard/client';

/** The admin token of every server `startTestServer` starts. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A running test server and a few HTTP helpers that call it as admin. */
export interface TestServer {
  server: RunningServer;
  url: string;
  port: number;
  createDashboard(id: string, title?: string, widgets?: Record<string, unknown>): Promise<Dashboard>;
  getDashboard(id: string): Promise<Dashboard>;
  /** Calls the HTTP API as admin; throws on an error status; returns the parsed body. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Options of `startTestServer`: `port` to restart a server on the port it had; `webDir` to
 * serve a built app; `gateway` to tighten gateway limits (rate limit, outbox) for a test.
 */
export interface TestServerOptions {
  port?: number;
  webDir?: string;
  gateway?: StartServerOptions['gateway'];
}

/** A real Pulseboard server on 127.0.0.1 (port 0 unless told; memory storage, no demo). */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startServer({
    port: options.port ?? 0,
    host: '127.0.0.1',
    storageKind: 'memory',
    adminToken: ADMIN_TOKEN,
    demo: false,
    print: () => {},
    logError: () => {},
    ...(options.webDir === undefined ? {} : { webDir: options.webDir }),
    ...(options.gateway === undefined ? {} : { gateway: options.gateway }),
  });
  const api = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return {
    server,
    url: server.url,
    port: server.port,
    api,
    createDashboard: (id, title = id, widgets = {}) => api<Dashboard>('POST', '/api/dashboards', { id, title, widgets }),
    async getDashboard(id) {
      const doc = await server.sync.storage.getDashboard(id);
      if (!doc) throw new Error(`no dashboard ${id}`);
      return doc;
    },
    close: () => server.close(),
  };
}

/**
 * A client against `url` with the admin token, `ws` as its WebSocket, the global fetch, a
 * memory offline store and short reconnect delays (each overridable through `options`).
 */
export function testClient(url: string, options: Partial<PulseboardClientOptions> = {}): PulseboardClient {
  return createPulseboardClient({
    url,
    token: ADMIN_TOKEN,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    fetch: globalThis.fetch.bind(globalThis),
    store: new MemoryOfflineStore(),
    ...options,
    config: { reconnectMinDelayMs: 20, reconnectMaxDelayMs: 400, ...options.config },
  });
}

/**
 * Resolves once `check()` holds, re-checking whenever one of `sources` notifies (no
 * polling); rejects with `describe()` after `timeoutMs`.
 */
export function waitFor(check: () => boolean, sources: ReadonlyArray<Pick<ExternalStore<unknown>, 'subscribe'>>, options: { timeoutMs?: number; describe?: () => string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = [];
    const done = (error?: Error) => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`timed out waiting: ${options.describe?.() ?? 'condition'}`)), options.timeoutMs ?? 15_000);
    const run = () => {
      try {
        if (check()) done();
      } catch (error) {
        done(error as Error);
      }
    };
    for (const source of sources) offs.push(source.subscribe(run));
    run();
  });
}

export { seededRandom } from '@pulseboard/model';

/** The seed of this run: PULSEBOARD_TEST_SEED, or a fresh one. */
export function testSeed(): number {
  const fromEnv = process.env.PULSEBOARD_TEST_SEED;
  return fromEnv ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
}

/**
 * A TCP proxy in front of the server that can cut every connection through it (both
 * directions at once), and refuse new ones while `refusing` is set.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  refusing = false;
  cuts = 0;
  port = 0;

  private constructor(targetPort: number) {
    this.#server = createServer((downstream) => {
      if (this.refusing) {
        downstream.destroy();
        return;
      }
      const upstream = connect(targetPort, '127.0.0.1');
      for (const [a, b] of [
        [downstream, upstream],
        [upstream, downstream],
      ] as const) {
        this.#sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.#sockets.delete(a);
          b.destroy();
        });
        a.pipe(b);
      }
    });
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    const address = proxy.#server.address();
    proxy.port = typeof address === 'object' && address ? address.port : 0;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get openConnections(): number {
    return this.#sockets.size / 2;
  }

  /** Destroys every connection through the proxy, mid-message or not. */
  cutAll(): void {
    if (this.#sockets.size > 0) this.cuts++;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
