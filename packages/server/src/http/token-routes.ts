import { Hono } from 'hono';
import { z } from 'zod';
import { PulseboardError } from '@pulseboard/model';
import { parseDuration } from '../config.js';
import type { TokenRecord } from '../storage/storage.js';
import type { AppDeps } from './app-deps.js';
import { parseInput, readJson } from './http-errors.js';
import { assertAdmin, requirePrincipal } from './request-auth.js';

const idList = z.array(z.string().max(128)).max(1000);

const createTokenSchema = z.object({
  name: z.string().min(1).max(100),
  role: z.enum(['admin', 'scoped']).default('scoped'),
  scopes: z.object({ push: idList.optional(), view: idList.optional(), edit: idList.optional() }).strict().default({}),
  /** Lifetime: `7d`, `24h`, or milliseconds. */
  expiresIn: z.union([z.string(), z.number().int().positive()]).optional(),
  /** Absolute expiry, ms since epoch. */
  expiresAt: z.number().int().positive().nullable().optional(),
});

/** A token as the API shows it: never the hash. */
export function publicToken(record: TokenRecord) {
  const { hash: _hash, ...rest } = record;
  return rest;
}

/** Tokens (admin only): create (the secret is shown once), list, revoke. */
export function tokenRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { auth, sync } = deps;

  app.post('/', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const body = parseInput(createTokenSchema, await readJson(c));
    let expiresAt = body.expiresAt ?? null;
    if (body.expiresIn !== undefined) {
      const ms = typeof body.expiresIn === 'number' ? body.expiresIn : parseDuration(body.expiresIn);
      if (ms === null || ms <= 0) throw new PulseboardError('bad_request', `expiresIn: "${body.expiresIn}" is not a duration such as "7d"`, { status: 400 });
      expiresAt = Date.now() + ms;
    }
    const { secret, record } = await auth.createToken({ name: body.name, role: body.role, scopes: body.scopes, expiresAt });
    return c.json({ token: secret, ...publicToken(record) }, 201);
  });

  app.get('/', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const tokens = await sync.storage.listTokens();
    return c.json({ tokens: tokens.map(publicToken) });
  });

  app.delete('/:id', async (c) => {
    assertAdmin(await requirePrincipal(c, auth));
    const id = c.req.param('id');
    if (!(await sync.storage.revokeToken(id))) throw new PulseboardError('not_found', `token "${id}" does not exist`, { status: 404 });
    deps.gateway()?.closeConnectionsOfToken(id, 'the token was revoked');
    return c.body(null, 204);
  });

  return app;
}
