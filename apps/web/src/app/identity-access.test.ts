import { describe, expect, it } from 'vitest';
import type { MeResponse } from '@pulseboard/protocol';
import { accessTo, canPushTo, dashboardsOf, roleLabel } from './identity-access';
import { tokenEndReason } from './useTokenEndWatch';

const scoped = (scopes: MeResponse['scopes']): MeResponse => ({ tokenId: 't', name: 'n', kind: 'token', role: 'scoped', scopes, expiresAt: null, can: { admin: false, createDashboards: false } });
const admin: MeResponse = { ...scoped({}), kind: 'admin', role: 'admin', can: { admin: true, createDashboards: true } };

describe('what an identity may do', () => {
  it('reads dashboard access from the scopes (edit implies view, * covers all)', () => {
    expect(accessTo(admin, 'ops')).toBe('edit');
    expect(accessTo(scoped({ view: ['ops'] }), 'ops')).toBe('view');
    expect(accessTo(scoped({ view: ['ops'] }), 'sales')).toBe('none');
    expect(accessTo(scoped({ view: ['*'], edit: ['ops'] }), 'ops')).toBe('edit');
    expect(accessTo(scoped({ edit: ['*'] }), 'any')).toBe('edit');
    expect(roleLabel(scoped({ view: ['ops'] }), 'ops')).toBe('View only');
    expect(roleLabel(null)).toBe('Checking access…');
    expect(dashboardsOf(scoped({ view: ['a'], edit: ['b', 'a'] }))).toEqual(['b', 'a']);
    expect(dashboardsOf(admin)).toBe('all');
  });

  it('reads push access as key prefixes', () => {
    expect(canPushTo(scoped({ push: ['pulseboard.'] }), 'pulseboard.playlists')).toBe(true);
    expect(canPushTo(scoped({ push: ['ops.'] }), 'pulseboard.playlists')).toBe(false);
    expect(canPushTo(admin, 'x')).toBe(true);
  });
});

describe('tokenEndReason', () => {
  it('names a revoked, expired or unknown token from the fatal close, and nothing else', () => {
    expect(tokenEndReason({ code: 'token_revoked', message: 'x', closeCode: 4001 })).toBe('token_revoked');
    expect(tokenEndReason({ code: 'fatal_close', message: 'token_expired', closeCode: 4001 })).toBe('token_expired');
    expect(tokenEndReason({ code: 'fatal_close', message: 'unauthorized', closeCode: 4001 })).toBe('unauthorized');
    expect(tokenEndReason({ code: 'fatal_close', message: 'unsupported protocol', closeCode: 4002 })).toBeNull();
    expect(tokenEndReason({ code: 'client_id_in_use', message: 'x', closeCode: 4003 })).toBeNull();
    expect(tokenEndReason(null)).toBeNull();
  });
});
