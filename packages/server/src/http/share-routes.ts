import { Hono } from 'hono';
import { z } from 'zod';
import { PulseboardError } from '@pulseboard/model';
import type { CreateShareResponse, ShareRole, SharesResponse, ShareSummary } from '@pulseboard/protocol';
import { ADMIN_TOKEN_ID } from '../auth.js';
import { DAY_MS, parseLifetime } from '../durations.js';
import type { TokenRecord } from '../storage/storage.js';
import type { AppDeps } from './app-deps.js';
import { parseInput, readJson } from './http-errors.js';
import { assertDashboardAccess, requirePrincipal } from './request-auth.js';

/** Share links live a week unless told otherwise (and never beyond the server's maximum). */
export const DEFAULT_SHARE_LIFETIME_MS = 7 * DAY_MS;

/** Body of `POST /api/dashboards/:id/share`. */
export const shareBodySchema = z.object({
  role: z.enum(['view', 'edit']).default('view'),
  /** `1h`, `7d`, …, milliseconds, or `never` (the server's maximum). */
  expiresIn: z.union([z.string().max(64), z.number()]).optional(),
  label: z.string().trim().max(100).optional(),
  /** The label, under its older name. */
  name: z.string().trim().max(100).optional(),
});

/** The dashboard and role of a share link (its one scope), or null for any other token. */
export function shareOf(record: TokenRecord): { dashboardId: string; role: ShareRole } | null {
  if (record.kind !== 'share') return null;
  const edit = record.scopes.edit?.[0];
  if (edit !== undefined) return { dashboardId: edit, role: 'edit' };
  const view = record.scopes.view?.[0];
  return view === undefined ? null : { dashboardId: view, role: 'view' };
}

function isActive(record: TokenRecord, now: number): boolean {
  return record.revokedAt === null && (record.expiresAt === null || record.expiresAt > now);
}

/** Share links of a dashboard (edit access): create one, list the active ones, revoke one. */
export function shareRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { sync, auth } = deps;

  app.post('/:id/share', async (c) => {
    const id = c.req.param('id');
    const principal = await requirePrincipal(c, auth);
    assertDashboardAccess(principal, id, 'edit');
    const raw = (await c.req.text()).trim();
    const body = parseInput(shareBodySchema, raw === '' ? {} : await readJson(c));
    const doc = await sync.storage.getDashboard(id);
    if (!doc) throw new PulseboardError('not_found', `dashboard "${id}" does not exist`, { status: 404 });
    const max = deps.config.maxShareLifetimeMs;
    const lifetimeMs =
      body.expiresIn === undefined
        ? Math.min(DEFAULT_SHARE_LIFETIME_MS, max)
        : body.expiresIn === 'never'
          ? max
          : parseLifetime(body.expiresIn, 'expiresIn', max, 'the server\'s --max-share-lifetime');
    const label = body.label || body.name || null;
    const { secret, record } = await auth.createToken({
      name: label ?? `share link: ${doc.title}`,
      role: 'scoped',
      scopes: body.role === 'edit' ? { edit: [id] } : { view: [id] },
      expiresAt: Date.now() + lifetimeMs,
      kind: 'share',
      label,
      creator: principal,
    });
    const url = `${deps.publicUrl()}/#/d/${encodeURIComponent(id)}?token=${secret}`;
    const created: CreateShareResponse = { url, token: secret, tokenId: record.id, dashboardId: id, role: body.role, label, expiresAt: record.expiresAt };
    return c.json(created, 201);
  });

  app.get('/:id/shares', async (c) => {
    const id = c.req.param('id');
    assertDashboardAccess(await requirePrincipal(c, auth), id, 'edit');
    const tokens = await sync.storage.listTokens();
    const names = new Map(tokens.map((t) => [t.id, t.name]));
    names.set(ADMIN_TOKEN_ID, 'admin');
    const now = Date.now();
    const shares: ShareSummary[] = [];
    for (const t of tokens) {
      const share = shareOf(t);
      if (share?.dashboardId !== id || !isActive(t, now)) continue;
      shares.push({
        id: t.id,
        label: t.label,
        role: share.role,
        createdBy: (t.createdBy === null ? undefined : names.get(t.createdBy)) ?? 'unknown',
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
        lastUsedAt: t.lastUsedAt,
      });
    }
    const answer: SharesResponse = { shares };
    return c.json(answer);
  });

  app.delete('/:id/shares/:shareId', async (c) => {
    const id = c.req.param('id');
    const shareId = c.req.param('shareId');
    assertDashboardAccess(await requirePrincipal(c, auth), id, 'edit');
    const token = (await sync.storage.listTokens()).find((t) => t.id === shareId);
    if (!token || shareOf(token)?.dashboardId !== id || !isActive(token, Date.now())) {
      throw new PulseboardError('not_found', `dashboard "${id}" has no active share link "${shareId}"`, { status: 404 });
    }
    for (const revoked of await sync.storage.revokeToken(shareId)) deps.gateway()?.closeConnectionsOfToken(revoked, 'token_revoked');
    return c.body(null, 204);
  });

  return app;
}
