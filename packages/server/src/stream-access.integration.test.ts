import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMessage } from '@pulseboard/protocol';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from './http/test-server.js';
import { TestClient } from './ws/gateway-test-harness.js';

/** Issue 7.3 and 7.4: view and share tokens read only their dashboards' streams; reading writes nothing. */
let t: TestServer;
let viewOps: string;
let shareOps: string;
let reader: string;
let editOps: string;

function widget(id: string, stream: string, x: number) {
  return { id, type: 'stat', title: id, layout: { x, y: 0, w: 2, h: 2 }, stream, options: {} };
}

async function token(scopes: object): Promise<string> {
  return (await t.json('POST', '/api/tokens', { body: { name: 'scoped', scopes } })).body.token as string;
}

async function wsClient(secret: string): Promise<TestClient> {
  const client = await TestClient.open(`${t.server.url.replace(/^http/, 'ws')}/ws`);
  await client.hello({ token: secret });
  return client;
}

async function subscribeAnswer(client: TestClient, topic: string): Promise<string> {
  client.send({ type: 'subscribe', topic });
  const answer = await client.waitFor((m) => (m.type === 'subscribed' && m.topic === topic) || (m.type === 'error' && m.ref?.topic === topic));
  return answer.type === 'error' ? (answer as ErrorMessage).code : answer.type;
}

beforeAll(async () => {
  t = await startTestServer();
  await t.json('POST', '/api/dashboards', { body: { id: 'ops', title: 'Ops', widgets: { cpu: widget('cpu', 'ops.cpu', 0) } } });
  await t.json('POST', '/api/dashboards', { body: { id: 'hr', title: 'HR', widgets: { pay: widget('pay', 'hr.salaries', 0) } } });
  await t.json('POST', '/api/streams', { body: { streams: { 'ops.cpu': 40, 'hr.salaries': 99_000, 'secret.key': 1, 'later.stream': 5 } } });
  viewOps = await token({ view: ['ops'] });
  editOps = await token({ edit: ['ops'] });
  reader = await token({ view: ['ops'], read: ['secret.'] });
  shareOps = (await t.json('POST', '/api/dashboards/ops/share', { body: {} })).body.token as string;
});
afterAll(async () => {
  await t.stop();
});

describe('view and share tokens read the streams their dashboards show, and no others', () => {
  it('lists and reads only those streams over HTTP', async () => {
    for (const secret of [viewOps, shareOps, editOps]) {
      const list = await t.json('GET', '/api/streams', { token: secret });
      expect(list.body.streams.map((s: { key: string }) => s.key)).toEqual(['ops.cpu']);
      expect((await t.json('GET', '/api/streams/ops.cpu', { token: secret })).status).toBe(200);
      const denied = await t.json('GET', '/api/streams/hr.salaries', { token: secret });
      expect(denied.status).toBe(403);
      expect(denied.body.error).toEqual({ code: 'forbidden', message: 'token may not read stream "hr.salaries"' });
      const status = await t.json('GET', '/api/sync/status', { token: secret });
      expect(status.body.topics.map((x: { topic: string }) => x.topic)).toEqual(['dashboard:ops', 'stream:ops.cpu']);
    }
  });

  it('adds the streams of explicit read prefixes', async () => {
    const list = await t.json('GET', '/api/streams', { token: reader });
    expect(list.body.streams.map((s: { key: string }) => s.key)).toEqual(['ops.cpu', 'secret.key']);
    expect((await t.json('GET', '/api/streams/secret.key', { token: reader })).status).toBe(200);
  });

  it('refuses to subscribe a share link to a stream its dashboard does not show', async () => {
    const client = await wsClient(shareOps);
    expect(await subscribeAnswer(client, 'stream:ops.cpu')).toBe('subscribed');
    expect(await subscribeAnswer(client, 'stream:hr.salaries')).toBe('forbidden');
    expect(await subscribeAnswer(client, 'stream:random.never.pushed')).toBe('forbidden');
    await client.close();
  });

  it('follows the dashboard: a widget added later makes its stream readable at once', async () => {
    expect((await t.json('GET', '/api/streams/later.stream', { token: viewOps })).status).toBe(403);
    const added = await t.json('POST', '/api/dashboards/ops/mutations', {
      token: editOps,
      body: { clientId: 'editor-client-1', mutations: [{ mutationId: 1, name: 'addWidget', args: { widget: widget('later', 'later.stream', 4) } }] },
    });
    expect(added.body.results[0].status).toBe('applied');
    expect((await t.json('GET', '/api/streams/later.stream', { token: viewOps })).status).toBe(200);
    const client = await wsClient(viewOps);
    expect(await subscribeAnswer(client, 'stream:later.stream')).toBe('subscribed');
    await client.close();
  });
});

describe('presence needs edit access', () => {
  it('answers a read-only token\'s presence with error forbidden and relays nothing', async () => {
    const editor = await wsClient(editOps);
    const viewer = await wsClient(shareOps);
    expect(await subscribeAnswer(editor, 'dashboard:ops')).toBe('subscribed');
    expect(await subscribeAnswer(viewer, 'dashboard:ops')).toBe('subscribed');
    viewer.send({ type: 'presence', dashboardId: 'ops', widgetId: 'cpu', layout: { x: 5, y: 5, w: 2, h: 2 } });
    const refused = await viewer.waitFor<ErrorMessage>((m) => m.type === 'error');
    expect(refused).toMatchObject({ code: 'forbidden', ref: { type: 'presence', topic: 'dashboard:ops' } });
    // The editor's own preview still reaches the viewer; the viewer's never reached the editor.
    editor.send({ type: 'presence', dashboardId: 'ops', widgetId: 'cpu', layout: { x: 1, y: 0, w: 2, h: 2 } });
    await viewer.waitFor((m) => m.type === 'presence');
    editor.send({ type: 'ping', ts: 7 });
    await editor.waitFor((m) => m.type === 'pong');
    expect(editor.messages.filter((m) => m.type === 'presence')).toEqual([]);
    await editor.close();
    await viewer.close();
  });
});

describe('subscribing to streams that do not exist writes nothing', () => {
  it('keeps the topics table as it was after 200 subscriptions to random streams', async () => {
    const rows = (): number => {
      const db = new Database(path.join(t.dataDir, 'pulseboard.db'), { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM topics').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const before = rows();
    const admin = await wsClient(TEST_ADMIN_TOKEN);
    for (let i = 0; i < 200; i++) admin.send({ type: 'subscribe', topic: `stream:random.${i}.${Math.random().toString(36).slice(2)}` });
    await admin.waitForCount((m) => m.type === 'subscribed', 200);
    expect(rows()).toBe(before);
    await admin.close();
  });
});
