/**
 * The page's first API read, started before React and the app have even been evaluated.
 *
 * A viewer's or a wallboard's first paint needs one request, `GET /api/dashboards/:id/live`
 * (the dashboard and its widgets' streams), which the client core makes once the app has
 * rendered and created it: hundreds of ms after the page's script arrived. `startEarlyFetch`
 * makes that same request at once from the route and the keyring's identity, and
 * `earlyFetch`, the `fetch` the app gives its client, answers the client's identical request
 * (method, URL and bearer token) from it, once. Anything else, or a request started more than
 * EARLY_FETCH_MAX_AGE_MS ago, goes to the network as usual.
 */
import { getKeyring, identityFor } from './keyring';
import { parseHash, routeDashboard } from './routing';

/** An early answer older than this is not used (the client's own request is fresher). */
export const EARLY_FETCH_MAX_AGE_MS = 10_000;

interface Started {
  url: string;
  authorization: string;
  at: number;
  response: Promise<Response>;
}

let started: Started | null = null;

/** Starts the first dashboard's live read for the identity the app will use there (nothing when there is none). */
export function startEarlyFetch(loc: Location = location): void {
  started = null;
  const dashboardId = routeDashboard(parseHash(loc.hash));
  if (dashboardId === null || typeof fetch !== 'function' || navigator.onLine === false) return;
  const identity = identityFor(getKeyring(), dashboardId);
  if (!identity || identity.ended) return;
  const url = `${loc.origin}/api/dashboards/${encodeURIComponent(dashboardId)}/live`;
  const authorization = `Bearer ${identity.token}`;
  const response = fetch(url, { headers: { accept: 'application/json', authorization } });
  // Unused or failed: the client's own request goes out and reports its own error.
  response.catch(() => {});
  started = { url, authorization, at: performance.now(), response };
}

/** `fetch`, except that the request `startEarlyFetch` made is answered from it (once). */
export function earlyFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const early = started;
  if (early && matches(early, input, init)) {
    started = null;
    if (performance.now() - early.at <= EARLY_FETCH_MAX_AGE_MS) return withSignal(early.response, init?.signal);
  }
  return fetch(input, init);
}

function matches(early: Started, input: RequestInfo | URL, init: RequestInit | undefined): boolean {
  if (typeof input !== 'string' && !(input instanceof URL)) return false;
  if ((init?.method ?? 'GET').toUpperCase() !== 'GET' || String(input) !== early.url) return false;
  return new Headers(init?.headers).get('authorization') === early.authorization;
}

/** The early response, abandoned when the caller's signal aborts (its timeout). */
function withSignal(response: Promise<Response>, signal: AbortSignal | null | undefined): Promise<Response> {
  if (!signal) return response;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    response.then(resolve, reject);
  });
}
