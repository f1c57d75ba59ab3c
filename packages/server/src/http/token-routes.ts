import { Hono } from 'hono';
import { z } from 'zod';
import { PulseboardError } from '@pulseboard/model';
import type { MeResponse } from '@pulseboard/protocol';
import { checkExpiresAt, MAX_TOKEN_LIFETIME_MS, parseLifetime } from '../durations.js';
import type { TokenRecord } from '../storage/storage.js';
import type { AppDeps } from './app-deps.js';
import { parseInput, readJson } from './http-errors.js';
import { assertAdmin, requirePrincipal } from './request-auth.js';

const idList = z.array(z.string().max(128)).max(1000);

/** Body of `POST /api/tokens`. */
export const createTokenSchema = z.object({
  name: z.string().min(1).max(100),
  role: z.enum(['admin', 'scoped']).default('scoped'),
  scopes: z.object({ push: idList.optional(), view: idList.optional(), edit: idList.optional(), read: idList.optional() }).strict().default({}),
  /** Lifetime: `7d`, `24h`, or milliseconds. */
  expiresIn: z.union([z.string().max(64), z.number()]).optional(),
  /** Absolute expiry, ms since epoch. */
  expiresAt: z.number().nullable().optional(),
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
    const principal = await requirePrincipal(c, auth);
    assertAdmin(principal);
    const body = parseInput(createTokenSchema, await readJson(c));
    const now = Date.now();
    let expiresAt = body.expiresAt == null ? null : checkExpiresAt(body.expiresAt, 'expiresAt', now);
    if (body.expiresIn !== undefined) expiresAt = now + parseLifetime(body.expiresIn, 'expiresIn', MAX_TOKEN_LIFETIME_MS, 'the longest token lifetime');
    const { secret, record } = await auth.createToken({ name: body.name, role: body.role, scopes: body.scopes, expiresAt, creator: principal }, now);
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
    const revoked = await sync.storage.revokeToken(id);
    if (revoked.length === 0) throw new PulseboardError('not_found', `token "${id}" does not exist or is already revoked`, { status: 404 });
    // The links and tokens it made go with it (storage revoked them in the same transaction).
    for (const tokenId of revoked) deps.gateway()?.closeConnectionsOfToken(tokenId, 'token_revoked');
    return c.body(null, 204);
  });

  return app;
}

/** `GET /api/me`: the caller's identity and capabilities (MeResponse), for any valid token. */
export function meRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const p = await requirePrincipal(c, deps.auth);
    const admin = p.role === 'admin';
    const me: MeResponse = {
      tokenId: p.tokenId,
      name: p.name,
      kind: p.kind,
      role: p.role,
      scopes: p.scopes,
      expiresAt: p.expiresAt ?? null,
      can: { admin, createDashboards: admin || (p.scopes.edit?.includes('*') ?? false) },
    };
    return c.json(me);
  });
  return app;
}
