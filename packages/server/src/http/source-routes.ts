import { Hono } from 'hono';
import { PulseboardError, streamKeySchema } from '@pulseboard/model';
import type { SourceView, StreamSourceResponse } from '@pulseboard/protocol';
import { isHostAllowed } from '../sources/host-allow-list.js';
import type { SourceManager } from '../sources/source-manager.js';
import { declaredStreams, definitionFromInput, headerViews, sourceIdFrom, sourceIdSchema, sourceInputSchema, type SourceDefinition, type SourceInput } from '../sources/source-definition.js';
import { sourceNotFound } from '../storage/storage-rules.js';
import type { SourceRecord } from '../storage/storage.js';
import type { AppDeps } from './app-deps.js';
import { parseInput, readJson } from './http-errors.js';
import { assertAdmin, assertCanReadStream, requirePrincipal } from './request-auth.js';

function badField(field: string, message: string): PulseboardError {
  return new PulseboardError('bad_request', `${field}: ${message}`, { status: 400, details: { field } });
}

/** The API's view of a stored source: secret header values replaced by "set", status attached. */
export function sourceView(record: SourceRecord, manager: SourceManager): SourceView {
  const d = record.definition;
  const status = manager.status(record.id) ?? {
    state: d.enabled ? 'pending' : 'disabled',
    running: false,
    lastRunAt: null,
    lastSuccessAt: null,
    lastUnchanged: false,
    lastError: null,
    consecutiveFailures: 0,
    nextRunAt: null,
  };
  const streams = manager.streamsOf(record.id);
  return {
    id: record.id,
    name: d.name,
    kind: d.kind,
    enabled: d.enabled,
    url: d.url,
    headers: headerViews(d.headers),
    intervalMs: d.intervalMs,
    timeoutMs: d.timeoutMs,
    ...(d.kind === 'http-json' ? { method: d.method, ...(d.body === undefined ? {} : { body: d.body }), selectors: d.selectors } : { queries: d.queries }),
    streams: streams.length > 0 ? streams : declaredStreams(d),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    status,
  };
}

/**
 * Pull data sources (docs/sources.md, docs/api.md): CRUD and test runs for admins, and the
 * source feeding a stream for anyone who may read that stream (the freshness badge).
 */
export function sourceRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { auth, sync, sources } = deps;

  /** Validates a body into a definition: the schema, the allow-list, secrets kept from `previous`. */
  const definitionOf = (id: string, body: unknown, previous: SourceDefinition | null): SourceDefinition => {
    const input: SourceInput = parseInput(sourceInputSchema, body);
    if (!isHostAllowed(new URL(input.url), sources.policy.allowHosts)) {
      throw badField('url', `host "${new URL(input.url).host}" is not in the outbound allow-list (set --source-hosts / PULSEBOARD_SOURCE_HOSTS)`);
    }
    const result = definitionFromInput(id, input, previous);
    if ('missingSecret' in result) throw badField('headers', `secret header "${result.missingSecret}" has no value (send "value" to set it)`);
    return result.definition;
  };

  app.get('/for-stream/:key', async (c) => {
    const principal = await requirePrincipal(c, auth);
    const key = parseInput(streamKeySchema, c.req.param('key'), 'key');
    await assertCanReadStream(sync.streamAccess, principal, key);
    // 200 with null, not a 404: widgets ask this routinely, and a browser logs every 404.
    const record = sources.sourceOfStream(key);
    if (!record) return c.json({ source: null } satisfies StreamSourceResponse);
    const view = sourceView(record, sources);
    return c.json({ source: { id: view.id, name: view.name, kind: view.kind, intervalMs: view.intervalMs, status: view.status } } satisfies StreamSourceResponse);
  });

  app.post('/test', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const body = await readJson(c);
    const id = typeof (body as { id?: unknown })?.id === 'string' ? ((body as { id: string }).id) : null;
    const previous = id ? ((await sync.storage.getSource(id))?.definition ?? null) : null;
    return c.json(await sources.test(definitionOf(id ?? 'test', body, previous)));
  });

  app.get('/', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const records = await sync.storage.listSources();
    return c.json({ sources: records.map((r) => sourceView(r, sources)) });
  });

  app.post('/', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const body = await readJson(c);
    const input = parseInput(sourceInputSchema, body);
    const id = input.id ?? sourceIdFrom(input.name, input.url, input.kind);
    const now = Date.now();
    const record: SourceRecord = { id, definition: definitionOf(id, body, null), createdAt: now, updatedAt: now };
    await sync.storage.createSource(record);
    sources.sourceWritten(record, true);
    return c.json(sourceView(record, sources), 201);
  });

  app.get('/:id', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const record = await loadSource(c.req.param('id'));
    return c.json(sourceView(record, sources));
  });

  app.put('/:id', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const previous = await loadSource(c.req.param('id'));
    const body = await readJson(c);
    const bodyId = (body as { id?: unknown } | null)?.id;
    if (bodyId !== undefined && bodyId !== previous.id) throw badField('id', `must be "${previous.id}" (the id in the URL) or left out`);
    const record: SourceRecord = { id: previous.id, definition: definitionOf(previous.id, body, previous.definition), createdAt: previous.createdAt, updatedAt: Math.max(Date.now(), previous.updatedAt + 1) };
    await sync.storage.replaceSource(record);
    sources.sourceWritten(record, false);
    return c.json(sourceView(record, sources));
  });

  app.delete('/:id', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const id = parseInput(sourceIdSchema, c.req.param('id'), 'id');
    if (!(await sync.storage.deleteSource(id))) throw sourceNotFound(id);
    sources.sourceDeleted(id);
    return c.body(null, 204);
  });

  app.post('/:id/run', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const record = await loadSource(c.req.param('id'));
    await sources.runNow(record.id);
    return c.json(sourceView(record, sources));
  });

  app.post('/:id/test', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const record = await loadSource(c.req.param('id'));
    return c.json(await sources.test(record.definition));
  });

  async function loadSource(rawId: string): Promise<SourceRecord> {
    const id = parseInput(sourceIdSchema, rawId, 'id');
    const record = await sync.storage.getSource(id);
    if (!record) throw sourceNotFound(id);
    return record;
  }

  return app;
}
