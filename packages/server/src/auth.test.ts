import { describe, expect, it, vi } from 'vitest';
import { Auth, boundedExpiry, LAST_USED_WRITE_INTERVAL_MS, type Principal } from './auth.js';
import { MemoryStorage } from './storage/memory-storage.js';

const T0 = Date.UTC(2026, 0, 1);

describe('Auth', () => {
  it('records lastUsedAt at most once a minute per token, not on every request', async () => {
    const storage = new MemoryStorage();
    const auth = new Auth(storage);
    const { secret, record } = await auth.createToken({ name: 'tv', role: 'scoped', scopes: { view: ['ops'] } }, T0);
    const touch = vi.spyOn(storage, 'touchToken');
    for (let i = 0; i < 50; i++) expect((await auth.check(secret, T0 + i * 1_000)).ok).toBe(true);
    expect(touch.mock.calls).toEqual([[record.id, T0]]);
    await auth.check(secret, T0 + LAST_USED_WRITE_INTERVAL_MS);
    expect(touch).toHaveBeenCalledTimes(2);
    expect((await storage.findToken(record.hash, T0))?.lastUsedAt).toBe(T0 + LAST_USED_WRITE_INTERVAL_MS);
  });

  it('says why a secret is refused: unknown, revoked or expired', async () => {
    const storage = new MemoryStorage();
    const auth = new Auth(storage);
    const expiring = await auth.createToken({ name: 'a', role: 'scoped', expiresAt: T0 + 10 }, T0);
    const revoked = await auth.createToken({ name: 'b', role: 'scoped' }, T0);
    await storage.revokeToken(revoked.record.id, T0);
    expect(await auth.check(expiring.secret, T0 + 10)).toEqual({ ok: false, code: 'token_expired' });
    expect(await auth.check(revoked.secret, T0)).toEqual({ ok: false, code: 'token_revoked' });
    expect(await auth.check('pb_unknown', T0)).toEqual({ ok: false, code: 'unauthorized' });
    expect(await auth.check('x'.repeat(513), T0)).toEqual({ ok: false, code: 'unauthorized' });
  });

  it('records the creator and keeps a new token\'s expiry within the creator\'s', async () => {
    const storage = new MemoryStorage();
    const auth = new Auth(storage);
    const creator: Principal = { tokenId: 'editor-1', name: 'Ed', role: 'scoped', kind: 'token', scopes: { edit: ['ops'] }, expiresAt: T0 + 5_000 };
    const { record } = await auth.createToken({ name: 'link', role: 'scoped', kind: 'share', expiresAt: T0 + 99_000, creator }, T0);
    expect(record).toMatchObject({ createdBy: 'editor-1', expiresAt: T0 + 5_000, kind: 'share' });
    expect(boundedExpiry(null, creator)).toBe(T0 + 5_000);
    expect(boundedExpiry(T0 + 1, creator)).toBe(T0 + 1);
    expect(boundedExpiry(null, { ...creator, expiresAt: null })).toBeNull();
  });
});
