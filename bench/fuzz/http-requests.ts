/**
 * fast-check generators for HTTP requests to every route: bodies of the right shape with
 * hostile values mixed in (wrong types, deep nesting, huge strings, prototype keys, unknown
 * names), malformed JSON, odd query strings, and every kind of token the fuzz run holds.
 */
import fc from 'fast-check';
import { EXPORT_FORMAT, EXPORT_VERSION } from '@pulseboard/model';
import { dashboardIds, expandPlaceholders, FUZZ_DASHBOARD, namedMutation, options, pointValue, streamKeys, usually, weird, widgetIds, widgetTypes } from './fuzz-values.js';

/** Which token a request carries: one the run created, none, or garbage. */
export type TokenKind = 'admin' | 'view' | 'push' | 'none' | 'garbage';

export interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  token: TokenKind;
  /** Raw body text (JSON or not), or none. */
  body?: string;
  contentType?: string;
}

const widget = fc.record({ id: widgetIds, type: widgetTypes, title: usually(fc.string({ maxLength: 10 })), layout: usually(fc.record({ x: fc.nat(20), y: fc.nat(20), w: fc.nat(6), h: fc.nat(6) })), stream: streamKeys, options });
const widgets = usually(fc.array(widget, { maxLength: 3 }).map((list) => Object.fromEntries(list.map((w) => [String(w.id), w]))));
const dashboardBody = fc.record({ id: usually(dashboardIds), title: usually(fc.string({ maxLength: 20 })), description: usually(fc.string({ maxLength: 20 })), columns: usually(fc.integer({ min: 0, max: 60 })), widgets }, { requiredKeys: ['title'] });
// Outbound hosts are not allowed (the fuzz server allows none but itself): a run fails fast with host_not_allowed.
const sourceIds = fc.constantFrom('fuzz-src', 'nope', 'UPPER', '__proto__', 'constructor').map(encodeURIComponent);
const sourceBody = fc.record(
  {
    kind: usually(fc.constantFrom('http-json', 'prometheus')),
    id: usually(sourceIds),
    name: usually(fc.string({ maxLength: 10 })),
    enabled: usually(fc.boolean()),
    url: usually(fc.constantFrom('http://example.invalid/data', 'https://example.invalid', 'ftp://example.invalid', 'not a url', 'http://')),
    method: usually(fc.constantFrom('GET', 'POST')),
    headers: usually(fc.array(fc.record({ name: usually(fc.constantFrom('Authorization', 'X-Team', 'bad header', '')), value: usually(fc.string({ maxLength: 10 })), secret: usually(fc.boolean()) }), { maxLength: 2 })),
    intervalMs: usually(fc.integer({ min: -1, max: 100_000_000 })),
    timeoutMs: usually(fc.integer({ min: 0, max: 100_000 })),
    selectors: usually(fc.array(fc.record({ stream: streamKeys, path: usually(fc.constantFrom('cpu.load', 'items[0]', '[[[', 'a.b.c', '')) }), { maxLength: 3 })),
    queries: usually(fc.array(fc.record({ stream: streamKeys, query: usually(fc.constantFrom('up', 'rate(x[5m])', '{{')) }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);
const clientId = usually(fc.constantFrom('fuzz-http-client-1', 'fuzz-http-client-2', 'short', 'bad id!'));

function json(kind: string, method: string, path: fc.Arbitrary<string>, body: fc.Arbitrary<unknown>): fc.Arbitrary<Omit<FuzzRequest, 'token'>> {
  return fc.tuple(path, body).map(([p, b]) => ({ kind, method, path: p, body: expandPlaceholders(b), contentType: 'application/json' }));
}

const id = dashboardIds.map((d) => encodeURIComponent(String(d)));
const key = streamKeys.map((k) => encodeURIComponent(String(k)));

const routes = fc.oneof(
  json('POST /api/streams/:key', 'POST', key.map((k) => `/api/streams/${k}`), fc.oneof(pointValue, fc.record({ points: usually(fc.array(fc.record({ ts: usually(fc.nat()), value: pointValue }), { maxLength: 4 })) }))),
  json('POST /api/streams', 'POST', fc.constant('/api/streams'), fc.oneof(fc.record({ streams: usually(fc.dictionary(fc.constantFrom('fuzz.a', 'fuzz.b', 'bad key', '__proto__'), pointValue, { maxKeys: 3 })) }), fc.record({ points: usually(fc.array(fc.record({ key: streamKeys, value: pointValue }), { maxLength: 4 })) }), weird)),
  json('POST /widgets/:id', 'POST', key.map((k) => `/widgets/${k}`), fc.record({ auth_token: usually(fc.constant('__ADMIN__')), current: weird, extra: pointValue })),
  json('POST /api/dashboards', 'POST', fc.constant('/api/dashboards'), dashboardBody),
  json('PUT /api/dashboards/:id', 'PUT', id.map((d) => `/api/dashboards/${d}`), dashboardBody),
  json('POST /api/dashboards/import', 'POST', fc.constantFrom('/api/dashboards/import', '/api/dashboards/import?overwrite=1'), fc.record({ format: usually(fc.constant(EXPORT_FORMAT)), formatVersion: usually(fc.constant(EXPORT_VERSION)), exportedAt: usually(fc.constant('2026-01-01T00:00:00Z')), dashboard: usually(dashboardBody.map((d) => ({ columns: 12, widgets: {}, ...d }))) })),
  json('POST /api/dashboards/:id/mutations', 'POST', id.map((d) => `/api/dashboards/${d}/mutations`), fc.record({ clientId, name: usually(fc.string({ maxLength: 10 })), mutations: usually(fc.array(fc.tuple(usually(fc.integer({ min: 0, max: 50 })), namedMutation).map(([mutationId, m]) => ({ mutationId, ...m })), { minLength: 1, maxLength: 4 })) }, { requiredKeys: ['clientId', 'mutations'] })),
  json('POST /api/dashboards/:id/share', 'POST', id.map((d) => `/api/dashboards/${d}/share`), fc.record({ role: usually(fc.constantFrom('view', 'edit')), expiresIn: usually(fc.constantFrom('1h', '7d', 'never', '99999999999999d', 9007199254740991, 8640000000000001, -5)), label: usually(fc.string({ maxLength: 10 })), name: weird }, { requiredKeys: [] })),
  json('POST /api/tokens', 'POST', fc.constant('/api/tokens'), fc.record({ name: usually(fc.string({ minLength: 1, maxLength: 10 })), role: usually(fc.constantFrom('scoped', 'admin')), scopes: usually(fc.record({ push: usually(fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 })), view: usually(fc.array(dashboardIds, { maxLength: 2 })) }, { requiredKeys: [] })), expiresIn: usually(fc.constantFrom('1h', '99999999999999d', 9007199254740991)), expiresAt: usually(fc.integer()) }, { requiredKeys: [] })),
  json('POST /api/sources', 'POST', fc.constantFrom('/api/sources', '/api/sources/test'), sourceBody),
  json('PUT /api/sources/:id', 'PUT', sourceIds.map((d) => `/api/sources/${d}`), sourceBody),
  fc.tuple(fc.constantFrom('GET', 'DELETE', 'POST run', 'POST test'), sourceIds).map(([verb, d]) => {
    const [method, action] = verb.split(' ') as [string, string | undefined];
    return { kind: `${verb} /api/sources/:id`, method, path: `/api/sources/${d}${action ? `/${action}` : ''}` };
  }),
  key.map((k) => ({ kind: 'GET /api/sources/for-stream/:key', method: 'GET', path: `/api/sources/for-stream/${k}` })),
  fc.tuple(fc.constantFrom('GET', 'DELETE'), id).map(([method, d]) => ({ kind: `${method} /api/dashboards/:id`, method, path: `/api/dashboards/${d === FUZZ_DASHBOARD ? 'fuzz-deletable' : d}` })),
  id.map((d) => ({ kind: 'GET /api/dashboards/:id/export', method: 'GET', path: `/api/dashboards/${d}/export` })),
  id.map((d) => ({ kind: 'GET /api/dashboards/:id/shares', method: 'GET', path: `/api/dashboards/${d}/shares` })),
  key.map((k) => ({ kind: 'GET /api/streams/:key', method: 'GET', path: `/api/streams/${k}?since=${k.length % 2 === 0 ? '0' : 'yesterday'}` })),
  fc.tuple(fc.constantFrom('', '5', '0', '1001', 'ten'), fc.constantFrom('', 'fuzz.', 'a b'), fc.constantFrom('', 'ZnV6ei5h', '%%%')).map(([limit, prefix, cursor]) => ({ kind: 'GET /api/streams', method: 'GET', path: `/api/streams?limit=${limit}&prefix=${encodeURIComponent(prefix)}&cursor=${cursor}` })),
  fc.constantFrom('/api/dashboards', '/api/sync/status', '/api/sync/status?clientId=fuzz-http-client-1', `/api/sync/status?clientId=${'x'.repeat(70)}`, '/api/cache/status', '/api/health', '/api/me', '/api/tokens', '/api/nope', '/metrics').map((path) => ({ kind: `GET ${path.split('?')[0]}`, method: 'GET', path })),
  fc.constantFrom('/api/tokens/nope', '/api/dashboards/fuzz-deletable/shares/nope').map((path) => ({ kind: 'DELETE token/share', method: 'DELETE', path })),
);

/** Bodies that are not JSON, or JSON of the wrong kind, for any JSON route. */
const badBodies = fc.tuple(routes, fc.constantFrom('', 'not json', '{"a":', '[]', 'null', '"x"', '\u0000', '{"__proto__":{"polluted":true}}')).map(([r, body]) => ({ ...r, kind: `${r.kind} (bad body)`, body, contentType: 'application/json' }));

/** Any request the fuzz run sends: a route, a body, and a token. */
export const anyRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.oneof({ weight: 5, arbitrary: routes }, { weight: 1, arbitrary: badBodies }), fc.oneof({ weight: 6, arbitrary: fc.constant<TokenKind>('admin') }, { weight: 1, arbitrary: fc.constantFrom<TokenKind>('view', 'push', 'none', 'garbage') }))
  .map(([request, token]) => ({ ...request, token }));
