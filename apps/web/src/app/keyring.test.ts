// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import type { MeResponse } from '@pulseboard/protocol';
import { addToken, getKeyring, identityFor, KEYRING_STORAGE_KEY, parseKeyring, resetKeyring, setIdentityMe, takeTokenFromUrl, withChoice, withoutIdentity, withToken, type KeyringState } from './keyring';

const admin: MeResponse = { tokenId: 'admin', name: 'admin', kind: 'admin', role: 'admin', scopes: {}, expiresAt: null, can: { admin: true, createDashboards: true } };
const viewer = (id: string): MeResponse => ({ tokenId: `t-${id}`, name: `share link: ${id}`, kind: 'share', role: 'scoped', scopes: { view: [id] }, expiresAt: null, can: { admin: false, createDashboards: false } });
const editor = (id: string): MeResponse => ({ ...viewer(id), kind: 'token', scopes: { edit: [id] } });

function keyring(...entries: Array<[string, MeResponse | null, string?]>): KeyringState {
  let state: KeyringState = { identities: [], current: null, pinned: {} };
  for (const [token, me, via] of entries) {
    const added = withToken(state, token, via, 0);
    state = { ...added.state, identities: added.state.identities.map((i) => (i.id === added.identity.id ? { ...i, me } : i)) };
  }
  return state;
}
const tokenOf = (state: KeyringState, dashboardId: string | null) => identityFor(state, dashboardId)?.token;

afterEach(() => {
  resetKeyring();
  history.replaceState(null, '', '/');
});

describe('the keyring', () => {
  it('keeps the admin for a dashboard whose view link was opened in the same browser', () => {
    const state = keyring(['pb_admin', admin], ['pb_view', viewer('ops'), 'ops']);
    expect(tokenOf(state, 'ops')).toBe('pb_admin');
    expect(tokenOf(state, null)).toBe('pb_admin');
    expect(state.current).toBe(state.identities[0]!.id);
  });

  it('uses the link for its dashboard when nothing better can open it', () => {
    const state = keyring(['pb_ops', editor('ops')], ['pb_sales', viewer('sales'), 'sales']);
    expect(tokenOf(state, 'sales')).toBe('pb_sales');
    expect(tokenOf(state, 'ops')).toBe('pb_ops');
  });

  it('gives every identity its own clientId and offline-queue record', () => {
    const state = keyring(['a', null], ['b', null]);
    const [a, b] = state.identities;
    expect(a!.clientId).toMatch(/^c_/);
    expect(a!.clientId).not.toBe(b!.clientId);
    expect(a!.storeKey).not.toBe(b!.storeKey);
  });

  it('adds a token once, however often its link is opened', () => {
    const state = keyring(['a', null]);
    expect(withToken(state, 'a', 'ops', 1).state).toBe(state);
  });

  it('switches for one dashboard or everywhere, and signs out of one identity', () => {
    let state = keyring(['pb_admin', admin], ['pb_view', viewer('ops'), 'ops']);
    const link = state.identities[1]!;
    state = withChoice(state, link.id, 'ops');
    expect(tokenOf(state, 'ops')).toBe('pb_view');
    expect(tokenOf(state, null)).toBe('pb_admin');
    state = withoutIdentity(state, link.id);
    expect(tokenOf(state, 'ops')).toBe('pb_admin');
    state = withoutIdentity(state, state.identities[0]!.id);
    expect(identityFor(state, null)).toBeNull();
  });

  it('never picks an ended token while another can open the dashboard', () => {
    let state = keyring(['pb_view', viewer('ops'), 'ops'], ['pb_edit', editor('ops')]);
    state = { ...state, identities: state.identities.map((i) => (i.token === 'pb_edit' ? { ...i, ended: 'token_revoked' as const } : i)) };
    expect(tokenOf(state, 'ops')).toBe('pb_view');
  });

  it('drops a malformed stored keyring instead of failing', () => {
    expect(parseKeyring('{nope').identities).toEqual([]);
    expect(parseKeyring(JSON.stringify({ identities: [{ id: 1 }], current: 3 })).identities).toEqual([]);
  });
});

describe('takeTokenFromUrl', () => {
  it('adds the token of a login link to the keyring and removes it from the address bar', () => {
    history.replaceState(null, '', '/#token=pb_secret');
    expect(takeTokenFromUrl()).toBe('pb_secret');
    expect(getKeyring().identities.map((i) => i.token)).toEqual(['pb_secret']);
    expect(localStorage.getItem(KEYRING_STORAGE_KEY)).toContain('pb_secret');
    expect(location.hash).toBe('#/');
  });

  it('keeps the route of a deep link and remembers which dashboard the link was for', () => {
    addToken('pb_admin');
    history.replaceState(null, '', '/#/d/ops?edit&token=abc');
    expect(takeTokenFromUrl()).toBe('abc');
    expect(location.hash).toBe('#/d/ops?edit');
    const added = getKeyring().identities.find((i) => i.token === 'abc');
    expect(added?.via).toBe('ops');
    // The earlier identity stays the current one.
    expect(getKeyring().current).toBe(getKeyring().identities[0]!.id);
    history.replaceState(null, '', '/#/d/ops?token=abc');
    takeTokenFromUrl();
    expect(location.hash).toBe('#/d/ops');
    expect(getKeyring().identities).toHaveLength(2);
  });

  it('leaves a URL without a token alone', () => {
    history.replaceState(null, '', '/#/d/ops');
    expect(takeTokenFromUrl()).toBeNull();
    expect(location.hash).toBe('#/d/ops');
  });

  it('stores what the server said an identity may do', () => {
    const identity = addToken('pb_x');
    setIdentityMe(identity.id, viewer('ops'));
    expect(parseKeyring(localStorage.getItem(KEYRING_STORAGE_KEY)).identities[0]?.me?.scopes).toEqual({ view: ['ops'] });
  });
});
