/**
 * The share link's first read, started by index.html's inline script while the app's script
 * still downloads and compiles (on a cold load the module's evaluation reaches the boot
 * client 100–200 ms after the script arrived, BENCHMARKS.md "Session 7"): the page's client
 * takes that request's answer instead of asking again.
 */

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
