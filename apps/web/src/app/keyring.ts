/**
 * The keyring: every access token this browser holds for this origin, each an identity with
 * its own clientId (contract C1: a clientId belongs to one token identity) and what it may
 * do (its `GET /api/me`). Opening a link (`#/d/ops?token=…`, `#token=…`) adds its identity
 * without touching the others, and the page uses the most capable identity for where it is,
 * so an admin who opens a view link is never silently demoted. Kept in localStorage
 * (`pulseboard.keyring`), and the token is removed from the address bar at once.
 */
import { useSyncExternalStore } from 'react';
import type { MeResponse } from '@pulseboard/protocol';
import { randomClientId } from '@pulseboard/client';
import { accessTo } from './identity-access';
import { localStorageOrNull } from './local-storage';

/** localStorage key of the keyring. */
export const KEYRING_STORAGE_KEY = 'pulseboard.keyring';
/** Where the single token of earlier versions was kept (migrated once). */
export const LEGACY_TOKEN_STORAGE_KEY = 'pulseboard.token';

/** Why a token no longer works (contract C2). */
export type TokenEndReason = 'token_revoked' | 'token_expired' | 'unauthorized';

/** One token this browser holds. */
export interface Identity {
  /** Local id (never sent anywhere). */
  id: string;
  token: string;
  /** This identity's own client id; absent only for a migrated token (its queue's stored id is used). */
  clientId?: string;
  /** Names its offline-queue record. */
  storeKey: string;
  /** What the server said the token is and may do, once asked. */
  me: MeResponse | null;
  /** The dashboard whose link brought it in, if any. */
  via?: string;
  /** The server has no `GET /api/me` (older than the keyring): the app shows every control, as it did then. */
  meMissing?: boolean;
  /** Set once the server refused the token for good. */
  ended?: TokenEndReason;
  addedAt: number;
}

export interface KeyringState {
  identities: readonly Identity[];
  /** The identity chosen by the person (used for the list and wherever nothing is pinned). */
  current: string | null;
  /** Identities chosen for single dashboards ("use this link here"). */
  pinned: Readonly<Record<string, string>>;
}

const EMPTY: KeyringState = { identities: [], current: null, pinned: {} };

function randomId(): string {
  return `i_${randomClientId().slice(2, 14)}`;
}

// ---- pure rules ----------------------------------------------------------------------

/** Rank of an identity for a dashboard (or for the list, without one); higher wins. */
function rank(identity: Identity, state: KeyringState, dashboardId: string | null): number {
  if (identity.ended) return -1;
  const me = identity.me;
  if (!me) return identity.id === state.current ? 0.4 : identity.via === dashboardId ? 0.3 : 0.1;
  if (me.role === 'admin') return 4;
  if (dashboardId === null) return me.can.createDashboards ? 3 : identity.id === state.current ? 2.5 : 1;
  const access = accessTo(me, dashboardId);
  return access === 'edit' ? 3 : access === 'view' ? 2 : 0;
}

/**
 * The identity a page uses: the one pinned to the dashboard, else the most capable for it
 * (ties: the current one, then the oldest). Null when the keyring is empty.
 */
export function identityFor(state: KeyringState, dashboardId: string | null): Identity | null {
  const pinned = dashboardId === null ? undefined : state.pinned[dashboardId];
  const byPin = pinned ? state.identities.find((i) => i.id === pinned) : undefined;
  if (byPin) return byPin;
  if (dashboardId === null) {
    const current = state.identities.find((i) => i.id === state.current);
    if (current && !current.ended) return current;
  }
  let best: Identity | null = null;
  let bestRank = -Infinity;
  for (const identity of state.identities) {
    const r = rank(identity, state, dashboardId) + (identity.id === state.current ? 0.01 : 0);
    if (r > bestRank) {
      best = identity;
      bestRank = r;
    }
  }
  return best;
}

/** Adds a token (or finds it, when already held); a new identity becomes current only in an empty keyring. */
export function withToken(state: KeyringState, token: string, via: string | undefined, now: number): { state: KeyringState; identity: Identity } {
  const existing = state.identities.find((i) => i.token === token);
  if (existing) return { state, identity: existing };
  const id = randomId();
  const identity: Identity = { id, token, clientId: randomClientId(), storeKey: `identity:${id}`, me: null, addedAt: now, ...(via ? { via } : {}) };
  return { state: { ...state, identities: [...state.identities, identity], current: state.current ?? id }, identity };
}

/** Forgets an identity (and its pins); the current one moves to the most capable left. */
export function withoutIdentity(state: KeyringState, id: string): KeyringState {
  const identities = state.identities.filter((i) => i.id !== id);
  const pinned = Object.fromEntries(Object.entries(state.pinned).filter(([, to]) => to !== id));
  const next: KeyringState = { identities, pinned, current: state.current === id ? null : state.current };
  return next.current ? next : { ...next, current: identityFor(next, null)?.id ?? null };
}

/** Chooses an identity: for one dashboard (pinned), or as the current one. */
export function withChoice(state: KeyringState, id: string, dashboardId?: string): KeyringState {
  if (!state.identities.some((i) => i.id === id)) return state;
  if (dashboardId !== undefined) return { ...state, pinned: { ...state.pinned, [dashboardId]: id } };
  return { ...state, current: id };
}

function withIdentity(state: KeyringState, id: string, change: Partial<Identity>): KeyringState {
  return { ...state, identities: state.identities.map((i) => (i.id === id ? { ...i, ...change } : i)) };
}

/** Parses a stored keyring; anything malformed is dropped, never thrown. */
export function parseKeyring(raw: string | null): KeyringState {
  if (!raw) return EMPTY;
  try {
    const data = JSON.parse(raw) as Partial<KeyringState>;
    const identities = Array.isArray(data.identities) ? data.identities.filter((i): i is Identity => typeof i?.id === 'string' && typeof i.token === 'string' && typeof i.storeKey === 'string') : [];
    return {
      identities: identities.map((i) => ({ ...i, me: i.me ?? null })),
      current: typeof data.current === 'string' ? data.current : null,
      pinned: data.pinned && typeof data.pinned === 'object' ? data.pinned : {},
    };
  } catch {
    return EMPTY;
  }
}

// ---- the store -----------------------------------------------------------------------

type Listener = () => void;
const listeners = new Set<Listener>();
let state: KeyringState = typeof window === 'undefined' ? EMPTY : load();

function load(): KeyringState {
  const store = localStorageOrNull();
  let loaded = parseKeyring(store?.getItem(KEYRING_STORAGE_KEY) ?? null);
  const legacy = store?.getItem(LEGACY_TOKEN_STORAGE_KEY);
  if (legacy) {
    // The one token of earlier versions keeps its queue (and so its clientId) under "default".
    if (!loaded.identities.some((i) => i.token === legacy)) {
      const identity: Identity = { id: randomId(), token: legacy, storeKey: 'default', me: null, addedAt: Date.now() };
      loaded = { ...loaded, identities: [...loaded.identities, identity], current: loaded.current ?? identity.id };
    }
    store?.removeItem(LEGACY_TOKEN_STORAGE_KEY);
    save(loaded);
  }
  return loaded;
}

function save(next: KeyringState): void {
  try {
    localStorageOrNull()?.setItem(KEYRING_STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Private mode or storage disabled: the keyring lives for this page only.
  }
}

function commit(next: KeyringState): void {
  if (next === state) return;
  state = next;
  save(next);
  for (const listener of [...listeners]) listener();
}

/** The keyring now. */
export function getKeyring(): KeyringState {
  return state;
}

/** Adds a token (from a link or the sign-in form); returns its identity. */
export function addToken(token: string, via?: string): Identity {
  const result = withToken(state, token.trim(), via, Date.now());
  commit(result.state);
  return result.identity;
}

/** Records what the server said an identity is. */
export function setIdentityMe(id: string, me: MeResponse): void {
  const current = state.identities.find((i) => i.id === id);
  if (current && (current.meMissing || JSON.stringify(current.me) !== JSON.stringify(me))) commit(withIdentity(state, id, { me, meMissing: false }));
}

/** Records that the server cannot say what an identity may do (no `GET /api/me`). */
export function setIdentityMeMissing(id: string): void {
  if (state.identities.find((i) => i.id === id)?.meMissing !== true) commit(withIdentity(state, id, { meMissing: true }));
}

/** Marks an identity's token as refused for good (revoked, expired, unknown). */
export function endIdentity(id: string, reason: TokenEndReason): void {
  if (state.identities.find((i) => i.id === id)?.ended !== reason) commit(withIdentity(state, id, { ended: reason }));
}

/** Chooses the identity to use (for one dashboard, or everywhere). */
export function chooseIdentity(id: string, dashboardId?: string): void {
  commit(withChoice(state, id, dashboardId));
}

/** Signs out of one identity. */
export function forgetIdentity(id: string): void {
  commit(withoutIdentity(state, id));
}

/** Empties the keyring (tests). */
export function resetKeyring(): void {
  commit(EMPTY);
}

/**
 * Looks for `token=<t>` in the location hash (`#token=t` or `#/d/x?token=t`); when found,
 * adds it to the keyring (for dashboard x) and rewrites the hash without it. Returns the
 * token found, or null.
 */
export function takeTokenFromUrl(loc: Location = location, hist: History = history): string | null {
  const hash = loc.hash.replace(/^#/, '');
  const match = /(^|[?&])token=([^&]*)/.exec(hash);
  if (!match) return null;
  const token = decodeURIComponent(match[2] ?? '');
  let rest = hash.replace(match[0], match[1] === '?' ? '?' : '').replace(/\?&/, '?').replace(/[?&]$/, '');
  if (!rest.startsWith('/')) rest = '/';
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}#${rest}`);
  const via = /^\/d\/([^/?]+)/.exec(rest)?.[1];
  if (token) addToken(token, via === undefined ? undefined : decodeURIComponent(via));
  return token || null;
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    // Another tab changed the keyring: follow it.
    if (event.key === KEYRING_STORAGE_KEY) {
      state = parseKeyring(event.newValue);
      listener();
    }
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The keyring; re-renders on every change (here or in another tab). */
export function useKeyring(): KeyringState {
  return useSyncExternalStore(subscribe, getKeyring, () => EMPTY);
}
