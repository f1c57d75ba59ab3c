import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { dashboardTopic, streamTopic } from '@pulseboard/protocol';
import {
  DEFAULT_COLUMNS,
  MAX_COLUMNS,
  PulseboardError,
  createDashboard,
  dashboardTooLarge,
  exportDashboard,
  isValidLayout,
  overlaps,
  parseExportFile,
  slugSchema,
  slugify,
  widgetSchema,
  type Dashboard,
} from '@pulseboard/model';
import { clientIdSchema } from '@pulseboard/protocol';
import { bindClientId } from '../client-binding.js';
import type { MutationRecord } from '../storage/storage.js';
import type { SyncService } from '../sync-service.js';
import type { CachedSnapshot } from '../ws/snapshot-cache.js';
import { readVersion, restoreVersion, versionNotFound } from '../version-history.js';
import { readSnapshot, streamSnapshotJson, type AppDeps } from './app-deps.js';
import { parseInput, readJson } from './http-errors.js';
import { assertDashboardAccess, requirePrincipal } from './request-auth.js';

const dashboardBodySchema = z.object({
  title: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  columns: z.number().int().min(1).max(MAX_COLUMNS).optional(),
  widgets: z.record(z.string(), widgetSchema).optional(),
});

/** Body of `POST /api/dashboards`; without `id`, the server derives a free slug from the title. */
export const createBodySchema = dashboardBodySchema.extend({ id: z.optional(slugSchema) });
/** Body of `PUT /api/dashboards/:id`. */
export const replaceBodySchema = dashboardBodySchema.extend({ id: z.optional(slugSchema) });
/** Body of `POST /api/dashboards/:id/duplicate`. */
export const duplicateBodySchema = z.object({ id: z.optional(slugSchema), title: z.string().min(1).max(200).optional() }).strict();
/** A dashboard version in a path or query (`/versions/:v`, `?before=`). */
export const versionParamSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Most versions one history page lists. */
export const MAX_VERSIONS_PAGE = 200;

/** Body of `POST /api/dashboards/:id/mutations`. */
export const mutationsBodySchema = z.object({
  clientId: clientIdSchema,
  name: z.string().max(100).optional(),
  mutations: z
    .array(z.object({ mutationId: z.number().int().min(1), name: z.string().min(1).max(64), args: z.unknown() }))
    .min(1)
    .max(1000),
});

/** The ETag of a dashboard: its version, quoted. */
export function dashboardEtag(doc: Dashboard): string {
  return versionEtag(doc.version);
}

/** The ETag of a dashboard version. */
function versionEtag(version: number): string {
  return `"${version}"`;
}

/**
 * Versions named by an If-Match/If-None-Match header (`"3"`, `W/"3"`, `3`, lists); `*` → 'any'.
 * An entry that is no dashboard version throws a 400 naming the header, unless `lenient`
 * (If-None-Match: an ETag from elsewhere, e.g. a proxy, just never matches).
 */
export function parseEtagHeader(header: string, headerName = 'If-Match', lenient = false): number[] | 'any' {
  if (header.trim() === '*') return 'any';
  const versions: number[] = [];
  for (const part of header.split(',')) {
    const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(part);
    if (match) versions.push(Number(match[1]));
    else if (!lenient) {
      const shown = /^(W\/)?".*"$/.test(part.trim()) ? part.trim() : `"${part.trim()}"`;
      throw new PulseboardError('bad_request', `${headerName}: ${shown} is not a dashboard version ETag such as "3"`, { status: 400 });
    }
  }
  return versions;
}

/** Checks widgets (keys = ids, layout inside the grid, no overlaps); throws a 400 naming the problem. */
function checkWidgets(widgets: Dashboard['widgets'], columns: number): void {
  for (const [key, widget] of Object.entries(widgets)) {
    if (widget.id !== key) throw new PulseboardError('bad_request', `widgets.${key}.id: must equal its key "${key}"`, { status: 400 });
    slugOrWidgetKey(key);
  }
  if (isValidLayout(widgets, columns)) return;
  // Name the first offending widget(s), so the caller knows what to move.
  const list = Object.values(widgets);
  for (const [i, a] of list.entries()) {
    const l = a.layout;
    if (l.x + l.w > columns) {
      throw new PulseboardError('bad_request', `widgets.${a.id}.layout: x ${l.x} + w ${l.w} lies outside the grid of ${columns} columns`, { status: 400 });
    }
    const other = list.slice(i + 1).find((b) => overlaps(l, b.layout));
    if (other) throw new PulseboardError('bad_request', `widgets.${a.id}.layout: overlaps widget "${other.id}"`, { status: 400 });
  }
  throw new PulseboardError('bad_request', 'widgets: widgets overlap or lie outside the grid', { status: 400 });
}

/** Refuses a dashboard over MAX_DASHBOARD_BYTES (what is stored must also export and import). */
function checkSize(doc: Dashboard): void {
  const tooLarge = dashboardTooLarge(doc);
  if (tooLarge) throw new PulseboardError('bad_request', `dashboard: ${tooLarge}`, { status: 400 });
}

function slugOrWidgetKey(key: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(key)) throw new PulseboardError('bad_request', `widgets.${key}: key must contain only letters, digits, "-" and "_"`, { status: 400 });
}

/**
 * A widget keyed `__proto__` would be dropped without a word when the body is parsed into an
 * object (it sets the prototype instead): refuse it by name before parsing.
 */
function refuseProtoWidgetKey(raw: unknown): unknown {
  const widgets = (raw as { widgets?: unknown } | null)?.widgets;
  if (typeof widgets === 'object' && widgets !== null && Object.hasOwn(widgets, '__proto__')) {
    throw new PulseboardError('bad_request', 'widgets.__proto__: "__proto__" cannot be a widget id', { status: 400 });
  }
  return raw;
}

/** The stream keys a dashboard snapshot's widgets show, parsed once per cached snapshot (one object per version in the gateway's cache). */
const streamsOfSnapshot = new WeakMap<CachedSnapshot, readonly string[]>();

function widgetStreams(snapshot: CachedSnapshot): readonly string[] {
  let keys = streamsOfSnapshot.get(snapshot);
  if (!keys) {
    const found = new Set<string>();
    for (const widget of Object.values((JSON.parse(snapshot.json) as Dashboard).widgets)) if (widget.stream) found.add(widget.stream);
    keys = [...found];
    streamsOfSnapshot.set(snapshot, keys);
  }
  return keys;
}

function notFound(id: string): PulseboardError {
  return new PulseboardError('not_found', `dashboard "${id}" does not exist`, { status: 404 });
}

function sendDashboard(c: Context, doc: Dashboard, status: 200 | 201 = 200): Response {
  c.header('ETag', dashboardEtag(doc));
  c.header('Cache-Control', 'no-cache');
  return c.json(doc, status);
}

/** Dashboards: list, create, get (ETag/304), replace (If-Match/412), delete, export/import, mutations (share links: share-routes.ts). */
export function dashboardRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { sync, auth } = deps;

  app.get('/', async (c) => {
    const principal = await requirePrincipal(c, auth);
    const list = await sync.storage.listDashboards();
    const visible = list.filter((d) => {
      try {
        assertDashboardAccess(principal, d.id, 'view');
        return true;
      } catch {
        return false;
      }
    });
    return c.json({ dashboards: visible });
  });

  app.post('/', async (c) => {
    const principal = await requirePrincipal(c, auth);
    const body = parseInput(createBodySchema, refuseProtoWidgetKey(await readJson(c)));
    if (body.id !== undefined) assertDashboardAccess(principal, body.id, 'edit');
    else assertDashboardAccess(principal, '*', 'edit');
    const now = new Date().toISOString();
    const columns = body.columns ?? DEFAULT_COLUMNS;
    if (body.widgets) checkWidgets(body.widgets, columns);
    const build = (id: string): Dashboard => {
      const doc = createDashboard({ id, title: body.title, columns, now, ...(body.description === undefined ? {} : { description: body.description }) });
      if (body.widgets) doc.widgets = body.widgets;
      checkSize(doc);
      return doc;
    };
    const created = body.id !== undefined ? await sync.createDashboard(build(body.id)) : await createWithFreeSlug(sync, body.title, build);
    c.header('Location', `/api/dashboards/${created.id}`);
    return sendDashboard(c, created, 201);
  });

  app.post('/import', async (c) => {
    const principal = await requirePrincipal(c, auth);
    const overwrite = ['1', 'true', 'yes'].includes(c.req.query('overwrite') ?? '');
    const asCopy = ['1', 'true', 'yes'].includes(c.req.query('copy') ?? '');
    const input = await readJson(c);
    const doc = parseExportFile(input, new Date().toISOString());
    if (asCopy) {
      // A copy gets a new id derived from the title, never replacing anything.
      assertDashboardAccess(principal, '*', 'edit');
      return sendDashboard(c, await createWithFreeSlug(sync, doc.title, (id) => ({ ...doc, id })), 201);
    }
    assertDashboardAccess(principal, doc.id, 'edit');
    const existing = await sync.storage.getDashboard(doc.id);
    if (existing) {
      if (!overwrite) {
        throw new PulseboardError('already_exists', `dashboard "${doc.id}" already exists; add ?overwrite=1 to replace it`, { status: 409 });
      }
      return sendDashboard(c, await sync.replaceDashboard(doc));
    }
    return sendDashboard(c, await sync.createDashboard(doc), 201);
  });

  /**
   * The snapshot of the URL's dashboard, for a caller who may view it (404 when there is none):
   * through the snapshot cache, so a hot dashboard is serialised once per version, not per GET.
   */
  const viewableSnapshot = async (c: Context) => {
    const id = c.req.param('id') ?? '';
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'view');
    const snapshot = await readSnapshot(deps, dashboardTopic(id));
    if (!snapshot) throw notFound(id);
    return snapshot;
  };

  app.get('/:id', async (c) => {
    const snapshot = await viewableSnapshot(c);
    c.header('ETag', versionEtag(snapshot.offset));
    c.header('Cache-Control', 'no-cache');
    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch) {
      const versions = parseEtagHeader(ifNoneMatch, 'If-None-Match', true);
      if (versions === 'any' || versions.includes(snapshot.offset)) return c.body(null, 304);
    }
    c.header('Content-Type', 'application/json');
    return c.body(snapshot.json);
  });

  app.get('/:id/live', async (c) => {
    const snapshot = await viewableSnapshot(c);
    // A viewer of a dashboard may read every stream its widgets show (stream-access.ts).
    const streams = await Promise.all(widgetStreams(snapshot).map((key) => readSnapshot(deps, streamTopic(key))));
    const parts: string[] = [];
    for (const stream of streams) {
      if (!stream || stream.empty) continue;
      parts.push(`${JSON.stringify(stream.topic.slice('stream:'.length))}:${streamSnapshotJson(stream)}`);
    }
    c.header('Cache-Control', 'no-cache');
    c.header('Content-Type', 'application/json');
    return c.body(`{"dashboard":${snapshot.json},"epoch":${JSON.stringify(snapshot.epoch)},"streams":{${parts.join(',')}}}`);
  });

  app.put('/:id', async (c) => {
    const id = c.req.param('id');
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'edit');
    const ifMatch = c.req.header('if-match');
    const body = parseInput(replaceBodySchema, refuseProtoWidgetKey(await readJson(c)));
    if (body.id !== undefined && body.id !== id) {
      throw new PulseboardError('bad_request', `id: "${body.id}" does not match the URL's dashboard "${id}"`, { status: 400 });
    }
    const current = await sync.storage.getDashboard(id);
    if (!current) throw notFound(id);
    let ifVersion: number | undefined;
    if (ifMatch) {
      const versions = parseEtagHeader(ifMatch, 'If-Match');
      if (versions !== 'any') {
        if (versions.length !== 1) throw new PulseboardError('bad_request', 'If-Match: give exactly one version', { status: 400 });
        ifVersion = versions[0];
      }
    }
    const columns = body.columns ?? current.columns;
    const widgets = body.widgets ?? current.widgets;
    checkWidgets(widgets, columns);
    const next: Dashboard = {
      ...current,
      title: body.title,
      columns,
      widgets,
      writers: {},
    };
    if (body.description === undefined) delete next.description;
    else next.description = body.description;
    checkSize(next);
    return sendDashboard(c, await sync.replaceDashboard(next, ifVersion));
  });

  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'edit');
    if (!(await sync.deleteDashboard(id))) throw notFound(id);
    return c.body(null, 204);
  });

  app.get('/:id/export', async (c) => {
    const id = c.req.param('id');
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'view');
    const doc = await sync.storage.getDashboard(id);
    if (!doc) throw notFound(id);
    c.header('Content-Disposition', `attachment; filename="${id}.pulseboard.json"`);
    return c.json(exportDashboard(doc, new Date().toISOString()));
  });

  app.post('/:id/mutations', async (c) => {
    const id = c.req.param('id');
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'edit');
    const body = parseInput(mutationsBodySchema, await readJson(c));
    await bindClientId(sync.storage, body.clientId, principal);
    type OutOfOrder = { mutationId: number; status: 'rejected'; error: { code: string; message: string; details?: Record<string, unknown> }; conflicts: []; duplicate: false };
    const results: Array<Omit<MutationRecord, 'event' | 'dashboardId'> | OutOfOrder> = [];
    for (const m of body.mutations) {
      try {
        const record = await sync.mutate({
          clientId: body.clientId,
          mutationId: m.mutationId,
          dashboardId: id,
          name: m.name,
          args: m.args,
          actor: body.name ?? principal.name,
        });
        const { event: _event, dashboardId: _dashboardId, ...rest } = record;
        results.push(rest);
      } catch (error) {
        // Out of order: the rest of the batch cannot apply either; report and stop.
        if (error instanceof PulseboardError && error.code === 'out_of_order') {
          // details.expected (the next mutationId) as over WebSocket, so a client can renumber.
          const error_ = { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
          results.push({ mutationId: m.mutationId, status: 'rejected', error: error_, conflicts: [], duplicate: false });
          break;
        }
        throw error;
      }
    }
    const lastMutationId = await sync.storage.getLastMutationId(body.clientId);
    return c.json({ dashboardId: id, clientId: body.clientId, lastMutationId, results });
  });

  app.post('/:id/duplicate', async (c) => {
    const id = c.req.param('id');
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'view');
    const raw = (await c.req.text()).trim();
    const body = parseInput(duplicateBodySchema, raw === '' ? {} : await readJson(c));
    const source = await sync.storage.getDashboard(id);
    if (!source) throw notFound(id);
    const title = body.title ?? `Copy of ${source.title}`.slice(0, 200);
    const now = new Date().toISOString();
    const build = (newId: string): Dashboard => ({
      ...createDashboard({ id: newId, title, columns: source.columns, now, ...(source.description === undefined ? {} : { description: source.description }) }),
      widgets: source.widgets,
      ...(source.layouts ? { layouts: source.layouts } : {}),
    });
    if (body.id !== undefined) assertDashboardAccess(principal, body.id, 'edit');
    else assertDashboardAccess(principal, '*', 'edit');
    const created = body.id !== undefined ? await sync.createDashboard(build(body.id)) : await createWithFreeSlug(sync, title, build);
    c.header('Location', `/api/dashboards/${created.id}`);
    return sendDashboard(c, created, 201);
  });

  app.get('/:id/versions', async (c) => {
    const id = c.req.param('id');
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'view');
    if (!(await sync.storage.getDashboard(id))) throw notFound(id);
    const query = parseInput(
      z.object({ before: versionParamSchema.optional(), limit: z.coerce.number().int().min(1).max(MAX_VERSIONS_PAGE).optional() }),
      { before: c.req.query('before'), limit: c.req.query('limit') },
    );
    const versions = await sync.storage.listVersions(id, { limit: query.limit ?? 50, ...(query.before === undefined ? {} : { beforeVersion: query.before }) });
    return c.json({ versions });
  });

  app.get('/:id/versions/:v', async (c) => {
    const id = c.req.param('id');
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'view');
    const version = parseInput(z.object({ version: versionParamSchema }), { version: c.req.param('v') }).version;
    const found = await readVersion(sync.storage, id, version);
    if (!found) throw versionNotFound(id, version);
    return c.json(found);
  });

  app.post('/:id/versions/:v/restore', async (c) => {
    const id = c.req.param('id');
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'edit');
    const version = parseInput(z.object({ version: versionParamSchema }), { version: c.req.param('v') }).version;
    if (!(await sync.storage.getDashboard(id))) throw notFound(id);
    return sendDashboard(c, await restoreVersion(sync, id, version, principal.name));
  });

  return app;
}

/** Most suffixes tried for a free slug (`ops`, `ops-2`, … `ops-50`) before a random one. */
const MAX_SLUG_TRIES = 50;

/**
 * Creates the dashboard `build(id)` under the first free slug derived from `title`
 * (`sales`, `sales-2`, …); a concurrent create of the same slug just moves on to the next.
 */
async function createWithFreeSlug(sync: SyncService, title: string, build: (id: string) => Dashboard): Promise<Dashboard> {
  const base = slugify(title);
  for (let n = 1; n <= MAX_SLUG_TRIES + 1; n++) {
    const id = n === 1 ? base : n <= MAX_SLUG_TRIES ? `${base}-${n}` : `${base}-${Date.now().toString(36)}`;
    if (n <= MAX_SLUG_TRIES && (await sync.storage.getDashboard(id))) continue;
    try {
      return await sync.createDashboard(build(id));
    } catch (error) {
      if (!(error instanceof PulseboardError && error.code === 'already_exists')) throw error;
    }
  }
  throw new PulseboardError('already_exists', `no free id derived from "${title}"; give an id`, { status: 409 });
}
