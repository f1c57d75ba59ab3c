import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { PulseboardError } from '@pulseboard/model';
import type { Storage, TokenKind, TokenRecord, TokenRole, TokenScopes } from './storage/storage.js';

/** Who is calling: the admin, or a scoped token. */
export interface Principal {
  /** The token identity: the stored token's id, or `admin` for the configured admin token. */
  tokenId: string;
  name: string;
  role: TokenRole;
  /** `admin`: the configured admin token; `share`: a share link; `token`: any other stored token. */
  kind: 'admin' | TokenKind;
  scopes: TokenScopes;
  /** When the token stops being valid (ms since the epoch); null or absent: never. */
  expiresAt?: number | null;
}

export type DashboardAccess = 'view' | 'edit';

/** Why a secret was refused: the HTTP 401 `error.code` and the WebSocket 4001 close reason. */
export type AuthFailure = 'unauthorized' | 'token_revoked' | 'token_expired';

/** The outcome of checking a secret. */
export type AuthResult = { ok: true; principal: Principal } | { ok: false; code: AuthFailure };

/** A sentence for each refusal, for messages and logs. */
export const AUTH_FAILURE_MESSAGES: Record<AuthFailure, string> = {
  unauthorized: 'missing or unknown token',
  token_revoked: 'this token was revoked',
  token_expired: 'this token has expired',
};

/** Prefix of every secret Pulseboard issues, so leaked tokens are easy to grep for. */
export const TOKEN_PREFIX = 'pb_';
/** The tokenId of the configured admin token (PULSEBOARD_ADMIN_TOKEN). */
export const ADMIN_TOKEN_ID = 'admin';
/** `lastUsedAt` is written at most this often per token, not on every request. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

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

/**
 * True when the principal reads the stream by its scopes alone: admin, a push prefix or a
 * `read` prefix. Streams its dashboards' widgets reference are readable too (StreamAccess).
 */
export function canReadStreamByScope(principal: Principal, streamKey: string): boolean {
  if (canPush(principal, streamKey)) return true;
  return principal.scopes.read?.some((prefix) => streamKey.startsWith(prefix)) ?? false;
}

/** What a new token is: its name and rights, and who creates it. */
export interface NewToken {
  name: string;
  role: TokenRole;
  scopes?: TokenScopes;
  /** Asked-for expiry; it is cut to the creator's own expiry. */
  expiresAt?: number | null;
  kind?: TokenKind;
  label?: string | null;
  /** Who creates it: its tokenId is recorded (revoking it revokes this one) and its expiry bounds this one's. */
  creator?: Principal | null;
}

/** The expiry of a token made by `creator`: never beyond the creator's own. */
export function boundedExpiry(expiresAt: number | null, creator: Principal | null | undefined): number | null {
  const limit = creator?.expiresAt ?? null;
  if (limit === null) return expiresAt;
  return expiresAt === null ? limit : Math.min(expiresAt, limit);
}

/**
 * Resolves bearer secrets to principals. The admin secret given by configuration
 * (PULSEBOARD_ADMIN_TOKEN) is compared in constant time and never stored in clear.
 */
export class Auth {
  readonly #storage: Storage;
  readonly #adminHash: Buffer | null;
  /** When lastUsedAt was last written, per tokenId. */
  readonly #lastUsedWrites = new Map<string, number>();

  constructor(storage: Storage, options: { adminToken?: string } = {}) {
    this.#storage = storage;
    this.#adminHash = options.adminToken ? createHash('sha256').update(options.adminToken).digest() : null;
  }

  /** The principal for a secret, or null when it is unknown, revoked or expired. */
  async authenticate(secret: string | undefined | null, now = Date.now()): Promise<Principal | null> {
    const result = await this.check(secret, now);
    return result.ok ? result.principal : null;
  }

  /** The principal for a secret, or why it is refused (unknown, revoked, expired). Records `lastUsedAt`. */
  async check(secret: string | undefined | null, now = Date.now()): Promise<AuthResult> {
    if (!secret || secret.length > 512) return { ok: false, code: 'unauthorized' };
    const digest = createHash('sha256').update(secret).digest();
    if (this.#adminHash && timingSafeEqual(digest, this.#adminHash)) {
      return { ok: true, principal: { tokenId: ADMIN_TOKEN_ID, name: 'admin', role: 'admin', kind: 'admin', scopes: {}, expiresAt: null } };
    }
    const hash = digest.toString('hex');
    const record = await this.#storage.findToken(hash, now);
    if (!record) {
      // Only the refusal path pays for the second lookup that says why.
      const known = await this.#storage.findTokenByHash(hash);
      if (!known) return { ok: false, code: 'unauthorized' };
      return { ok: false, code: known.revokedAt !== null ? 'token_revoked' : 'token_expired' };
    }
    this.#recordUse(record.id, now);
    return {
      ok: true,
      principal: { tokenId: record.id, name: record.name, role: record.role, kind: record.kind, scopes: record.scopes, expiresAt: record.expiresAt },
    };
  }

  /** Creates and stores a token; the secret is returned once and never again. */
  async createToken(input: NewToken, now = Date.now()): Promise<{ secret: string; record: TokenRecord }> {
    if (!input.name.trim()) throw new PulseboardError('bad_request', 'name: must not be empty');
    const secret = generateTokenSecret();
    const record: TokenRecord = {
      id: randomUUID(),
      name: input.name.trim(),
      hash: hashToken(secret),
      role: input.role,
      scopes: input.scopes ?? {},
      createdAt: now,
      expiresAt: boundedExpiry(input.expiresAt ?? null, input.creator),
      revokedAt: null,
      kind: input.kind ?? 'token',
      label: input.label ?? null,
      createdBy: input.creator?.tokenId ?? null,
      lastUsedAt: null,
    };
    await this.#storage.createToken(record);
    return { secret, record };
  }

  /** Writes lastUsedAt at most once per LAST_USED_WRITE_INTERVAL_MS per token, off the request's path. */
  #recordUse(tokenId: string, now: number): void {
    const last = this.#lastUsedWrites.get(tokenId);
    if (last !== undefined && now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.#lastUsedWrites.set(tokenId, now);
    // Best effort: a failed write only leaves "last used" a little older.
    this.#storage.touchToken(tokenId, now).catch(() => this.#lastUsedWrites.delete(tokenId));
  }
}
