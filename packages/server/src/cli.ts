import { readFile, writeFile } from 'node:fs/promises';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Pusher, type PusherPoint } from '@pulseboard/client';
import { isPulseboardError, type PointValue, type PulseboardError } from '@pulseboard/model';
import type { SourceTestResult, SourceView } from '@pulseboard/protocol';
import { ConfigError, resolveConfig } from './config.js';
import { redactUrl } from './redact-url.js';
import { parseDuration } from './durations.js';
import { startServer } from './server.js';
import { SQLITE_FILE_NAME } from './storage/index.js';
import { copySqliteToPostgres } from './storage/sqlite-to-postgres.js';

/** Where push/export/import/token talk to when neither --url nor PULSEBOARD_URL is set. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** Where the CLI writes and what it reads; injectable for tests. */
export interface CliIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const MAIN_HELP = `Usage: pulseboard <command> [options]

Commands:
  start                     Start the server (HTTP API, WebSocket, web app)
  push <key> <value|json>   Push a value to a stream
  export <id>               Export a dashboard to a JSON file
  import <file>             Import a dashboard from an export file
  token create <name>       Create an API token (admin)
  token list                List API tokens (admin)
  token revoke <id>         Revoke an API token (admin)
  migrate --from sqlite:<file|dir> --to postgres://…
                            Copy a SQLite database into an empty PostgreSQL one
  source add <kind> <url>   Add a pull data source: http-json or prometheus (admin)
  source list               List sources and their status (admin)
  source rm <id>            Delete a source (admin)
  source test <id>          Run a source once and show what it would push (admin)

Run "pulseboard <command> --help" for the options of a command.
push, export, import, token and source talk to a running server: --url (or PULSEBOARD_URL,
default ${DEFAULT_URL}) and --token (or PULSEBOARD_TOKEN).`;

const START_HELP = `Usage: pulseboard start [options]

Options (flag, environment variable, default):
  --port <n>               PORT                           3000 (0 = any free port)
  --host <host>            HOST                           127.0.0.1
  --data <dir>             PULSEBOARD_DATA_DIR            ./data
  --no-demo                PULSEBOARD_DEMO=0              demo dashboard and feed on
  --storage <kind>         PULSEBOARD_STORAGE             sqlite (or memory, postgres)
  --database <url>         PULSEBOARD_DATABASE_URL        postgres://… : PostgreSQL storage (N nodes)
  --redis <url>            PULSEBOARD_REDIS_URL           redis://… : fan-out between nodes
  --redis-prefix <p>       PULSEBOARD_REDIS_PREFIX        pulseboard: channel prefix (one per deployment)
  --sqlite-sync <mode>     PULSEBOARD_SQLITE_SYNC         NORMAL (survives kill -9) or FULL
                                                          (also power loss; slower writes)
  --stream-max-points <n>  PULSEBOARD_STREAM_MAX_POINTS   1000 points kept per stream
  --stream-max-age <d>     PULSEBOARD_STREAM_MAX_AGE      24h of history kept per stream
  --history-keep-all <d>   PULSEBOARD_HISTORY_KEEP_ALL    30d of every dashboard version kept
                                                          (older: the last version of each day)
  --body-limit <size>      PULSEBOARD_BODY_LIMIT          1mb largest request body
  --web-dir <dir>          PULSEBOARD_WEB_DIR             apps/web/dist
  --max-share-lifetime <d> PULSEBOARD_MAX_SHARE_LIFETIME  90d longest life of a share link
  --ws-max-payload <size>  PULSEBOARD_WS_MAX_PAYLOAD      1mb largest WebSocket message (larger: close 1009)
  --ws-heartbeat <d>       PULSEBOARD_WS_HEARTBEAT        15s server ping period (silent 3x that: close 4009)
  --ws-rate-limit <n>      PULSEBOARD_WS_RATE_LIMIT       200 messages/s per connection, sustained
  --ws-burst <n>           PULSEBOARD_WS_BURST            400 messages at once after a quiet spell
  --ws-flush-window <d>    PULSEBOARD_WS_FLUSH_WINDOW     4ms batching window of busy fan-outs
                                                          (0: every tick; 16ms: fewer, larger frames)
  --source-hosts <list>    PULSEBOARD_SOURCE_HOSTS        hosts pull sources may fetch from
                                                          (a.com,*.b.com,c.com:8080,*); none
                                                          but this server by default
  --source-max-response <size> PULSEBOARD_SOURCE_MAX_RESPONSE  1mb largest answer a source reads
  --source-host-concurrency <n> PULSEBOARD_SOURCE_HOST_CONCURRENCY  8 requests at once per host
  --prometheus-url <url>   PULSEBOARD_PROMETHEUS_URL      a Prometheus scraping this server
                                                          (the demo's self-monitoring reads it)
                           PULSEBOARD_ADMIN_TOKEN         set the admin token (else one is
                                                          generated and printed on first start)`;

const PUSH_HELP = `Usage: pulseboard push <key> <value|json> [--url <url>] [--token <token>]

Pushes to stream <key>: a number (42), a JSON object ('{"status":"ok"}') or
points ('{"points":[{"ts":1700000000000,"value":1}]}').`;

const EXPORT_HELP = `Usage: pulseboard export <id> [--out <file>] [--url <url>] [--token <token>]

Writes the dashboard's export file to <file> (default: stdout).`;

const IMPORT_HELP = `Usage: pulseboard import <file> [--overwrite] [--url <url>] [--token <token>]

Imports a dashboard export file. An existing dashboard with the same id is replaced only
with --overwrite.`;

const TOKEN_HELP = `Usage:
  pulseboard token create <name> [--role admin|scoped] [--push <prefix>]... [--view <id>]...
                                 [--edit <id>]... [--read <prefix>]... [--expires <7d|24h|...>]
  pulseboard token list
  pulseboard token revoke <id>

All take --url <url> and --token <admin token>. "create" prints the new secret once.
--push takes a stream key prefix ("" = every stream); --view/--edit take dashboard ids ("*" = all);
--read takes a stream key prefix the token may read beyond its dashboards' streams.`;

const MIGRATE_HELP = `Usage: pulseboard migrate --from sqlite:<file|data dir> --to postgres://user@host/db

Copies everything a SQLite deployment keeps (dashboards and their logs, streams, tokens,
client positions) into an EMPTY PostgreSQL database, in one transaction; offsets and epochs
are kept, so clients resume where they were. Stop the server first; then start the nodes
with --database postgres://… (docs/deploy.md).`;

const SOURCE_HELP = `Usage:
  pulseboard source add http-json <url> --select <stream>=<jmespath>... [options]
  pulseboard source add prometheus <base-url> --query <stream>=<promql>... [options]
  pulseboard source list
  pulseboard source rm <id>
  pulseboard source test <id>
  pulseboard source test <kind> <url> --select|--query ...   (an unsaved definition)

Options of add (and of test with a definition):
  --id <id>                 id (default: a slug of --name or of the URL's host)
  --name <name>             display name
  --interval <d>            time between runs, at least 1s (default 60s)
  --timeout <d>             request timeout (default 10s)
  --select <stream>=<path>  http-json: a JMESPath expression feeding <stream> (repeatable)
  --query <stream>=<promql> prometheus: an instant query feeding <stream> (repeatable;
                            several series become <stream>.<label values>)
  --backfill <range>/<step> prometheus: fill each query's history on creation, e.g. 1h/30s
  --header 'Name: value'    request header (repeatable)
  --secret-header 'Name: value'  header whose value is stored but never shown again
  --method GET|POST, --body <text>  http-json request method and body
  --disabled                store it without running it

"test" runs once and prints what each selector or query would push, pushing nothing; it
exits 1 when the run fails. All take --url <url> and --token <admin token>.`;

const CLIENT_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

/** An expected failure: printed as one line. exitCode 2 = usage error, 1 = the operation failed. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

function usage(message: string): CliError {
  return new CliError(message, 2);
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage((error as Error).message);
  }
}

/** The server and token a client command talks to: flags, then environment, then defaults. */
function target(io: CliIO, flags: { url?: string; token?: string }): { base: string; token: string | undefined } {
  return { base: (flags.url ?? io.env.PULSEBOARD_URL ?? DEFAULT_URL).replace(/\/+$/, ''), token: flags.token ?? io.env.PULSEBOARD_TOKEN };
}

/** A tiny HTTP client for the CLI commands that talk to a running server. */
async function request(io: CliIO, flags: { url?: string; token?: string }, method: string, path: string, body?: unknown): Promise<Response> {
  const { base, token } = target(io, flags);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new CliError(`cannot reach Pulseboard at ${base}: is it running? (set --url or PULSEBOARD_URL)`);
  }
  if (!response.ok) {
    const text = await response.text();
    let message = text || response.statusText;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (parsed.error?.message) message = `${parsed.error.message} (${parsed.error.code ?? 'error'})`;
    } catch {
      // not JSON: keep the text
    }
    const hint = response.status === 401 && !token ? ' — pass --token or set PULSEBOARD_TOKEN' : '';
    throw new CliError(`HTTP ${response.status}: ${message}${hint}`);
  }
  return response;
}

/** Parses a push argument: a number, or JSON (object, or {points}). */
function parseValue(text: string): unknown {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(trimmed)) return Number(trimmed);
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    throw usage(`value "${text}" is neither a number nor valid JSON`);
  }
}

async function startCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    'no-demo': { type: 'boolean' },
    storage: { type: 'string' },
    database: { type: 'string' },
    redis: { type: 'string' },
    'redis-prefix': { type: 'string' },
    'sqlite-sync': { type: 'string' },
    'stream-max-points': { type: 'string' },
    'stream-max-age': { type: 'string' },
    'history-keep-all': { type: 'string' },
    'body-limit': { type: 'string' },
    'web-dir': { type: 'string' },
    'max-share-lifetime': { type: 'string' },
    'ws-max-payload': { type: 'string' },
    'ws-heartbeat': { type: 'string' },
    'ws-rate-limit': { type: 'string' },
    'ws-burst': { type: 'string' },
    'ws-flush-window': { type: 'string' },
    'source-hosts': { type: 'string' },
    'source-max-response': { type: 'string' },
    'source-host-concurrency': { type: 'string' },
    'prometheus-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return io.stdout(START_HELP), 0;
  const config = resolveConfig(values, io.env);
  await startServer({ ...config, print: io.stdout, logError: (m, e) => io.stderr(e === undefined ? m : `${m} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`), handleSignals: true });
  return 0;
}

/** Pushes through the client's Pusher (a few quick retries, then a clear failure). */
async function pushCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS);
  if (values.help) return io.stdout(PUSH_HELP), 0;
  const [key, valueText, ...extra] = positionals;
  if (key === undefined || valueText === undefined || extra.length > 0) throw usage(`expected <key> <value|json>\n\n${PUSH_HELP}`);
  const value = parseValue(valueText);
  const { base, token } = target(io, values);
  let failure: PulseboardError | undefined;
  const pusher = new Pusher({
    url: base,
    ...(token ? { token } : {}),
    flushIntervalMs: 1,
    maxRetries: 2,
    retryMinDelayMs: 200,
    onError: (error, info) => {
      if (!info.willRetry) failure ??= error;
    },
  });
  let count: number;
  try {
    if (typeof value === 'object' && value !== null && Array.isArray((value as { points?: unknown }).points)) {
      const points = (value as { points: Array<Omit<PusherPoint, 'key'>> }).points;
      count = pusher.pushMany(points.map((point) => ({ ...point, key })));
    } else {
      pusher.push(key, value as PointValue);
      count = 1;
    }
  } catch (error) {
    if (isPulseboardError(error)) throw new CliError(error.message);
    throw error;
  }
  await pusher.close();
  if (failure) {
    if (failure.status === 0) throw new CliError(`cannot reach Pulseboard at ${base}: is it running? (set --url or PULSEBOARD_URL)`);
    const hint = failure.status === 401 && !token ? ' — pass --token or set PULSEBOARD_TOKEN' : '';
    throw new CliError(`HTTP ${failure.status}: ${failure.message} (${failure.code})${hint}`);
  }
  io.stdout(`pushed ${count} point${count === 1 ? '' : 's'} to ${key}`);
  return 0;
}

async function exportCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, out: { type: 'string', short: 'o' } });
  if (values.help) return io.stdout(EXPORT_HELP), 0;
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0) throw usage(`expected <id>\n\n${EXPORT_HELP}`);
  const response = await request(io, values, 'GET', `/api/dashboards/${encodeURIComponent(id)}/export`);
  const text = JSON.stringify(await response.json(), null, 2) + '\n';
  if (values.out) {
    await writeFile(values.out, text);
    io.stderr(`exported dashboard "${id}" to ${values.out}`);
  } else {
    io.stdout(text.trimEnd());
  }
  return 0;
}

async function importCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, overwrite: { type: 'boolean' } });
  if (values.help) return io.stdout(IMPORT_HELP), 0;
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw usage(`expected <file>\n\n${IMPORT_HELP}`);
  let input: unknown;
  try {
    input = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let response: Response;
  try {
    response = await request(io, values, 'POST', `/api/dashboards/import${values.overwrite ? '?overwrite=1' : ''}`, input);
  } catch (error) {
    // The server's hint names the query parameter; on the command line it is a flag.
    if (error instanceof CliError && error.message.startsWith('HTTP 409:')) throw new CliError(error.message.replace('add ?overwrite=1', 'add --overwrite'));
    throw error;
  }
  const doc = (await response.json()) as { id: string; version: number };
  io.stdout(`imported dashboard "${doc.id}" (version ${doc.version})`);
  return 0;
}

/** An ISO time; a stored value outside Date's range (written by an older server) prints as is rather than failing the listing. */
function formatTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} (not a valid time)` : date.toISOString();
}

async function tokenCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') return io.stdout(TOKEN_HELP), sub === undefined ? 2 : 0;
  if (sub === 'create') {
    const { values, positionals } = parse(rest, {
      ...CLIENT_OPTIONS,
      role: { type: 'string' },
      push: { type: 'string', multiple: true },
      view: { type: 'string', multiple: true },
      edit: { type: 'string', multiple: true },
      read: { type: 'string', multiple: true },
      expires: { type: 'string' },
    });
    if (values.help) return io.stdout(TOKEN_HELP), 0;
    const [name, ...extra] = positionals;
    if (name === undefined || extra.length > 0) throw usage(`expected <name>\n\n${TOKEN_HELP}`);
    const role = values.role ?? 'scoped';
    if (role !== 'admin' && role !== 'scoped') throw usage(`--role must be "admin" or "scoped", not "${role}"`);
    const scopes = {
      ...(values.push ? { push: values.push } : {}),
      ...(values.view ? { view: values.view } : {}),
      ...(values.edit ? { edit: values.edit } : {}),
      ...(values.read ? { read: values.read } : {}),
    };
    const response = await request(io, values, 'POST', '/api/tokens', { name, role, scopes, ...(values.expires ? { expiresIn: values.expires } : {}) });
    const created = (await response.json()) as { token: string; id: string; expiresAt: number | null };
    io.stdout(created.token);
    io.stderr(`created token "${name}" (id ${created.id}${created.expiresAt ? `, expires ${formatTime(created.expiresAt)}` : ''}); the secret above is shown only once`);
    return 0;
  }
  if (sub === 'list') {
    const { values } = parse(rest, CLIENT_OPTIONS);
    if (values.help) return io.stdout(TOKEN_HELP), 0;
    const response = await request(io, values, 'GET', '/api/tokens');
    const { tokens } = (await response.json()) as { tokens: Array<{ id: string; name: string; role: string; scopes: object; expiresAt: number | null; revokedAt: number | null }> };
    for (const t of tokens) {
      const state = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt < Date.now() ? 'expired' : 'live';
      const expires = t.expiresAt ? formatTime(t.expiresAt) : 'never';
      io.stdout(`${t.id}  ${t.name}  ${t.role}  ${state}  expires ${expires}  scopes ${JSON.stringify(t.scopes)}`);
    }
    if (tokens.length === 0) io.stdout('(no stored tokens)');
    return 0;
  }
  if (sub === 'revoke') {
    const { values, positionals } = parse(rest, CLIENT_OPTIONS);
    if (values.help) return io.stdout(TOKEN_HELP), 0;
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0) throw usage(`expected <id>\n\n${TOKEN_HELP}`);
    await request(io, values, 'DELETE', `/api/tokens/${encodeURIComponent(id)}`);
    io.stdout(`revoked token ${id}`);
    return 0;
  }
  throw usage(`unknown token command "${sub}"\n\n${TOKEN_HELP}`);
}

const SOURCE_DEFINITION_OPTIONS = {
  ...CLIENT_OPTIONS,
  id: { type: 'string' },
  name: { type: 'string' },
  interval: { type: 'string' },
  timeout: { type: 'string' },
  select: { type: 'string', multiple: true },
  query: { type: 'string', multiple: true },
  backfill: { type: 'string' },
  header: { type: 'string', multiple: true },
  'secret-header': { type: 'string', multiple: true },
  method: { type: 'string' },
  body: { type: 'string' },
  disabled: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

type SourceFlags = ReturnType<typeof parse<typeof SOURCE_DEFINITION_OPTIONS>>['values'];

/** Splits `stream=expression` at the first "=". */
function streamPair(flag: string, text: string): { stream: string; expression: string } {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw usage(`${flag} "${text}" must be <stream>=<expression>`);
  return { stream: text.slice(0, at), expression: text.slice(at + 1) };
}

function durationFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === null) throw usage(`${flag} "${text}" is not a duration such as 30s or 5m`);
  return ms;
}

/** The API body of a source from the command line (the server validates it and names bad fields). */
function sourceBody(kind: string, url: string, values: SourceFlags): Record<string, unknown> {
  if (kind !== 'http-json' && kind !== 'prometheus') throw usage(`<kind> must be "http-json" or "prometheus", not "${kind}"`);
  const header = (text: string, secret: boolean) => {
    const at = text.indexOf(':');
    if (at <= 0) throw usage(`header "${text}" must be "Name: value"`);
    return { name: text.slice(0, at).trim(), value: text.slice(at + 1).trim(), secret };
  };
  const headers = [...(values.header ?? []).map((h) => header(h, false)), ...(values['secret-header'] ?? []).map((h) => header(h, true))];
  const intervalMs = durationFlag('--interval', values.interval);
  const timeoutMs = durationFlag('--timeout', values.timeout);
  const body: Record<string, unknown> = {
    kind,
    url,
    ...(values.id ? { id: values.id } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(intervalMs === undefined ? {} : { intervalMs }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(headers.length > 0 ? { headers } : {}),
    ...(values.disabled ? { enabled: false } : {}),
  };
  if (kind === 'http-json') {
    if (!values.select?.length) throw usage('http-json needs at least one --select <stream>=<jmespath>');
    body.selectors = values.select.map((text) => {
      const { stream, expression } = streamPair('--select', text);
      return { stream, path: expression };
    });
    if (values.method) body.method = values.method.toUpperCase();
    if (values.body !== undefined) body.body = values.body;
    return body;
  }
  if (!values.query?.length) throw usage('prometheus needs at least one --query <stream>=<promql>');
  let backfill: { rangeMs: number; stepMs: number } | undefined;
  if (values.backfill !== undefined) {
    const [range, step] = values.backfill.split('/');
    const rangeMs = durationFlag('--backfill range', range);
    const stepMs = durationFlag('--backfill step', step ?? '');
    if (rangeMs === undefined || stepMs === undefined) throw usage('--backfill must be <range>/<step>, e.g. 1h/30s');
    backfill = { rangeMs, stepMs };
  }
  body.queries = values.query.map((text) => {
    const { stream, expression } = streamPair('--query', text);
    return { stream, query: expression, ...(backfill ? { backfill } : {}) };
  });
  return body;
}

function describeStatus(source: SourceView): string {
  const s = source.status;
  if (s.state === 'failing' && s.lastError) return `failing x${s.consecutiveFailures}: ${s.lastError.message} (${s.lastError.code}); last success ${s.lastSuccessAt === null ? '-' : formatTime(s.lastSuccessAt)}`;
  if (s.state === 'ok') return `ok${s.lastUnchanged ? ' (unchanged)' : ''} at ${s.lastSuccessAt === null ? '-' : formatTime(s.lastSuccessAt)}; next ${s.nextRunAt === null ? '-' : formatTime(s.nextRunAt)}`;
  return s.state;
}

function printTestResult(io: CliIO, result: SourceTestResult): number {
  for (const push of result.pushes) io.stdout(`${push.stream} <- ${JSON.stringify(push.value)}   (${push.from})`);
  for (const selector of result.unmatched) io.stdout(`(nothing) <- ${selector}`);
  if (result.error) io.stderr(`run failed: ${result.error.message} (${result.error.code})`);
  io.stderr(`${result.ok ? 'ok' : 'failed'} in ${result.durationMs} ms; nothing was pushed`);
  return result.ok ? 0 : 1;
}

async function sourceCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') return io.stdout(SOURCE_HELP), sub === undefined ? 2 : 0;
  if (sub === 'add') {
    const { values, positionals } = parse(rest, SOURCE_DEFINITION_OPTIONS);
    if (values.help) return io.stdout(SOURCE_HELP), 0;
    const [kind, url, ...extra] = positionals;
    if (kind === undefined || url === undefined || extra.length > 0) throw usage(`expected <kind> <url>\n\n${SOURCE_HELP}`);
    const response = await request(io, values, 'POST', '/api/sources', sourceBody(kind, url, values));
    const created = (await response.json()) as SourceView;
    io.stdout(`added source ${created.id} (${created.kind}, every ${created.intervalMs / 1000} s) feeding ${created.streams.join(', ')}`);
    return 0;
  }
  if (sub === 'list') {
    const { values } = parse(rest, CLIENT_OPTIONS);
    if (values.help) return io.stdout(SOURCE_HELP), 0;
    const { sources } = (await (await request(io, values, 'GET', '/api/sources')).json()) as { sources: SourceView[] };
    for (const s of sources) io.stdout(`${s.id}  ${s.kind}  every ${s.intervalMs / 1000}s  ${s.url}  -> ${s.streams.join(', ')}  [${describeStatus(s)}]`);
    if (sources.length === 0) io.stdout('(no sources)');
    return 0;
  }
  if (sub === 'rm') {
    const { values, positionals } = parse(rest, CLIENT_OPTIONS);
    if (values.help) return io.stdout(SOURCE_HELP), 0;
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0) throw usage(`expected <id>\n\n${SOURCE_HELP}`);
    await request(io, values, 'DELETE', `/api/sources/${encodeURIComponent(id)}`);
    io.stdout(`removed source ${id}`);
    return 0;
  }
  if (sub === 'test') {
    const { values, positionals } = parse(rest, SOURCE_DEFINITION_OPTIONS);
    if (values.help) return io.stdout(SOURCE_HELP), 0;
    if (positionals.length === 1) {
      const response = await request(io, values, 'POST', `/api/sources/${encodeURIComponent(positionals[0]!)}/test`);
      return printTestResult(io, (await response.json()) as SourceTestResult);
    }
    const [kind, url, ...extra] = positionals;
    if (kind === undefined || url === undefined || extra.length > 0) throw usage(`expected <id>, or <kind> <url> with --select/--query\n\n${SOURCE_HELP}`);
    const response = await request(io, values, 'POST', '/api/sources/test', sourceBody(kind, url, values));
    return printTestResult(io, (await response.json()) as SourceTestResult);
  }
  throw usage(`unknown source command "${sub}"\n\n${SOURCE_HELP}`);
}

const COMMANDS: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  start: startCommand,
  push: pushCommand,
  export: exportCommand,
  import: importCommand,
  token: tokenCommand,
  migrate: migrateCommand,
  source: sourceCommand,
};

async function migrateCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parse(args, { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout(MIGRATE_HELP);
    return 0;
  }
  if (!values.from?.startsWith('sqlite:')) throw usage('--from must be sqlite:<file or data directory>');
  if (!values.to || !/^postgres(ql)?:\/\//.test(values.to)) throw usage('--to must be a postgres:// URL');
  let file = path.resolve(values.from.slice('sqlite:'.length));
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, SQLITE_FILE_NAME);
  if (!existsSync(file)) throw new CliError(`no SQLite database at ${file}`);
  const report = await copySqliteToPostgres(file, values.to);
  for (const { table, rows } of report) io.stdout(`${table}: ${rows} rows`);
  io.stdout(`Copied ${file} into ${redactUrl(values.to)}. Start the nodes with --database.`);
  return 0;
}

/** Runs the CLI; resolves to the exit code (`start` resolves once the server listens). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`pulseboard: unknown command "${command}"\n\n${MAIN_HELP}`);
    return 2;
  }
  try {
    return await run(args, io);
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError) {
      io.stderr(`pulseboard ${command}: ${error.message}`);
      return error instanceof CliError ? error.exitCode : 1;
    }
    io.stderr(`pulseboard ${command}: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs the CLI as a process: exits non-zero on failure; `start` keeps running until a signal. */
export function runCli(argv: string[]): void {
  const io: CliIO = { stdout: (l) => console.log(l), stderr: (l) => console.error(l), env: process.env };
  main(argv, io).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      console.error('pulseboard:', error);
      process.exit(1);
    },
  );
}

if (isEntryPoint()) runCli(process.argv.slice(2));
