import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type AckMessage, type ErrorMessage, type WelcomeMessage } from '@pulseboard/protocol';
import { AUTHORIZATION_TABLE, authorizationTableMarkdown, TOKEN_KINDS, type TokenKindName } from './authorization-table.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from './http/test-server.js';
import { TestClient } from './ws/gateway-test-harness.js';

/**
 * Walks every HTTP route and WebSocket operation with every kind of token against a real
 * server and compares each answer with AUTHORIZATION_TABLE, the table docs/authorization.md
 * shows. The document's table is generated from the TS table; run with
 * UPDATE_AUTHORIZATION_DOC=1 to rewrite it after changing the table.
 */

const DOC_PATH = fileURLToPath(new URL('../../../docs/authorization.md', import.meta.url));
const BEGIN = '<!-- BEGIN GENERATED TABLE (packages/server/src/authorization-table.ts) -->';
const END = '<!-- END GENERATED TABLE -->';

let t: TestServer;
const secrets = {} as Record<TokenKindName, string | null>;
let exportFile: unknown;

function widget(id: string, stream: string) {
  return { id, type: 'stat', title: id, layout: { x: 0, y: 0, w: 2, h: 2 }, stream, options: {} };
}

async function ensureX(): Promise<void> {
  const res = await t.json('GET', '/api/dashboards/x');
  if (res.status === 404) await t.json('POST', '/api/dashboards', { body: { id: 'x', title: 'X', widgets: { shown: widget('shown', 'x.shown') } } });
}

/** A disabled source on the server's own health route (its address is always allowed). */
function sourceBody(id: string, stream: string) {
  return { kind: 'http-json', id, enabled: false, url: `${t.server.url}/api/health`, selectors: [{ stream, path: 'uptimeMs' }] };
}

async function adminCreated(route: string, body: object): Promise<string> {
  const res = await t.json('POST', route, { body });
  if (res.status !== 201) throw new Error(`setup ${route} answered ${res.status}`);
  return (res.body.id ?? res.body.tokenId) as string;
}

/** The answer as the table writes it: the status, and for a 401 the error code when there is one. */
async function httpAnswer(method: string, route: string, secret: string | null, body?: unknown): Promise<string> {
  const res = await t.json(method, route, { token: secret, ...(body === undefined ? {} : { body }) });
  const code = (res.body as { error?: { code?: string } } | null)?.error?.code;
  return res.status === 401 && code ? `401 ${code}` : String(res.status);
}

/** Opens a socket and says hello; the client, or the close (`4001 token_expired`) when refused. */
async function wsOpen(secret: string | null): Promise<TestClient | string> {
  const client = await TestClient.open(`${t.server.url.replace(/^http/, 'ws')}/ws`);
  client.send({ type: 'hello', protocol: PROTOCOL_VERSION, clientId: client.clientId, ...(secret === null ? {} : { token: secret }) });
  const outcome = await Promise.race([client.waitFor<WelcomeMessage>((m) => m.type === 'welcome').then(() => null), client.closed]);
  return outcome === null ? client : `${outcome.code} ${outcome.reason}`;
}

async function wsDo(secret: string | null, run: (client: TestClient) => Promise<string>): Promise<string> {
  const opened = await wsOpen(secret);
  if (typeof opened === 'string') return opened;
  try {
    return await run(opened);
  } finally {
    opened.ws.terminate();
  }
}

async function subscribe(client: TestClient, topic: string): Promise<string> {
  client.send({ type: 'subscribe', topic });
  const answer = await client.waitFor((m) => (m.type === 'subscribed' && m.topic === topic) || (m.type === 'error' && m.ref?.topic === topic));
  return answer.type === 'error' ? (answer as ErrorMessage).code : 'subscribed';
}

type Executor = (secret: string | null, kind: TokenKindName) => Promise<string>;

const EXECUTORS: Record<string, Executor> = {
  'GET /api/health': (s) => httpAnswer('GET', '/api/health', s),
  'GET /metrics': (s) => httpAnswer('GET', '/metrics', s),
  'GET /api/openapi.json': (s) => httpAnswer('GET', '/api/openapi.json', s),
  'GET /api/me': (s) => httpAnswer('GET', '/api/me', s),
  'GET /api/sync/status': (s) => httpAnswer('GET', '/api/sync/status', s),
  'GET /api/cache/status': (s) => httpAnswer('GET', '/api/cache/status', s),
  'GET /api/dashboards': (s) => httpAnswer('GET', '/api/dashboards', s),
  'POST /api/dashboards (a new id)': (s, kind) => httpAnswer('POST', '/api/dashboards', s, { id: `new-${kind.toLowerCase()}`, title: 'New' }),
  'GET /api/dashboards/x': (s) => httpAnswer('GET', '/api/dashboards/x', s),
  'GET /api/dashboards/y': (s) => httpAnswer('GET', '/api/dashboards/y', s),
  'PUT /api/dashboards/x': (s) => httpAnswer('PUT', '/api/dashboards/x', s, { title: 'X again' }),
  'DELETE /api/dashboards/x': async (s) => {
    await ensureX();
    const answer = await httpAnswer('DELETE', '/api/dashboards/x', s);
    await ensureX();
    return answer;
  },
  'GET /api/dashboards/x/export': (s) => httpAnswer('GET', '/api/dashboards/x/export', s),
  'POST /api/dashboards/import (x, overwrite)': (s) => httpAnswer('POST', '/api/dashboards/import?overwrite=1', s, exportFile),
  'POST /api/dashboards/x/mutations': (s, kind) =>
    httpAnswer('POST', '/api/dashboards/x/mutations', s, { clientId: `matrix-x-${kind}`, mutations: [{ mutationId: 1, name: 'setDashboardMeta', args: { set: { title: 'X' } } }] }),
  'POST /api/dashboards/y/mutations': (s, kind) =>
    httpAnswer('POST', '/api/dashboards/y/mutations', s, { clientId: `matrix-y-${kind}`, mutations: [{ mutationId: 1, name: 'setDashboardMeta', args: { set: { title: 'Y' } } }] }),
  'POST /api/dashboards/x/share': (s) => httpAnswer('POST', '/api/dashboards/x/share', s, { expiresIn: '1h' }),
  'GET /api/dashboards/x/shares': (s) => httpAnswer('GET', '/api/dashboards/x/shares', s),
  'DELETE /api/dashboards/x/shares/:id': async (s) => httpAnswer('DELETE', `/api/dashboards/x/shares/${await adminCreated('/api/dashboards/x/share', {})}`, s),
  'POST /api/streams/push.a': (s) => httpAnswer('POST', '/api/streams/push.a', s, 1),
  'POST /api/streams (push.b)': (s) => httpAnswer('POST', '/api/streams', s, { streams: { 'push.b': 2 } }),
  'GET /api/streams': (s) => httpAnswer('GET', '/api/streams', s),
  'GET /api/streams/push.a': (s) => httpAnswer('GET', '/api/streams/push.a', s),
  'GET /api/streams/x.shown': (s) => httpAnswer('GET', '/api/streams/x.shown', s),
  'GET /api/streams/y.shown': (s) => httpAnswer('GET', '/api/streams/y.shown', s),
  'POST /api/tokens': (s) => httpAnswer('POST', '/api/tokens', s, { name: 'made in the matrix' }),
  'GET /api/tokens': (s) => httpAnswer('GET', '/api/tokens', s),
  'DELETE /api/tokens/:id': async (s) => httpAnswer('DELETE', `/api/tokens/${await adminCreated('/api/tokens', { name: 'victim' })}`, s),
  'POST /api/sources': (s, kind) => httpAnswer('POST', '/api/sources', s, sourceBody(`matrix-${kind.toLowerCase()}`, 'matrix.source')),
  'GET /api/sources': (s) => httpAnswer('GET', '/api/sources', s),
  'POST /api/sources/:id/test': (s) => httpAnswer('POST', '/api/sources/feeds-x/test', s),
  'DELETE /api/sources/:id': async (s, kind) => httpAnswer('DELETE', `/api/sources/${await adminCreated('/api/sources', sourceBody(`victim-${kind.toLowerCase()}`, 'matrix.victim'))}`, s),
  'GET /api/sources/for-stream/x.shown': (s) => httpAnswer('GET', '/api/sources/for-stream/x.shown', s),
  'POST /widgets/push.w (Smashing, token in the body)': (s) => httpAnswer('POST', '/widgets/push.w', null, { ...(s === null ? {} : { auth_token: s }), current: 1 }),
  'WS hello': (s) => wsDo(s, async () => 'welcome'),
  'WS subscribe dashboard:x': (s) => wsDo(s, (c) => subscribe(c, 'dashboard:x')),
  'WS subscribe dashboard:y': (s) => wsDo(s, (c) => subscribe(c, 'dashboard:y')),
  'WS subscribe stream:x.shown': (s) => wsDo(s, (c) => subscribe(c, 'stream:x.shown')),
  'WS subscribe stream:y.shown': (s) => wsDo(s, (c) => subscribe(c, 'stream:y.shown')),
  'WS subscribe stream:push.a': (s) => wsDo(s, (c) => subscribe(c, 'stream:push.a')),
  'WS mutate x': (s) =>
    wsDo(s, async (c) => {
      c.send({ type: 'mutate', dashboardId: 'x', mutationId: 1, name: 'setDashboardMeta', args: { set: { title: 'X' } } });
      const ack = await c.waitFor<AckMessage>((m) => m.type === 'ack');
      return `ack ${ack.status === 'rejected' ? ack.error?.code : ack.status}`;
    }),
  'WS publish push.a': (s) =>
    wsDo(s, async (c) => {
      c.send({ type: 'publish', stream: 'push.a', value: 3, id: 1 });
      const answer = await c.waitFor((m) => m.type === 'published' || m.type === 'error');
      return answer.type === 'error' ? (answer as ErrorMessage).code : 'published';
    }),
  'WS presence x': (s, kind) =>
    wsDo(s, async (c) => {
      const observer = await wsOpen(TEST_ADMIN_TOKEN);
      if (typeof observer === 'string') throw new Error(`observer refused: ${observer}`);
      try {
        await subscribe(observer, 'dashboard:x');
        await subscribe(c, 'dashboard:x');
        const widgetId = `preview-${kind}`;
        c.send({ type: 'presence', dashboardId: 'x', widgetId, layout: { x: 0, y: 0, w: 1, h: 1 } });
        c.send({ type: 'ping', ts: 1 });
        await c.waitFor((m) => m.type === 'pong');
        const refused = c.messages.find((m): m is ErrorMessage => m.type === 'error' && m.ref?.type === 'presence');
        if (refused) return refused.code;
        await observer.waitFor((m) => m.type === 'presence' && m.widgetId === widgetId);
        return 'relayed';
      } finally {
        observer.ws.terminate();
      }
    }),
};

beforeAll(async () => {
  t = await startTestServer();
  await ensureX();
  await t.json('POST', '/api/dashboards', { body: { id: 'y', title: 'Y', widgets: { shown: widget('shown', 'y.shown') } } });
  await t.json('POST', '/api/streams', { body: { streams: { 'x.shown': 1, 'y.shown': 2, 'push.a': 3 } } });
  exportFile = (await t.json('GET', '/api/dashboards/x/export')).body;
  await adminCreated('/api/sources', sourceBody('feeds-x', 'x.shown'));
  const token = async (body: object) => (await t.json('POST', '/api/tokens', { body: { name: 'matrix', ...body } })).body as { token: string; id: string };
  const shareOf = async (role: string) => (await t.json('POST', '/api/dashboards/x/share', { body: { role } })).body.token as string;
  const revoked = await token({ scopes: { view: ['x'] } });
  await t.api('DELETE', `/api/tokens/${revoked.id}`);
  Object.assign(secrets, {
    admin: TEST_ADMIN_TOKEN,
    push: (await token({ scopes: { push: ['push.'] } })).token,
    viewX: (await token({ scopes: { view: ['x'] } })).token,
    editX: (await token({ scopes: { edit: ['x'] } })).token,
    shareView: await shareOf('view'),
    shareEdit: await shareOf('edit'),
    expired: (await token({ scopes: { view: ['x'] }, expiresAt: Date.now() - 1_000 })).token,
    revoked: revoked.token,
    none: null,
    garbage: 'pb_this-token-was-never-issued-by-the-server',
  } satisfies Record<TokenKindName, string | null>);
});
afterAll(async () => {
  await t?.stop();
});

describe('the authorization matrix (docs/authorization.md)', () => {
  it('has an executor for every operation in the table and no other', () => {
    expect(Object.keys(EXECUTORS).sort()).toEqual(AUTHORIZATION_TABLE.map((r) => r.operation).sort());
  });

  it('gives every operation × token kind the answer the table expects', async () => {
    const mismatches: string[] = [];
    for (const row of AUTHORIZATION_TABLE) {
      const run = EXECUTORS[row.operation] as Executor;
      for (const kind of TOKEN_KINDS) {
        const got = await run(secrets[kind], kind).catch((error: unknown) => `threw ${(error as Error).message}`);
        if (got !== row.expected[kind]) mismatches.push(`${row.operation} as ${kind}: expected ${row.expected[kind]}, got ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 20_000);

  it('is the table docs/authorization.md shows', () => {
    const generated = `${BEGIN}\n${authorizationTableMarkdown()}\n${END}`;
    const read = () => {
      const text = readFileSync(DOC_PATH, 'utf8');
      return { text, start: text.indexOf(BEGIN), end: text.indexOf(END) };
    };
    let doc = read();
    expect(doc.start, `docs/authorization.md must contain ${BEGIN}`).toBeGreaterThanOrEqual(0);
    if (process.env.UPDATE_AUTHORIZATION_DOC === '1') {
      writeFileSync(DOC_PATH, doc.text.slice(0, doc.start) + generated + doc.text.slice(doc.end + END.length));
      doc = read();
    }
    expect(doc.text.slice(doc.start, doc.end + END.length), 'docs/authorization.md is out of date: run this test with UPDATE_AUTHORIZATION_DOC=1').toBe(generated);
  });
});
