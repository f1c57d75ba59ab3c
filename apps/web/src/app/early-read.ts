/**
 * A dashboard page's first read, started by index.html's inline script while the app's script
 * still downloads and compiles (on a cold load the module's evaluation reaches the boot
 * client 100–200 ms after the script arrived, BENCHMARKS.md "Session 7"): the page's client
 * takes that request's answer instead of asking again. The script sends the link's token, or
 * on a reload (the token has left the address bar for the keyring) the token of the identity
 * the app used for that dashboard last time (`rememberEarlyRead`); the client takes the answer
 * only when it asks with the same token.
 */

import { localStorageOrNull } from './local-storage';

/** What the inline script in index.html leaves on `window` (keep the two in step). */
export interface EarlyRead {
  /** The absolute URL it fetched: `<origin>/api/dashboards/<id>/live`. */
  url: string;
  /** The link's token, sent as `Authorization: Bearer <token>`. */
  token: string;
  response: Promise<Response>;
}

declare global {
  interface Window {
    __pulseboardEarlyRead?: EarlyRead;
  }
}

function authorizationOf(init: RequestInit | undefined): string | null {
  const headers = init?.headers;
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get('authorization');
  if (Array.isArray(headers)) return headers.find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? null;
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization');
  return entry ? entry[1] : null;
}

/** `response`, or a rejection as fetch gives one when `signal` aborts first. */
function abortable(response: Promise<Response>, signal: AbortSignal | null | undefined): Promise<Response> {
  if (!signal) return response;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    response.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A fetch that answers the early read's request (same URL, GET, same bearer token; once)
 * with the early read's response, and sends every other request with `send`. The early read
 * is taken off `window` when used, so a later client asks the server itself.
 */
export function fetchWithEarlyRead(send: typeof fetch = (input, init) => fetch(input, init), host: Pick<Window, '__pulseboardEarlyRead'> = window): typeof fetch {
  return (input, init) => {
    const early = host.__pulseboardEarlyRead;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (early && (init?.method ?? 'GET').toUpperCase() === 'GET' && url === early.url && authorizationOf(init) === `Bearer ${early.token}`) {
      delete host.__pulseboardEarlyRead;
      return abortable(early.response, init?.signal);
    }
    return send(input, init);
  };
}

/** localStorage key of the early read's hint (index.html's inline script reads it: keep the two in step). */
export const EARLY_READ_HINT_KEY = 'pulseboard.early-read';

/**
 * Remembers which identity (its local id, not its token) the page used for `dashboardId`, so
 * the next load of that dashboard starts its first read in index.html with that identity's
 * token from the keyring. Storage failures are ignored: the read then starts with the app.
 */
export function rememberEarlyRead(dashboardId: string, identityId: string, storage: Pick<Storage, 'getItem' | 'setItem'> | null = localStorageOrNull()): void {
  const hint = JSON.stringify({ dashboard: dashboardId, identity: identityId });
  try {
    if (storage && storage.getItem(EARLY_READ_HINT_KEY) !== hint) storage.setItem(EARLY_READ_HINT_KEY, hint);
  } catch {
    // Private mode or storage disabled.
  }
}
