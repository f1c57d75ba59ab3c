import { createHash } from 'node:crypto';
import { describeZodError, pointValueSchema, safeParseWithMessages } from '@pulseboard/model';
import type { SourceDefinition } from './source-definition.js';
import { fetchOutbound, sourceError } from './outbound-fetch.js';
import type { RunContext, RunOutcome, RunPush } from './source-run.js';
import { evaluateSelector, toPointValue } from './selectors.js';

type HttpJsonDefinition = Extract<SourceDefinition, { kind: 'http-json' }>;

/** The request headers of a definition as a plain map (conditional headers added by the caller). */
export function requestHeaders(definition: SourceDefinition): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const h of definition.headers) headers[h.name.toLowerCase()] = h.value;
  return headers;
}

/**
 * One run of an http-json source: a conditional GET/POST (If-None-Match / If-Modified-Since
 * from the last answer), then each selector over the JSON. A 304, or a body identical to the
 * last one, is `unchanged` and costs no stream write.
 */
export async function runHttpJson(definition: HttpJsonDefinition, context: RunContext): Promise<RunOutcome> {
  const headers = requestHeaders(definition);
  if (context.memory.etag) headers['if-none-match'] = context.memory.etag;
  if (context.memory.lastModified) headers['if-modified-since'] = context.memory.lastModified;
  const response = await fetchOutbound(
    {
      url: definition.url,
      method: definition.method,
      headers,
      ...(definition.body === undefined ? {} : { body: definition.body }),
      timeoutMs: definition.timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    },
    context.policy,
  );
  if (response.status === 304) return { unchanged: true, pushes: [], unmatched: [], memory: context.memory };
  if (response.status < 200 || response.status > 299) {
    throw sourceError('http_status', `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${new URL(response.url).host}`);
  }
  const memory = {
    ...(response.headers.get('etag') ? { etag: response.headers.get('etag')! } : {}),
    ...(response.headers.get('last-modified') ? { lastModified: response.headers.get('last-modified')! } : {}),
    bodyDigest: createHash('sha1').update(response.body).digest('base64'),
  };
  if (memory.bodyDigest === context.memory.bodyDigest) return { unchanged: true, pushes: [], unmatched: [], memory };
  let data: unknown;
  try {
    data = JSON.parse(response.body) as unknown;
  } catch (error) {
    const type = response.headers.get('content-type') ?? 'no content-type';
    throw sourceError('not_json', `the answer is not JSON (${type}): ${(error as Error).message}`, error);
  }
  const ts = context.now();
  const pushes: RunPush[] = [];
  const unmatched: string[] = [];
  for (const selector of definition.selectors) {
    const value = toPointValue(evaluateSelector(selector.path, data));
    // The same bounds as a push over HTTP: nothing too deep or too large for the stores to write and read back.
    const bounded = value === null ? null : safeParseWithMessages(pointValueSchema, value);
    if (bounded && !bounded.success) throw sourceError('bad_value', `selector "${selector.path}": ${describeZodError(bounded.error, 'value')}`);
    if (value === null) unmatched.push(selector.path);
    else pushes.push({ stream: selector.stream, value, from: selector.path, ts });
  }
  return { unchanged: false, pushes, unmatched, memory };
}
