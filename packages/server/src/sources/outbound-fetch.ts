import { PulseboardError } from '@pulseboard/model';
import { isHostAllowed } from './host-allow-list.js';
import type { HostLimiter } from './host-limiter.js';

/** Redirects followed before a run fails with `too_many_redirects`. */
export const DEFAULT_SOURCE_MAX_REDIRECTS = 3;

/** What every outbound request of the sources obeys. */
export interface OutboundPolicy {
  /** Host entries a source may reach (host-allow-list.ts). */
  allowHosts: readonly string[];
  maxResponseBytes: number;
  maxRedirects: number;
  limiter: HostLimiter;
}

/** One outbound request. */
export interface OutboundRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Aborts the request (the source was deleted or the server is closing). */
  signal?: AbortSignal;
}

/** An answer read in full (within the size cap). */
export interface OutboundResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: string;
  /** The URL that answered, after redirects. */
  url: string;
}

/** A failed run: `code` is one of the codes in docs/sources.md, `message` names the cause. */
export function sourceError(code: string, message: string, cause?: unknown): PulseboardError {
  return new PulseboardError(code, message, { status: 502, ...(cause === undefined ? {} : { cause }) });
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches `request.url` under the policy: the host must be allowed (also after each
 * redirect), at most `maxRedirects` redirects, one timeout for the whole exchange (from
 * the moment the limiter lets it go), the body
 * cut off past `maxResponseBytes`, and at most the limiter's share of requests per host.
 * Failures reject with a PulseboardError whose code names the cause precisely.
 */
export async function fetchOutbound(request: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
  // The timeout starts once the first slot is ours: waiting behind other sources' requests to
  // the same host is not the upstream's slowness.
  let timeout: AbortSignal | null = null;
  let url = new URL(request.url);
  let method = request.method;
  let body = request.body;
  for (let hop = 0; ; hop++) {
    if (!isHostAllowed(url, policy.allowHosts)) {
      throw sourceError('host_not_allowed', `host "${url.host}" is not in the outbound allow-list (--source-hosts)`);
    }
    const release = await policy.limiter.acquire(url.host);
    timeout ??= AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    try {
      let response: Response;
      try {
        response = await fetch(url, { method, headers: request.headers, redirect: 'manual', signal, ...(body === undefined ? {} : { body }) });
      } catch (error) {
        throw classifyFetchError(error, url, request.timeoutMs, timeout.aborted);
      }
      if (REDIRECT_STATUSES.has(response.status)) {
        await response.body?.cancel();
        const location = response.headers.get('location');
        if (!location) throw sourceError('http_status', `HTTP ${response.status} without a Location header from ${url.host}`);
        if (hop >= policy.maxRedirects) throw sourceError('too_many_redirects', `more than ${policy.maxRedirects} redirects (last to ${location})`);
        url = new URL(location, url);
        if (response.status === 303) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      const text = await readCapped(response, policy.maxResponseBytes, request.timeoutMs, timeout);
      return { status: response.status, statusText: response.statusText, headers: response.headers, body: text, url: url.toString() };
    } finally {
      release();
    }
  }
}

async function readCapped(response: Response, maxBytes: number, timeoutMs: number, timeout: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw sourceError('too_large', `the answer is ${declared} bytes, more than the limit of ${maxBytes}`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw sourceError('too_large', `the answer is more than the limit of ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof PulseboardError) throw error;
    if (timeout.aborted) throw sourceError('timeout', `no complete answer within ${timeoutMs} ms`, error);
    throw sourceError('network', `the connection failed while reading the answer: ${(error as Error).message}`, error);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Names the cause of a failed fetch: DNS, refused, timeout, or the network error's own code. */
export function classifyFetchError(error: unknown, url: URL, timeoutMs: number, timedOut: boolean): PulseboardError {
  if (timedOut) return sourceError('timeout', `no answer from ${url.host} within ${timeoutMs} ms`, error);
  if ((error as Error).name === 'AbortError') return sourceError('aborted', 'the run was cancelled', error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return sourceError('dns', `DNS lookup of "${url.hostname}" failed (${code})`, error);
  if (code === 'ECONNREFUSED') return sourceError('refused', `connection to ${url.host} refused`, error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') return sourceError('timeout', `no answer from ${url.host} within ${timeoutMs} ms`, error);
  return sourceError('network', `request to ${url.host} failed: ${code || cause?.message || (error as Error).message}`, error);
}
