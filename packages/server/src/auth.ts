import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { PulseboardError } from '@pulseboard/model';
import type { Storage, TokenRecord, TokenRole, TokenScopes } from './storage/storage.js';

/** Who is calling: the admin, or a scoped token. */
export interface Principal {
  tokenId: string;
  name: string;
  role: TokenRole;
  scopes: TokenScopes;
  /** When the token stops being valid (ms since the epoch); null or absent: never. */
  expiresAt?: number | null;
}

export type DashboardAccess = 'view' | 'edit';

/** Prefix of every secret Pulseboard issues, so leaked tokens are easy to grep for. */
export const TOKEN_PREFIX = 'pb_';

/** sha256 hex of a token secret: only this is stored. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new random token secret (`pb_` + 32 random bytes, base64url). */
export function generateTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** True when the principal may view (or edit) the dashboard. Edit implies view. */
export function canAccessDashboard(principal: Principal, dashboardId: string, access: DashboardAccess): boolean {
  if (principal.role === 'admin') return true;
  const matches = (list: string[] | undefined) => list?.some((id) => id === '*' || id === dashboardId) ?? false;
  return access === 'edit' ? matches(principal.scopes.edit) : matches(principal.scopes.view) || matches(principal.scopes.edit);
}

/** True when the principal may push to the stream key (scopes are key prefixes; "" matches all). */
export function canPush(principal: Principal, streamKey: string): boolean {
  if (principal.role === 'admin') return true;
  return principal.scopes.push?.some((prefix) => streamKey.startsWith(prefix)) ?? false;
}

/** True when the principal may read a stream: any token that can view something or push to it. */
export function canReadStream(principal: Principal, streamKey: string): boolean {
  if (principal.role === 'admin') return true;
  const s = principal.scopes;
  return (s.view?.length ?? 0) > 0 || (s.edit?.length ?? 0) > 0 || canPush(principal, streamKey);
}

/**
 * Resolves bearer secrets to principals. The admin secret given by configuration
 * (PULSEBOARD_ADMIN_TOKEN) is compared in constant time and never stored in clear.
 */
export class Auth {
  readonly #storage: Storage;
  readonly #adminHash: Buffer | null;

  constructor(storage: Storage, options: { adminToken?: string } = {}) {
    this.#storage = storage;
    this.#adminHash = options.adminToken ? createHash('sha256').update(options.adminToken).digest() : null;
  }

  /** The principal for a secret, or null when it is unknown, revoked or expired. */
  async authenticate(secret: string | undefined | null, now = Date.now()): Promise<Principal | null> {
    if (!secret || secret.length > 512) return null;
    const digest = createHash('sha256').update(secret).digest();
    if (this.#adminHash && timingSafeEqual(digest, this.#adminHash)) {
      return { tokenId: 'admin', name: 'admin', role: 'admin', scopes: {}, expiresAt: null };
    }
    const record = await this.#storage.findToken(digest.toString('hex'), now);
    return record ? { tokenId: record.id, name: record.name, role: record.role, scopes: record.scopes, expiresAt: record.expiresAt } : null;
  }

  /** Creates and stores a token; the secret is returned once and never again. */
  async createToken(input: { name: string; role: TokenRole; scopes?: TokenScopes; expiresAt?: number | null }, now = Date.now()): Promise<{ secret: string; record: TokenRecord }> {
    if (!input.name.trim()) throw new PulseboardError('bad_request', 'name: must not be empty');
    const secret = generateTokenSecret();
    const record: TokenRecord = {
      id: randomUUID(),
      name: input.name.trim(),
      hash: hashToken(secret),
      role: input.role,
      scopes: input.scopes ?? {},
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
    };
    await this.#storage.createToken(record);
    return { secret, record };
  }
}
