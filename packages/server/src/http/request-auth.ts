import type { Context } from 'hono';
import { PulseboardError } from '@pulseboard/model';
import { AUTH_FAILURE_MESSAGES, canAccessDashboard, canPush, type Auth, type DashboardAccess, type Principal } from '../auth.js';
import type { StreamAccess } from '../stream-access.js';

/** The bearer secret of a request (`Authorization: Bearer <token>`), if any. */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The caller, or a 401 saying why: `token_revoked`, `token_expired`, or `unauthorized` for a
 * missing or unknown token.
 */
export async function requirePrincipal(c: Context, auth: Auth): Promise<Principal> {
  const secret = bearerToken(c);
  if (!secret) throw new PulseboardError('unauthorized', 'missing token: send "Authorization: Bearer <token>"', { status: 401 });
  const result = await auth.check(secret);
  if (!result.ok) throw new PulseboardError(result.code, AUTH_FAILURE_MESSAGES[result.code], { status: 401 });
  return result.principal;
}

function forbidden(message: string): PulseboardError {
  return new PulseboardError('forbidden', message, { status: 403 });
}

export function assertAdmin(principal: Principal): void {
  if (principal.role !== 'admin') throw forbidden('this route needs an admin token');
}

export function assertDashboardAccess(principal: Principal, dashboardId: string, access: DashboardAccess): void {
  if (!canAccessDashboard(principal, dashboardId, access)) throw forbidden(`token may not ${access} dashboard "${dashboardId}"`);
}

export function assertCanPush(principal: Principal, key: string): void {
  if (!canPush(principal, key)) throw forbidden(`token may not push to stream "${key}"`);
}

export async function assertCanReadStream(access: StreamAccess, principal: Principal, key: string): Promise<void> {
  if (!(await access.canRead(principal, key))) throw forbidden(`token may not read stream "${key}"`);
}
