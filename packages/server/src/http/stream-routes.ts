import { Hono } from 'hono';
import { z } from 'zod';
import { PulseboardError, pointValueSchema, streamKeySchema, type PointValue } from '@pulseboard/model';
import { MAX_POINTS_PER_REQUEST, streamTopic, type StreamListResponse } from '@pulseboard/protocol';
import type { AppendResult } from '../storage/storage.js';
import { describeJson, POINT_VALUE_EXPECTED } from '../point-values.js';
import { FUTURE_TS_MESSAGE, isTooFarAhead } from '../stream-timestamps.js';
import { readSnapshot, streamSnapshotJson, type AppDeps } from './app-deps.js';
import { parseInput, readJson } from './http-errors.js';
import { assertCanPush, assertCanReadStream, requirePrincipal } from './request-auth.js';

export { MAX_POINTS_PER_REQUEST };

type PointInput = { ts?: number; value: PointValue };
type Batch = Array<{ key: string; points: PointInput[] }>;

export { MAX_FUTURE_TS_MS } from '../stream-timestamps.js';

const tsSchema = z
  .number()
  .int()
  .min(0)
  .refine((ts) => !isTooFarAhead(ts), { message: FUTURE_TS_MESSAGE });
const pointSchema = z.object({ ts: tsSchema.optional(), value: pointValueSchema });
/** One stream's `{points}` body. */
export const pointsBodySchema = z.object({ points: z.array(pointSchema).min(1).max(MAX_POINTS_PER_REQUEST) });

/** The many-streams `{points: [{key, ts?, value}]}` body. */
export const keyedPointsSchema = z.object({
  points: z.array(pointSchema.extend({ key: streamKeySchema })).min(1).max(MAX_POINTS_PER_REQUEST),
});
/** The many-streams `{streams: {key: body}}` body. */
export const streamsMapSchema = z.object({ streams: z.record(z.string(), z.unknown()) });

/**
 * parseInput for stream bodies: a point value that is neither a number nor an object gets a
 * message saying what is accepted and what came (zod alone says only "Invalid input").
 */
function parseStreamInput<T extends z.core.$ZodType>(schema: T, input: unknown, prefix = ''): z.output<T> {
  const parsed = z.safeParse(schema, input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'invalid_union') {
    let got: unknown = input;
    for (const key of issue.path) got = (got as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    throw new PulseboardError('bad_request', `${path}: ${POINT_VALUE_EXPECTED}, not ${describeJson(got)}`, { status: 400 });
  }
  return parseInput(schema, input, prefix);
}

/** True for `{points: [...]}`: the points form rather than an object value. */
function isPointsForm(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Array.isArray((body as { points?: unknown }).points);
}

/** One stream's body (a number, an object, or {points}) as points; throws 400 naming the field. */
export function pointsFromBody(body: unknown, prefix = ''): PointInput[] {
  if (isPointsForm(body)) return parseStreamInput(pointsBodySchema, body, prefix).points;
  return [{ value: parseStreamInput(pointValueSchema, body, prefix || 'value') }];
}

function checkKey(key: string, field: string): string {
  parseInput(streamKeySchema, key, field);
  return key;
}

/** The many-streams body: `{streams: {key: value | {points}}}` or `{points: [{key, ts?, value}]}`. */
export function batchFromBody(body: unknown): Batch {
  if (isPointsForm(body)) {
    const { points } = parseStreamInput(keyedPointsSchema, body);
    const byKey = new Map<string, PointInput[]>();
    for (const p of points) {
      let list = byKey.get(p.key);
      if (!list) byKey.set(p.key, (list = []));
      list.push(p.ts === undefined ? { value: p.value } : { ts: p.ts, value: p.value });
    }
    return [...byKey].map(([key, pts]) => ({ key, points: pts }));
  }
  const { streams } = parseInput(streamsMapSchema, body);
  const batch: Batch = [];
  let total = 0;
  for (const [key, value] of Object.entries(streams)) {
    checkKey(key, `streams.${key}`);
    const points = pointsFromBody(value, `streams.${key}`);
    total += points.length;
    batch.push({ key, points });
  }
  if (batch.length === 0) throw new PulseboardError('bad_request', 'streams: give at least one stream', { status: 400 });
  if (total > MAX_POINTS_PER_REQUEST) throw new PulseboardError('bad_request', `points: at most ${MAX_POINTS_PER_REQUEST} points per request`, { status: 400 });
  return batch;
}

function summary(results: AppendResult[]) {
  return results.map((r) => ({ key: r.key, offset: r.events.at(-1)?.offset ?? null, accepted: r.events.length, latest: r.latest }));
}

/** Most streams one page of `GET /api/streams` holds, and the page size when `limit` is not given. */
export const MAX_STREAMS_PER_PAGE = 1_000;

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_STREAMS_PER_PAGE).default(MAX_STREAMS_PER_PAGE),
  cursor: z.string().max(200).optional(),
  prefix: z
    .string()
    .max(128)
    .regex(/^[A-Za-z0-9._:-]*$/, 'must be the start of a stream key: letters, digits, ".", "_", ":" and "-"')
    .optional(),
});

/** A cursor is the last key of a page, opaque to clients (base64url). */
function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!streamKeySchema.safeParse(key).success) throw new PulseboardError('bad_request', 'cursor: not a cursor this server gave out', { status: 400 });
  return key;
}

/** Streams: push one, push many, read one (latest + history), list. */
export function streamRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { sync, auth } = deps;

  app.post('/', async (c) => {
    const principal = await requirePrincipal(c, auth);
    const batch = batchFromBody(await readJson(c));
    for (const { key } of batch) assertCanPush(principal, key);
    const results = await sync.push(batch);
    const accepted = results.reduce((n, r) => n + r.events.length, 0);
    return c.json({ accepted, streams: summary(results) });
  });

  app.get('/', async (c) => {
    const principal = await requirePrincipal(c, auth);
    const query = parseInput(listQuerySchema, c.req.query());
    const after = query.cursor === undefined ? '' : decodeCursor(query.cursor);
    // One more than the page, to know whether another page follows.
    const [list, canRead] = await Promise.all([
      sync.storage.listStreams({ prefix: query.prefix ?? '', after, limit: query.limit + 1 }),
      sync.streamAccess.readable(principal),
    ]);
    const page = list.slice(0, query.limit);
    const nextCursor = list.length > query.limit ? encodeCursor(page.at(-1)!.key) : null;
    const body: StreamListResponse = { streams: page.filter((s) => canRead(s.key)), nextCursor };
    return c.json(body);
  });

  app.post('/:key', async (c) => {
    const key = checkKey(c.req.param('key'), 'key');
    const principal = await requirePrincipal(c, auth);
    assertCanPush(principal, key);
    const points = pointsFromBody(await readJson(c));
    const [result] = await sync.push([{ key, points }]);
    if (!result) throw new Error('push returned no result');
    return c.json(summary([result])[0]);
  });

  app.get('/:key', async (c) => {
    const key = checkKey(c.req.param('key'), 'key');
    const principal = await requirePrincipal(c, auth);
    await assertCanReadStream(sync.streamAccess, principal, key);
    const sinceText = c.req.query('since');
    let sinceTs: number | undefined;
    if (sinceText !== undefined) {
      sinceTs = /^\d+$/.test(sinceText) ? Number(sinceText) : Date.parse(sinceText);
      if (!Number.isFinite(sinceTs)) {
        throw new PulseboardError('bad_request', `since: "${sinceText}" is not a timestamp (ms since epoch or ISO date)`, { status: 400 });
      }
    }
    c.header('Cache-Control', 'no-cache');
    if (sinceTs !== undefined) {
      const stream = await sync.storage.getStream(key, { sinceTs });
      if (!stream) throw streamNotFound(key);
      return c.json(stream);
    }
    // The whole snapshot: through the snapshot cache, as a subscribe reads it.
    const snapshot = await readSnapshot(deps, streamTopic(key));
    if (!snapshot || snapshot.empty) throw streamNotFound(key);
    c.header('Content-Type', 'application/json');
    return c.body(streamSnapshotJson(snapshot));
  });

  return app;
}

function streamNotFound(key: string): PulseboardError {
  return new PulseboardError('not_found', `stream "${key}" does not exist (nothing was pushed to it yet)`, { status: 404 });
}
