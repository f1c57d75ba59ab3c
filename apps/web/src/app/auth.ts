/**
 * The access token: taken once from a login link (`#token=...`, as `pulseboard start`
 * prints it), kept in localStorage, and removed from the address bar so it does not end
 * up in screenshots, history or bookmarks. A tiny external store so the login form and
 * the sign-out button re-render the app.
 */
import { useSyncExternalStore } from 'react';

/** localStorage key of the saved token. */
export const TOKEN_STORAGE_KEY = 'pulseboard.token';

type Listener = () => void;
const listeners = new Set<Listener>();

function readStorage(): string | null {
  try {
    return localStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

let current: string | null = typeof window === 'undefined' ? null : readStorage();

/** Saves (or with null, forgets) the token and notifies the app. */
export function setToken(token: string | null): void {
  current = token && token.trim() ? token.trim() : null;
  try {
    if (current) localStorage.setItem(TOKEN_STORAGE_KEY, current);
    else localStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // Private mode or storage disabled: the token lives for this page only.
  }
  for (const listener of [...listeners]) listener();
}

/** The saved token, or null. */
export function getToken(): string | null {
  return current;
}

/**
 * Looks for `token=<t>` in the location hash (`#token=t` or `#/d/x?token=t`); when found,
 * saves it and rewrites the hash without it. Returns the token found, or null.
 */
export function takeTokenFromUrl(loc: Location = location, hist: History = history): string | null {
  const hash = loc.hash.replace(/^#/, '');
  const match = /(^|[?&])token=([^&]*)/.exec(hash);
  if (!match) return null;
  const token = decodeURIComponent(match[2] ?? '');
  let rest = hash.replace(match[0], match[1] === '?' ? '?' : '').replace(/\?&/, '?').replace(/[?&]$/, '');
  if (!rest.startsWith('/')) rest = '/';
  hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}#${rest}`);
  if (token) setToken(token);
  return token || null;
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current token; re-renders on sign-in and sign-out. */
export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken, () => null);
}
