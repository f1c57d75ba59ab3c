import { Hono } from 'hono';
import { PulseboardError, pointValueSchema, streamKeySchema } from '@pulseboard/model';
import { canPush } from '../auth.js';
import type { AppDeps } from './app-deps.js';
import { parseInput, readJson } from './http-errors.js';

/**
 * Smashing/Dashing compatibility: `POST /widgets/:id` with `{"auth_token": "...", ...data}`.
 * The data (everything but auth_token) is pushed to stream `:id` as an object, merged into
 * the latest value the way Smashing merges widget data. Answers 204, or 401 "Invalid API key"
 * in plain text as Smashing does, so existing jobs work unchanged.
 */
export function smashingRoutes(deps: AppDeps): Hono {
  const app = new Hono();

  app.post('/:id', async (c) => {
    const key = c.req.param('id');
    parseInput(streamKeySchema, key, 'id');
    const body = await readJson(c);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new PulseboardError('bad_request', 'body: must be a JSON object with "auth_token"', { status: 400 });
    }
    const { auth_token: token, ...data } = body as Record<string, unknown>;
    const principal = typeof token === 'string' ? await deps.auth.authenticate(token) : null;
    if (!principal || !canPush(principal, key)) return c.text('Invalid API key', 401);
    const value = parseInput(pointValueSchema, data, 'body');
    await deps.sync.push([{ key, points: [{ value }] }]);
    return c.body(null, 204);
  });

  return app;
}
