import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WIDGET_TYPES } from '@pulseboard/model';
import { DEMO_STREAMS } from './demo/demo-dashboard.js';
import { resolveConfig } from './config.js';
import { startServer, type RunningServer } from './server.js';

const dirs: string[] = [];
const servers: RunningServer[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pulseboard-server-'));
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string, options: Parameters<typeof startServer>[0] = {}): Promise<{ server: RunningServer; lines: string[] }> {
  const lines: string[] = [];
  const server = await startServer({ port: 0, dataDir, print: (l) => lines.push(l), logError: () => {}, ...options });
  servers.push(server);
  return { server, lines };
}


afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('startServer', () => {
  it('creates the data directory and the SQLite database on first start', async () => {
    const dataDir = path.join(await tempDir(), 'nested', 'data');
    const { server, lines } = await start(dataDir, { demo: false });
    expect(existsSync(path.join(dataDir, 'pulseboard.db'))).toBe(true);
    expect(lines[0]).toBe(`Pulseboard listening on ${server.url}`);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('prints a generated admin token once, with a ready-to-open URL, and not on the next start', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir, { demo: false });
    const token = first.server.adminToken;
    expect(token).toMatch(/^pb_/);
    expect(first.lines.join('\n')).toContain(`${first.server.url}/#token=${token}`);
    const ok = await fetch(`${first.server.url}/api/tokens`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    await first.server.close();

    const second = await start(dataDir, { demo: false });
    expect(second.server.adminToken).toBeUndefined();
    expect(second.lines.join('\n')).not.toContain('token');
    const still = await fetch(`${second.server.url}/api/dashboards`, { headers: { authorization: `Bearer ${token}` } });
    expect(still.status).toBe(200);
  });

  it('uses a configured admin token instead of generating one', async () => {
    const { server, lines } = await start(await tempDir(), { demo: false, adminToken: 'configured-admin-token-xyz' });
    expect(server.adminToken).toBe('configured-admin-token-xyz');
    expect(lines.join('\n')).not.toContain('#token=');
    const res = await fetch(`${server.url}/api/tokens`, { headers: { authorization: 'Bearer configured-admin-token-xyz' } });
    expect(res.status).toBe(200);
  });

  it('seeds the Demo dashboard with every widget type and feeds its streams', async () => {
    const { server } = await start(await tempDir(), { adminToken: 'configured-admin-token-xyz' });
    const headers = { authorization: 'Bearer configured-admin-token-xyz' };
    const demo = (await (await fetch(`${server.url}/api/dashboards/demo`, { headers })).json()) as { title: string; widgets: Record<string, { type: string }> };
    expect(demo.title).toBe('Demo');
    const types = new Set(Object.values(demo.widgets).map((w) => w.type));
    expect(Object.keys(demo.widgets).length).toBeGreaterThanOrEqual(6);
    for (const type of WIDGET_TYPES) expect(types).toContain(type);
    // The first round is pushed before startServer resolves.
    for (const key of Object.values(DEMO_STREAMS)) {
      const res = await fetch(`${server.url}/api/streams/${key}`, { headers });
      expect(res.status, key).toBe(200);
    }
  });

  it('does not seed the demo with --no-demo', async () => {
    const { server } = await start(await tempDir(), { demo: false, adminToken: 'configured-admin-token-xyz' });
    const res = await fetch(`${server.url}/api/dashboards/demo`, { headers: { authorization: 'Bearer configured-admin-token-xyz' } });
    expect(res.status).toBe(404);
  });

  it('rejects a WebSocket upgrade on any path but /ws', async () => {
    const { server } = await start(await tempDir(), { demo: false });
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/other`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => reject(new Error('upgrade accepted')));
      socket.on('error', () => {});
    });
    expect(status).toBe(404);
  });

  it('fans an HTTP push out to WebSocket subscribers and counts the connection in /metrics and /api/sync/status', async () => {
    const { server } = await start(await tempDir(), { demo: false, adminToken: 'configured-admin-token-xyz' });
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    type Message = { type: string; topic?: string; data?: { value?: unknown } };
    /** Resolves on the first message matching `predicate` (event-driven: no polling). */
    const nextMessage = (predicate: (m: Message) => boolean) =>
      new Promise<Message>((resolve) => {
        const onMessage = (data: unknown) => {
          const parsed = JSON.parse(String(data)) as Message | Message[];
          const found = (Array.isArray(parsed) ? parsed : [parsed]).find(predicate);
          if (!found) return;
          socket.off('message', onMessage);
          resolve(found);
        };
        socket.on('message', onMessage);
      });
    await new Promise((resolve) => socket.once('open', resolve));
    const subscribed = nextMessage((m) => m.type === 'subscribed');
    socket.send(JSON.stringify({ type: 'hello', protocol: 1, token: 'configured-admin-token-xyz', clientId: 'wiring-client' }));
    socket.send(JSON.stringify({ type: 'subscribe', topic: 'stream:wired' }));
    await subscribed;
    const pushed = nextMessage((m) => m.type === 'event' && m.topic === 'stream:wired' && m.data?.value === 7);

    const push = await fetch(`${server.url}/api/streams/wired`, {
      method: 'POST',
      headers: { authorization: 'Bearer configured-admin-token-xyz', 'content-type': 'application/json' },
      body: '7',
    });
    expect(push.status).toBe(200);
    await pushed;

    const status = (await (await fetch(`${server.url}/api/sync/status`, { headers: { authorization: 'Bearer configured-admin-token-xyz' } })).json()) as { connections: number };
    expect(status.connections).toBe(1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^pulseboard_ws_connections 1$/m);
    expect(metrics).toMatch(/^pulseboard_ws_messages_in_total\{type="subscribe"\} 1$/m);
    expect(metrics).toMatch(/^pulseboard_ws_messages_out_total [1-9]/m);
    expect(metrics).toMatch(/^pulseboard_fanout_duration_seconds_count [1-9]/m);
    socket.close();
  });

  it('passes gateway overrides through (a hello that never comes closes after the given timeout)', async () => {
    const { server } = await start(await tempDir(), { demo: false, gateway: { helloTimeoutMs: 100 } });
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(4008);
  });

  it('gives the gateway the WebSocket settings resolved from flags and environment (payload cap, heartbeat, flush window 0)', async () => {
    const dataDir = await tempDir();
    const config = resolveConfig({ 'ws-max-payload': '2kb', 'ws-heartbeat': '2s', 'ws-flush-window': '0', 'no-demo': true }, { PULSEBOARD_WS_RATE_LIMIT: '50', PULSEBOARD_WS_BURST: '60' });
    expect(config.gateway).toEqual({ maxPayloadBytes: 2048, heartbeatIntervalMs: 2_000, messagesPerSecond: 50, burstMessages: 60, flushWindowMs: 0 });
    const { server } = await start(dataDir, { ...config, dataDir, port: 0, host: '127.0.0.1', adminToken: 'configured-admin-token-xyz' });
    expect(server.config.gateway.maxPayloadBytes).toBe(2048);
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    const closed = new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    const welcome = new Promise<{ heartbeatIntervalMs: number }>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)) as { heartbeatIntervalMs: number })));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'hello', protocol: 1, token: 'configured-admin-token-xyz', clientId: 'settings-client' }));
    expect((await welcome).heartbeatIntervalMs).toBe(2_000);
    socket.send(JSON.stringify({ type: 'publish', stream: 'big', value: { blob: 'x'.repeat(4096) } }));
    expect(await closed).toBe(1009);
  });

  it('fails with a clear error when the port is taken', async () => {
    const { server } = await start(await tempDir(), { demo: false });
    await expect(start(await tempDir(), { demo: false, port: server.port })).rejects.toThrow(/already in use/);
  });
});
