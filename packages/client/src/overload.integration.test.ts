import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { dashboardTopic } from '@pulseboard/protocol';
import { ADMIN_TOKEN, startTestServer, waitFor, type TestServer } from '@pulseboard/testing';
import { createPulseboardClient } from './pulseboard-client.js';
import type { PulseboardClient, WebSocketConstructor } from './types.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** `ws`'s WebSocket that records the type/code of every message it receives, and can stop reading. */
function recordingSocket(log: Array<{ type: string; code?: string }>, sockets: Array<{ pause(): void; resume(): void }>): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url);
      this.on('open', () => sockets.push((this as unknown as { _socket: Socket })._socket));
      this.on('message', (data) => {
        const parsed = JSON.parse(String(data)) as unknown;
        for (const m of (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ type: string; code?: string }>) log.push({ type: m.type, ...(m.code ? { code: m.code } : {}) });
      });
    }
  } as unknown as WebSocketConstructor;
}

async function server(gateway: Record<string, number>): Promise<TestServer> {
  const srv = await startTestServer({ gateway });
  cleanups.push(() => srv.close());
  return srv;
}

function client(srv: TestServer, WebSocketClass: WebSocketConstructor): PulseboardClient {
  const c = createPulseboardClient({ url: srv.url, token: ADMIN_TOKEN, WebSocket: WebSocketClass, config: { reconnectMinDelayMs: 1_000, reconnectMaxDelayMs: 5_000, httpFallbackAfterMs: 600_000 } });
  cleanups.push(() => c.close());
  return c;
}

describe('under overload the client loses nothing (contracts C4, C5)', () => {
  it('edits the server dropped for rate limiting are resent after retryAfterMs and applied exactly once', async () => {
    const srv = await server({ messagesPerSecond: 200, burstMessages: 20, rateLimitCloseAfterMs: 60_000 });
    await srv.createDashboard('ops');
    const received: Array<{ type: string; code?: string }> = [];
    const c = client(srv, recordingSocket(received, []));
    const handle = c.dashboard('ops');
    cleanups.push(async () => handle.release());
    await waitFor(() => handle.getSnapshot().loaded && c.connection.getSnapshot().state === 'open', [handle, c.connection]);
    const EDITS = 60;
    for (let i = 0; i < EDITS; i++) handle.addWidget({ id: `w${i}`, type: 'stat', title: `W${i}` });
    await waitFor(() => handle.getSnapshot().pending.length === 0, [handle], { timeoutMs: 20_000, describe: () => `${handle.getSnapshot().pending.length} pending` });
    expect(received.filter((m) => m.code === 'rate_limited').length).toBeGreaterThan(0);
    const doc = await srv.server.sync.storage.getDashboard('ops');
    expect(Object.keys(doc!.widgets)).toHaveLength(EDITS);
    expect(handle.getSnapshot().view).toEqual(doc);
    const events = await srv.server.sync.storage.readEvents(dashboardTopic('ops'), 0, 10_000);
    const applied = events.map((e) => (e.data as { mutationId?: number }).mutationId).filter((id): id is number => id !== undefined);
    expect(applied.sort((a, b) => a - b)).toEqual(Array.from({ length: EDITS }, (_, i) => i + 1));
    expect(c.connection.getSnapshot().state).toBe('open');
  });

  it('a client that could not keep up is told (lagging), reconnects at once after the cut and resumes its stream by offset', async () => {
    const srv = await server({ softLimitBytes: 16 * 1024, hardLimitBytes: 256 * 1024, closeTimeoutMs: 500 });
    const received: Array<{ type: string; code?: string }> = [];
    const sockets: Array<{ pause(): void; resume(): void }> = [];
    const c = client(srv, recordingSocket(received, sockets));
    const stream = c.stream('heavy');
    cleanups.push(async () => stream.release());
    await srv.server.sync.push([{ key: 'heavy', points: [{ value: { i: 0 } }] }]);
    await waitFor(() => stream.getSnapshot().offset === 1 && c.connection.getSnapshot().state === 'open' && sockets.length === 1, [stream, c.connection]);
    sockets.at(-1)!.pause();
    const blob = 'x'.repeat(48 * 1024);
    const COUNT = 100;
    for (let i = 1; i <= COUNT; i++) {
      await srv.server.sync.push([{ key: 'heavy', points: [{ value: { i, blob } }] }]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const lastErrors: string[] = [];
    c.connection.subscribe(() => lastErrors.push(c.connection.getSnapshot().lastError?.code ?? ''));
    sockets.at(-1)!.resume();
    await waitFor(() => stream.getSnapshot().offset === COUNT + 1, [stream], { timeoutMs: 20_000, describe: () => `at offset ${stream.getSnapshot().offset}` });
    expect(received.some((m) => m.code === 'lagging')).toBe(true);
    expect(lastErrors).toContain('lagging');
    expect(stream.getSnapshot().history.map((p) => p.offset)).toEqual(Array.from({ length: COUNT + 1 }, (_, i) => i + 1).slice(-stream.getSnapshot().history.length));
  });
});
