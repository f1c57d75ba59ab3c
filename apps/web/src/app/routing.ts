/**
 * Hash routing: `#/` the dashboard list, `#/d/<id>` one dashboard (`?edit` opens edit
 * mode), `#/gallery` the widget gallery, `#/sources` the pull sources (admin). The hash is the only router state, read through
 * `useSyncExternalStore`, so back/forward and links need no extra wiring.
 */
import { useMemo, useSyncExternalStore } from 'react';

/** Where the app is. */
export type Route =
  | { name: 'list' }
  | { name: 'dashboard'; id: string; edit: boolean }
  | { name: 'gallery' }
  | { name: 'sources' }
  | { name: 'not-found'; path: string };

/** Parses a location hash (`#/d/ops?edit`) into a route. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', query = ''] = raw.split('?');
  const path = pathPart.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '') return { name: 'list' };
  if (path === '/gallery') return { name: 'gallery' };
  if (path === '/sources') return { name: 'sources' };
  const match = /^\/d\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    const params = new URLSearchParams(query);
    return { name: 'dashboard', id: decodeURIComponent(match[1]), edit: params.has('edit') };
  }
  return { name: 'not-found', path };
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
