/**
 * Hash routing: `#/` the dashboard list, `#/d/<id>` one dashboard (`?edit` opens edit
 * mode, `?kiosk` the wallboard view; `?kiosk&cycle=a,b&every=30s` a playlist, also from
 * `#/?kiosk&cycle=…`; a saved playlist `#/?kiosk&playlist=<name>`), `#/gallery` the widget
 * gallery, `#/sources` the pull sources (admin). The hash is the only router state, read through
 * `useSyncExternalStore`, so back/forward and links need no extra wiring.
 */
import { useMemo, useSyncExternalStore } from 'react';
import { parseDuration } from '@pulseboard/model';

/** How long a playlist shows each dashboard when `every` is missing or malformed. */
export const DEFAULT_CYCLE_MS = 30_000;
/** The shortest `every` a playlist takes (a faster cycle is unreadable). */
export const MIN_CYCLE_MS = 2_000;

/** Where the app is. */
export type Route =
  | { name: 'list' }
  | { name: 'dashboard'; id: string; edit: boolean }
  | { name: 'kiosk'; ids: string[]; everyMs: number; playlist?: string }
  | { name: 'gallery' }
  | { name: 'sources' }
  | { name: 'not-found'; path: string };

/** A playlist's `every` (`30s`, `2m`, a bare number of seconds), at least MIN_CYCLE_MS. */
export function parseCycleEvery(text: string | null): number {
  if (!text) return DEFAULT_CYCLE_MS;
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) * 1000 : parseDuration(text);
  return ms === null || !Number.isFinite(ms) ? DEFAULT_CYCLE_MS : Math.max(MIN_CYCLE_MS, ms);
}

function kioskRoute(params: URLSearchParams, id: string | null): Route | null {
  if (!params.has('kiosk')) return null;
  const playlist = params.get('playlist');
  if (playlist) return { name: 'kiosk', ids: [], everyMs: DEFAULT_CYCLE_MS, playlist };
  const cycle = (params.get('cycle') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const ids = cycle.length > 0 ? cycle : id ? [id] : [];
  return ids.length > 0 ? { name: 'kiosk', ids, everyMs: parseCycleEvery(params.get('every')) } : null;
}

/** Parses a location hash (`#/d/ops?edit`) into a route. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', query = ''] = raw.split('?');
  const path = pathPart.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(query);
  if (path === '/' || path === '') return kioskRoute(params, null) ?? { name: 'list' };
  if (path === '/gallery') return { name: 'gallery' };
  if (path === '/sources') return { name: 'sources' };
  const match = /^\/d\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    const id = decodeURIComponent(match[1]);
    return kioskRoute(params, id) ?? { name: 'dashboard', id, edit: params.has('edit') };
  }
  return { name: 'not-found', path };
}

/** The dashboard a route is about (the first of a playlist), for choosing the identity. */
export function routeDashboard(route: Route): string | null {
  if (route.name === 'dashboard') return route.id;
  if (route.name === 'kiosk') return route.ids[0] ?? null;
  return null;
}

/** The href of a route, for links. */
export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'list':
      return '#/';
    case 'gallery':
      return '#/gallery';
    case 'sources':
      return '#/sources';
    case 'dashboard':
      return `#/d/${encodeURIComponent(route.id)}${route.edit ? '?edit' : ''}`;
    case 'kiosk': {
      if (route.playlist) return `#/?kiosk&playlist=${encodeURIComponent(route.playlist)}`;
      const every = route.everyMs === DEFAULT_CYCLE_MS ? '' : `&every=${Math.round(route.everyMs / 1000)}s`;
      return route.ids.length === 1 ? `#/d/${encodeURIComponent(route.ids[0]!)}?kiosk` : `#/?kiosk&cycle=${route.ids.map(encodeURIComponent).join(',')}${every}`;
    }
    case 'not-found':
      return `#${route.path}`;
  }
}

/** Goes to a route; `replace` swaps the history entry instead of pushing one. */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const href = hrefFor(route);
  if (options.replace) {
    history.replaceState(history.state, '', href);
    // replaceState fires no hashchange; tell the subscribers ourselves.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = href;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener('popstate', onChange);
  };
}

const getHash = () => location.hash;
const getServerHash = () => '';

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, getHash, getServerHash);
  return useMemo(() => parseHash(hash), [hash]);
}
