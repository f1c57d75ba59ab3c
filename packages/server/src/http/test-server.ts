import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type StartServerOptions } from '../server.js';

/** Admin secret every test server is started with. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A real server on port 0 over a real SQLite file in a temp dir, plus a small fetch helper. */
export interface TestServer {
  server: RunningServer;
  dataDir: string;
  /** fetch against the server; `token: null` sends no Authorization header. */
  api(method: string, route: string, options?: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> }): Promise<Response>;
  /** Same as api(), returning status and parsed JSON (or text) body. */
  json<T = any>(method: string, route: string, options?: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(): Promise<void>;
}

export async function startTestServer(options: StartServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pulseboard-test-'));
  const server = await startServer({
    port: 0,
    dataDir,
    demo: false,
    adminToken: TEST_ADMIN_TOKEN,
    print: () => {},
    logError: () => {},
    ...options,
  });
  const api: TestServer['api'] = (method, route, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? TEST_ADMIN_TOKEN : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    return fetch(server.url + route, { method, headers, ...(body === undefined ? {} : { body }) });
  };
  return {
    server,
    dataDir,
    api,
    async json(method, route, opts) {
      const response = await api(method, route, opts);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // plain text body
      }
      return { status: response.status, body: body as never, headers: response.headers };
    },
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
