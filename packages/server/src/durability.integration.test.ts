import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '@pulseboard/protocol';
import { startChildServer, type ChildCli } from '@pulseboard/testing';

const ADMIN = 'durability-admin-token-0123456789';
const N = 40;
const CLIENT_ID = 'durability-client-1';

const children: ChildCli[] = [];
let dataDir = '';

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function api(url: string, method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(url + route, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A raw `ws` client that follows the protocol: hello → welcome, then collects every message. */
async function connect(url: string): Promise<{ socket: WebSocket; messages: ServerMessage[]; welcome: Extract<ServerMessage, { type: 'welcome' }>; until: Until }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  const messages: ServerMessage[] = [];
  const until = awaitMessages(socket, messages);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'hello', protocol: 1, token: ADMIN, clientId: CLIENT_ID }));
  const welcome = await until(() => messages.find((m): m is Extract<ServerMessage, { type: 'welcome' }> => m.type === 'welcome'));
  return { socket, messages, welcome, until };
}

/** Resolves with the first truthy `probe()`, checked whenever a message arrives (no polling). */
type Until = <T>(probe: () => T | undefined | false, timeoutMs?: number) => Promise<T>;

/** Records the socket's messages into `messages` and returns `until` over them. */
function awaitMessages(socket: WebSocket, messages: ServerMessage[]): Until {
  const wakers = new Set<() => void>();
  let closed = false;
  socket.on('message', (data) => {
    const parsed = JSON.parse(String(data)) as ServerMessage | ServerMessage[];
    messages.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    for (const wake of [...wakers]) wake();
  });
  socket.on('close', () => {
    closed = true;
    for (const wake of [...wakers]) wake();
  });
  return <T>(probe: () => T | undefined | false, timeoutMs = 10_000) =>
    new Promise<T>((resolve, reject) => {
      const wake = (): void => {
        const value = probe();
        if (value) finish(() => resolve(value));
        else if (closed) finish(() => reject(new Error(`the socket closed first; last messages: ${JSON.stringify(messages.slice(-3))}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms; last messages: ${JSON.stringify(messages.slice(-3))}`))), timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        wakers.delete(wake);
        settle();
      };
      wakers.add(wake);
      wake();
    });
}

describe('durability', () => {
  it(`keeps every acknowledged mutation and push across kill -9, exactly once (N=${N})`, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'pulseboard-durability-'));
    const first = await startChildServer(['--data', dataDir, '--no-demo'], { PULSEBOARD_ADMIN_TOKEN: ADMIN });
    children.push(first);
    expect((await api(first.url, 'POST', '/api/dashboards', { id: 'durable', title: 'Durable' })).status).toBe(201);

    const { socket, messages, welcome, until } = await connect(first.url);
    expect(welcome.lastMutationId).toBe(0);
    for (let i = 1; i <= N; i++) {
      socket.send(JSON.stringify({ type: 'mutate', dashboardId: 'durable', mutationId: i, name: 'addWidget', args: { widget: { id: `w${i}`, type: 'stat', title: `W${i}`, layout: { w: 1, h: 1 } } } }));
    }
    const pushes = Array.from({ length: N }, (_, i) => api(first.url, 'POST', '/api/streams/durable.counter', i + 1));
    const acks = await until(() => {
      const list = messages.filter((m) => m.type === 'ack');
      return list.length >= N ? list : undefined;
    });
    expect(acks.map((a) => (a.type === 'ack' ? a.status : null))).toEqual(Array(N).fill('applied'));
    for (const res of await Promise.all(pushes)) expect(res.status).toBe(200);

    // Every write above was acknowledged; now pull the plug.
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    socket.terminate();

    const second = await startChildServer(['--data', dataDir, '--no-demo'], { PULSEBOARD_ADMIN_TOKEN: ADMIN });
    children.push(second);
    const doc = (await (await api(second.url, 'GET', '/api/dashboards/durable')).json()) as { version: number; widgets: Record<string, unknown> };
    expect(doc.version).toBe(N);
    expect(Object.keys(doc.widgets).sort()).toEqual(Array.from({ length: N }, (_, i) => `w${i + 1}`).sort());

    const stream = (await (await api(second.url, 'GET', '/api/streams/durable.counter')).json()) as { offset: number; history: Array<{ value: number; offset: number }> };
    expect(stream.offset).toBe(N);
    expect(stream.history.map((p) => p.value).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(stream.history.map((p) => p.offset)).toEqual(Array.from({ length: N }, (_, i) => i + 1));

    // The client reconnects: the server remembers its mutations, and a resend is a duplicate.
    const again = await connect(second.url);
    expect(again.welcome.lastMutationId).toBe(N);
    again.socket.send(JSON.stringify({ type: 'mutate', dashboardId: 'durable', mutationId: N, name: 'addWidget', args: { widget: { id: `w${N}`, type: 'stat', title: 'dup' } } }));
    const dup = await again.until(() => again.messages.find((m) => m.type === 'ack'));
    expect(dup).toMatchObject({ type: 'ack', mutationId: N, status: 'applied' });
    const after = (await (await api(second.url, 'GET', '/api/dashboards/durable')).json()) as { version: number; widgets: Record<string, unknown> };
    expect(after.version).toBe(N);
    expect(Object.keys(after.widgets)).toHaveLength(N);
    again.socket.close();

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
