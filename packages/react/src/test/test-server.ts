/** A real Pulseboard server on a free port for the hook tests, and clients that talk to it. */
import { WebSocket } from 'ws';
import { createPulseboardClient, MemoryOfflineStore, type PulseboardClient, type WebSocketConstructor } from '@pulseboard/client';
import { startServer, type RunningServer } from '@pulseboard/server';

export const ADMIN_TOKEN = 'react-hooks-test-admin-token';

/** Starts an in-memory server without the demo dashboard. */
export function startHookTestServer(): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', storageKind: 'memory', demo: false, adminToken: ADMIN_TOKEN, print: () => {}, logError: () => {} });
}

/** A real client for `server`, over `ws` (jsdom's own WebSocket is not used). */
export function testClient(server: RunningServer, name = 'Tester'): PulseboardClient {
  return createPulseboardClient({
    url: server.url,
    token: ADMIN_TOKEN,
    name,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    fetch: globalThis.fetch.bind(globalThis),
    store: new MemoryOfflineStore(),
  });
}

/** Calls the server's HTTP API as admin; throws on an error status. */
export async function api<T = unknown>(server: RunningServer, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}
