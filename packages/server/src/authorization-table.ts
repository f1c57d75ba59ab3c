/**
 * Who may do what: the expected answer of every HTTP route and WebSocket operation for every
 * kind of token. docs/authorization.md shows this table (generated from it), and
 * authorization-matrix.integration.test.ts checks every cell against a real server.
 *
 * The world the table speaks of: dashboard `x`, whose widget shows stream `x.shown`;
 * dashboard `y`, whose widget shows `y.shown`; a push token for the prefix `push.`.
 */

/** The kinds of caller, in table order. */
export const TOKEN_KINDS = ['admin', 'push', 'viewX', 'editX', 'shareView', 'shareEdit', 'expired', 'revoked', 'none', 'garbage'] as const;
export type TokenKindName = (typeof TOKEN_KINDS)[number];

/** What each kind is, for the document. */
export const TOKEN_KIND_MEANINGS: Record<TokenKindName, string> = {
  admin: 'the admin token',
  push: 'scoped token, `push: ["push."]`',
  viewX: 'scoped token, `view: ["x"]`',
  editX: 'scoped token, `edit: ["x"]`',
  shareView: 'share link of `x`, role view',
  shareEdit: 'share link of `x`, role edit',
  expired: 'a token of `view: ["x"]` past its expiry',
  revoked: 'a revoked token of `view: ["x"]`',
  none: 'no token at all',
  garbage: 'a token the server never issued',
};

/** One row: an operation and the answer each kind of caller gets. */
export interface AuthorizationRow {
  /** `GET /api/dashboards/:id` with its target, or `WS subscribe dashboard:x`. */
  operation: string;
  expected: Record<TokenKindName, string>;
}

type ValidKinds = [admin: string, push: string, viewX: string, editX: string, shareView: string, shareEdit: string];

/** An HTTP row: the four refused kinds answer 401 with the code saying why. */
function http(operation: string, ...valid: ValidKinds): AuthorizationRow {
  return row(operation, valid, ['401 token_expired', '401 token_revoked', '401 unauthorized', '401 unauthorized']);
}

/** A WebSocket row: the four refused kinds never get past `hello` (close 4001 with the reason). */
function ws(operation: string, ...valid: ValidKinds): AuthorizationRow {
  return row(operation, valid, ['4001 token_expired', '4001 token_revoked', '4001 unauthorized', '4001 unauthorized']);
}

/** A public row: everybody gets the same answer. */
function everyone(operation: string, answer: string): AuthorizationRow {
  return row(operation, [answer, answer, answer, answer, answer, answer], [answer, answer, answer, answer]);
}

function row(operation: string, valid: string[], refused: string[]): AuthorizationRow {
  const answers = [...valid, ...refused];
  return { operation, expected: Object.fromEntries(TOKEN_KINDS.map((kind, i) => [kind, answers[i] as string])) as Record<TokenKindName, string> };
}

const EDIT_X: ValidKinds = ['ok', '403', '403', 'ok', '403', 'ok'];

function editX(status: string): ValidKinds {
  return EDIT_X.map((answer) => (answer === 'ok' ? status : answer)) as ValidKinds;
}

/** The table. Columns: admin, push, viewX, editX, shareView, shareEdit (then expired, revoked, none, garbage). */
export const AUTHORIZATION_TABLE: readonly AuthorizationRow[] = [
  everyone('GET /api/health', '200'),
  everyone('GET /metrics', '200'),
  everyone('GET /api/openapi.json', '200'),
  http('GET /api/me', '200', '200', '200', '200', '200', '200'),
  http('GET /api/sync/status', '200', '200', '200', '200', '200', '200'),
  http('GET /api/cache/status', '200', '200', '200', '200', '200', '200'),
  http('GET /api/dashboards', '200', '200', '200', '200', '200', '200'),
  http('POST /api/dashboards (a new id)', '201', '403', '403', '403', '403', '403'),
  http('GET /api/dashboards/x', '200', '403', '200', '200', '200', '200'),
  http('GET /api/dashboards/y', '200', '403', '403', '403', '403', '403'),
  http('PUT /api/dashboards/x', ...editX('200')),
  http('DELETE /api/dashboards/x', ...editX('204')),
  http('GET /api/dashboards/x/export', '200', '403', '200', '200', '200', '200'),
  http('POST /api/dashboards/import (x, overwrite)', ...editX('200')),
  http('POST /api/dashboards/x/mutations', ...editX('200')),
  http('POST /api/dashboards/y/mutations', '200', '403', '403', '403', '403', '403'),
  http('POST /api/dashboards/x/share', ...editX('201')),
  http('GET /api/dashboards/x/shares', ...editX('200')),
  http('DELETE /api/dashboards/x/shares/:id', ...editX('204')),
  http('POST /api/streams/push.a', '200', '200', '403', '403', '403', '403'),
  http('POST /api/streams (push.b)', '200', '200', '403', '403', '403', '403'),
  http('GET /api/streams', '200', '200', '200', '200', '200', '200'),
  http('GET /api/streams/push.a', '200', '200', '403', '403', '403', '403'),
  http('GET /api/streams/x.shown', '200', '403', '200', '200', '200', '200'),
  http('GET /api/streams/y.shown', '200', '403', '403', '403', '403', '403'),
  http('POST /api/tokens', '201', '403', '403', '403', '403', '403'),
  http('GET /api/tokens', '200', '403', '403', '403', '403', '403'),
  http('DELETE /api/tokens/:id', '204', '403', '403', '403', '403', '403'),
  http('POST /api/sources', '201', '403', '403', '403', '403', '403'),
  http('GET /api/sources', '200', '403', '403', '403', '403', '403'),
  http('POST /api/sources/:id/test', '200', '403', '403', '403', '403', '403'),
  http('DELETE /api/sources/:id', '204', '403', '403', '403', '403', '403'),
  http('GET /api/sources/for-stream/x.shown', '200', '403', '200', '200', '200', '200'),
  row('POST /widgets/push.w (Smashing, token in the body)', ['204', '204', '401', '401', '401', '401'], ['401', '401', '401', '401']),
  ws('WS hello', 'welcome', 'welcome', 'welcome', 'welcome', 'welcome', 'welcome'),
  ws('WS subscribe dashboard:x', 'subscribed', 'forbidden', 'subscribed', 'subscribed', 'subscribed', 'subscribed'),
  ws('WS subscribe dashboard:y', 'subscribed', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden'),
  ws('WS subscribe stream:x.shown', 'subscribed', 'forbidden', 'subscribed', 'subscribed', 'subscribed', 'subscribed'),
  ws('WS subscribe stream:y.shown', 'subscribed', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden'),
  ws('WS subscribe stream:push.a', 'subscribed', 'subscribed', 'forbidden', 'forbidden', 'forbidden', 'forbidden'),
  ws('WS mutate x', 'ack applied', 'ack forbidden', 'ack forbidden', 'ack applied', 'ack forbidden', 'ack applied'),
  ws('WS publish push.a', 'published', 'published', 'forbidden', 'forbidden', 'forbidden', 'forbidden'),
  ws('WS presence x', 'relayed', 'forbidden', 'forbidden', 'relayed', 'forbidden', 'relayed'),
];

/** The table as Markdown (the body of docs/authorization.md's generated section). */
export function authorizationTableMarkdown(): string {
  const header = `| operation | ${TOKEN_KINDS.join(' | ')} |`;
  const rule = `|---|${TOKEN_KINDS.map(() => '---').join('|')}|`;
  const rows = AUTHORIZATION_TABLE.map((r) => `| ${r.operation} | ${TOKEN_KINDS.map((k) => r.expected[k]).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
