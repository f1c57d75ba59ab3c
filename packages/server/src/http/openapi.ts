import { Hono } from 'hono';
import { z } from 'zod';
import { dashboardSchema, exportFileSchema, pointValueSchema, slugSchema, streamKeySchema } from '@pulseboard/model';
import { MAX_VERSIONS_PAGE, createBodySchema, duplicateBodySchema, mutationsBodySchema, replaceBodySchema, versionParamSchema } from './dashboard-routes.js';
import { shareBodySchema } from './share-routes.js';
import { clientIdQuery, SERVER_VERSION } from './status-routes.js';
import { keyedPointsSchema, pointsBodySchema, streamsMapSchema } from './stream-routes.js';
import { sourceIdSchema, sourceInputSchema } from '../sources/source-definition.js';
import { createTokenSchema } from './token-routes.js';

type JsonSchema = Record<string, unknown>;

/** A zod schema as OpenAPI 3.1 (JSON Schema 2020-12) wants it: what a client may send. */
function schema(zodSchema: z.core.$ZodType): JsonSchema {
  const { $schema: _draft, ...rest } = z.toJSONSchema(zodSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  return rest;
}

/** One stream's push body: a number, an object (merged into the latest value) or `{points}`. */
const streamBodySchema = z.union([pointValueSchema, pointsBodySchema]);

interface Operation {
  summary: string;
  tag: 'status' | 'dashboards' | 'shares' | 'streams' | 'sources' | 'tokens' | 'smashing';
  /** Path parameters by name, with the schema the route checks them with. */
  params?: Record<string, z.core.$ZodType>;
  query?: Record<string, { schema: z.core.$ZodType; description: string }>;
  body?: JsonSchema;
  /** Status → description, and the body's schema when the API has one in zod. */
  responses: Record<number, { description: string; body?: JsonSchema; text?: boolean }>;
  /** No bearer token (health, Smashing's auth_token in the body). */
  public?: boolean;
}

const ok = (description: string, body?: JsonSchema) => ({ description, ...(body ? { body } : {}) });

/**
 * Every route the server answers, keyed `METHOD path` (OpenAPI path syntax). The request
 * schemas are the zod schemas the routes validate with; `openapi.test.ts` checks that this
 * table and the app's routes agree.
 */
const OPERATIONS: Record<string, Operation> = {
  'GET /api/health': { summary: 'Liveness and storage status', tag: 'status', public: true, responses: { 200: ok('Healthy'), 503: ok('Storage unavailable') } },
  'GET /api/sync/status': {
    summary: 'Server time, connections and, with clientId, that client’s last applied mutation per dashboard',
    tag: 'status',
    query: { clientId: { schema: clientIdQuery, description: 'One of the caller’s own client ids' } },
    responses: { 200: ok('Sync status') },
  },
  'GET /api/cache/status': { summary: 'Snapshot cache counters', tag: 'status', responses: { 200: ok('Cache status') } },
  'GET /metrics': { summary: 'Prometheus metrics (text format)', tag: 'status', public: true, responses: { 200: { description: 'Prometheus text exposition', text: true } } },
  'GET /api/openapi.json': { summary: 'This document', tag: 'status', public: true, responses: { 200: ok('OpenAPI 3.1') } },
  'GET /api/me': { summary: 'Who the token is and what it may do', tag: 'tokens', responses: { 200: ok('The caller') } },

  'GET /api/dashboards': { summary: 'Dashboards the token may view', tag: 'dashboards', responses: { 200: ok('Dashboard summaries') } },
  'POST /api/dashboards': {
    summary: 'Create a dashboard (without id: a free slug of the title)',
    tag: 'dashboards',
    body: schema(createBodySchema),
    responses: { 201: ok('Created', schema(dashboardSchema)), 409: ok('A dashboard with this id exists') },
  },
  'POST /api/dashboards/import': {
    summary: 'Import an export file',
    tag: 'dashboards',
    query: {
      overwrite: { schema: z.enum(['1', 'true', 'yes']).optional(), description: 'Replace an existing dashboard' },
      copy: { schema: z.enum(['1', 'true', 'yes']).optional(), description: 'Import as a copy under a new id derived from the title' },
    },
    body: schema(exportFileSchema),
    responses: { 201: ok('Imported', schema(dashboardSchema)), 409: ok('Exists; add ?overwrite=1') },
  },
  'GET /api/dashboards/{id}': {
    summary: 'One dashboard (ETag; If-None-Match gives 304)',
    tag: 'dashboards',
    params: { id: slugSchema },
    responses: { 200: ok('The dashboard', schema(dashboardSchema)), 304: ok('Not modified'), 404: ok('No such dashboard') },
  },
  'GET /api/dashboards/{id}/live': {
    summary: "A dashboard with the latest value and history of each stream its widgets show, in one request (a viewer's first paint)",
    tag: 'dashboards',
    params: { id: slugSchema },
    responses: { 200: ok('{ dashboard, streams: { <key>: as GET /api/streams/{key} } }; streams nothing was pushed to are left out'), 404: ok('No such dashboard') },
  },
  'PUT /api/dashboards/{id}': {
    summary: 'Replace a dashboard (If-Match: <version> gives 412 on mismatch)',
    tag: 'dashboards',
    params: { id: slugSchema },
    body: schema(replaceBodySchema),
    responses: { 200: ok('Replaced', schema(dashboardSchema)), 412: ok('Version mismatch') },
  },
  'DELETE /api/dashboards/{id}': { summary: 'Delete a dashboard', tag: 'dashboards', params: { id: slugSchema }, responses: { 204: ok('Deleted') } },
  'GET /api/dashboards/{id}/export': {
    summary: 'The dashboard as an export file',
    tag: 'dashboards',
    params: { id: slugSchema },
    responses: { 200: ok('Export file', schema(exportFileSchema)) },
  },
  'POST /api/dashboards/{id}/duplicate': {
    summary: 'Copy a dashboard under a new id (default: a free slug of “Copy of <title>”)',
    tag: 'dashboards',
    params: { id: slugSchema },
    body: schema(duplicateBodySchema),
    responses: { 201: ok('The copy', schema(dashboardSchema)), 404: ok('No such dashboard'), 409: ok('The given id is taken') },
  },
  'GET /api/dashboards/{id}/versions': {
    summary: 'Version history, newest first: who, when, one-line summary',
    tag: 'dashboards',
    params: { id: slugSchema },
    query: {
      before: { schema: versionParamSchema.optional(), description: 'Only versions below this one (paging)' },
      limit: { schema: z.coerce.number().int().min(1).max(MAX_VERSIONS_PAGE).optional(), description: `At most this many (default 50, max ${MAX_VERSIONS_PAGE})` },
    },
    responses: { 200: ok('Version summaries') },
  },
  'GET /api/dashboards/{id}/versions/{v}': {
    summary: 'One version with the whole document as it was',
    tag: 'dashboards',
    params: { id: slugSchema, v: versionParamSchema },
    responses: { 200: ok('The version'), 404: ok('Not retained') },
  },
  'POST /api/dashboards/{id}/versions/{v}/restore': {
    summary: 'Make a version current as a new version (every viewer gets it live)',
    tag: 'dashboards',
    params: { id: slugSchema, v: versionParamSchema },
    responses: { 200: ok('Restored', schema(dashboardSchema)), 404: ok('Not retained') },
  },
  'POST /api/dashboards/{id}/mutations': {
    summary: 'Apply a batch of mutations exactly once (the offline queue’s HTTP path)',
    tag: 'dashboards',
    params: { id: slugSchema },
    body: schema(mutationsBodySchema),
    responses: { 200: ok('Per-mutation results') },
  },

  'POST /api/dashboards/{id}/share': {
    summary: 'Create a share link',
    tag: 'shares',
    params: { id: slugSchema },
    body: schema(shareBodySchema),
    responses: { 201: ok('The link (its token is shown only here)') },
  },
  'GET /api/dashboards/{id}/shares': { summary: 'Active share links of a dashboard', tag: 'shares', params: { id: slugSchema }, responses: { 200: ok('Share links') } },
  'DELETE /api/dashboards/{id}/shares/{shareId}': {
    summary: 'Revoke a share link (its sockets close with 4001)',
    tag: 'shares',
    params: { id: slugSchema, shareId: z.string() },
    responses: { 204: ok('Revoked') },
  },

  'GET /api/streams': { summary: 'Streams the token may read, with their latest value', tag: 'streams', responses: { 200: ok('Stream summaries') } },
  'POST /api/streams': {
    summary: 'Push to many streams in one transaction',
    tag: 'streams',
    body: { oneOf: [schema(keyedPointsSchema), schema(streamsMapSchema.extend({ streams: z.record(streamKeySchema, streamBodySchema) }))] },
    responses: { 200: ok('Accepted points per stream'), 413: ok('Body too large') },
  },
  'POST /api/streams/{key}': {
    summary: 'Push to one stream',
    tag: 'streams',
    params: { key: streamKeySchema },
    body: schema(streamBodySchema),
    responses: { 200: ok('Accepted points'), 413: ok('Body too large') },
  },
  'GET /api/streams/{key}': {
    summary: 'Latest value, retained history and position of a stream',
    tag: 'streams',
    params: { key: streamKeySchema },
    query: { since: { schema: z.string().optional(), description: 'Only points with ts ≥ since (ms or ISO date)' } },
    responses: { 200: ok('The stream'), 404: ok('Nothing was pushed to it yet') },
  },

  'POST /api/tokens': { summary: 'Create a token (admin; the secret is shown once)', tag: 'tokens', body: schema(createTokenSchema), responses: { 201: ok('The token and its secret') } },
  'GET /api/tokens': { summary: 'List tokens (admin)', tag: 'tokens', responses: { 200: ok('Tokens, never their secrets') } },
  'DELETE /api/tokens/{id}': { summary: 'Revoke a token (admin)', tag: 'tokens', params: { id: z.string() }, responses: { 204: ok('Revoked') } },

  'GET /api/sources': { summary: 'Pull data sources with their run status (admin)', tag: 'sources', responses: { 200: ok('Sources; secret header values only as "set"') } },
  'POST /api/sources': {
    summary: 'Create a pull data source (admin)',
    tag: 'sources',
    body: schema(sourceInputSchema),
    responses: { 201: ok('The source'), 400: ok('A field is invalid (named)'), 409: ok('A source with this id exists') },
  },
  'POST /api/sources/test': {
    summary: 'Run a source definition once and show what each selector would push, pushing nothing (admin)',
    tag: 'sources',
    body: schema(sourceInputSchema),
    responses: { 200: ok('What would be pushed, or the error') },
  },
  'GET /api/sources/{id}': { summary: 'One source (admin)', tag: 'sources', params: { id: sourceIdSchema }, responses: { 200: ok('The source'), 404: ok('No such source') } },
  'PUT /api/sources/{id}': {
    summary: 'Replace a source (admin; a secret header without a value keeps its stored one)',
    tag: 'sources',
    params: { id: sourceIdSchema },
    body: schema(sourceInputSchema),
    responses: { 200: ok('The source'), 404: ok('No such source') },
  },
  'DELETE /api/sources/{id}': { summary: 'Delete a source (admin)', tag: 'sources', params: { id: sourceIdSchema }, responses: { 204: ok('Deleted'), 404: ok('No such source') } },
  'POST /api/sources/{id}/run': { summary: 'Run a source now (admin)', tag: 'sources', params: { id: sourceIdSchema }, responses: { 200: ok('The source after the run') } },
  'POST /api/sources/{id}/test': { summary: 'Run a stored source once without pushing (admin)', tag: 'sources', params: { id: sourceIdSchema }, responses: { 200: ok('What would be pushed') } },
  'GET /api/sources/for-stream/{key}': {
    summary: 'The source feeding a stream, if any (anyone who may read the stream)',
    tag: 'sources',
    params: { key: streamKeySchema },
    responses: { 200: ok('{source: null} or the source with its status') },
  },

  'POST /widgets/{id}': {
    summary: 'Smashing-compatible push (auth_token in the body; the rest is the value)',
    tag: 'smashing',
    public: true,
    params: { id: streamKeySchema },
    body: { type: 'object', required: ['auth_token'], properties: { auth_token: { type: 'string' } }, additionalProperties: true },
    responses: { 204: ok('Pushed'), 401: { description: 'Invalid API key', text: true } },
  },
};

const errorBody: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } } } },
};

function operationObject(key: string, op: Operation): JsonSchema {
  const parameters = [
    ...Object.entries(op.params ?? {}).map(([name, s]) => ({ name, in: 'path', required: true, schema: schema(s) })),
    ...Object.entries(op.query ?? {}).map(([name, q]) => ({ name, in: 'query', required: false, description: q.description, schema: schema(q.schema) })),
  ];
  const responses: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const content = r.text ? { 'text/plain': { schema: { type: 'string' } } } : r.body ? { 'application/json': { schema: r.body } } : undefined;
    responses[status] = { description: r.description, ...(content ? { content } : {}) };
  }
  responses.default = { description: 'An error: 400 names the field, 401/403 the token, 404, 409, 413, 429', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, ''),
    summary: op.summary,
    tags: [op.tag],
    ...(op.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the HTTP API, generated from the routes' zod schemas. */
export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [key, op] of Object.entries(OPERATIONS)) {
    const [method, path] = key.split(' ') as [string, string];
    (paths[path] ??= {})[method.toLowerCase()] = operationObject(key, op);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Pulseboard HTTP API', version: SERVER_VERSION, description: 'docs/api.md describes every route with examples.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: errorBody } },
    paths,
  };
}

/** `GET /api/openapi.json` (no token needed: it describes, it holds no data). */
export function openApiRoutes(): Hono {
  const app = new Hono();
  const document = openApiDocument();
  app.get('/api/openapi.json', (c) => c.json(document));
  return app;
}
