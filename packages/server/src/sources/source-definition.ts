import { z } from 'zod';
import { streamKeySchema } from '@pulseboard/model';
import type { HttpJsonSelector, PrometheusQuery, SourceHeaderView, SourceKind } from '@pulseboard/protocol';
import { selectorSyntaxError } from './selectors.js';

/** Shortest interval between two runs of one source. */
export const MIN_SOURCE_INTERVAL_MS = 1000;
/** Longest interval: one day. */
export const MAX_SOURCE_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** Interval when none is given. */
export const DEFAULT_SOURCE_INTERVAL_MS = 60_000;
/** Request timeout when none is given. */
export const DEFAULT_SOURCE_TIMEOUT_MS = 10_000;
/** Longest request timeout accepted. */
export const MAX_SOURCE_TIMEOUT_MS = 60_000;
/** Longest Prometheus backfill range: 7 days. */
export const MAX_BACKFILL_RANGE_MS = 7 * 24 * 60 * 60 * 1000;
/** Most points one backfill may write per series. */
export const MAX_BACKFILL_POINTS = 11_000;

/** A stored request header; a secret's value is kept but never shown by the API. */
export interface SourceHeader {
  name: string;
  value: string;
  secret: boolean;
}

interface SourceBase {
  id: string;
  name: string;
  enabled: boolean;
  url: string;
  headers: SourceHeader[];
  intervalMs: number;
  timeoutMs: number;
}

/** A source as stored: everything needed to run it, secrets included. */
export type SourceDefinition =
  | (SourceBase & { kind: 'http-json'; method: 'GET' | 'POST'; body?: string; selectors: HttpJsonSelector[] })
  | (SourceBase & { kind: 'prometheus'; queries: PrometheusQuery[] });

/** Source ids: a slug, used in URLs and metric labels. */
export const sourceIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" and "_"');

const urlSchema = z
  .string()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL');

const headerInputSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid header name'),
    /** Omitted for a secret on update: the stored value is kept. */
    value: z
      .string()
      .max(8192)
      .regex(/^[^\r\n]*$/, 'must not contain line breaks')
      .optional(),
    secret: z.boolean().default(false),
  })
  .strict();

const selectorSchema = z
  .object({
    stream: streamKeySchema,
    path: z
      .string()
      .min(1)
      .max(1000)
      .superRefine((path, ctx) => {
        const error = selectorSyntaxError(path);
        if (error) ctx.addIssue({ code: 'custom', message: `is not a valid JMESPath expression: ${error}` });
      }),
  })
  .strict();

const querySchema = z
  .object({
    stream: streamKeySchema,
    query: z.string().min(1).max(4000),
    backfill: z
      .object({
        rangeMs: z.number().int().min(60_000).max(MAX_BACKFILL_RANGE_MS),
        stepMs: z.number().int().min(1000),
      })
      .strict()
      .refine((b) => b.rangeMs / b.stepMs <= MAX_BACKFILL_POINTS, `must not ask for more than ${MAX_BACKFILL_POINTS} points (rangeMs / stepMs)`)
      .optional(),
  })
  .strict();

const baseInput = {
  id: sourceIdSchema.optional(),
  name: z.string().min(1).max(100).optional(),
  enabled: z.boolean().default(true),
  url: urlSchema,
  headers: z.array(headerInputSchema).max(32).default([]),
  intervalMs: z
    .number()
    .int()
    .min(MIN_SOURCE_INTERVAL_MS, `must be at least ${MIN_SOURCE_INTERVAL_MS} (1 s)`)
    .max(MAX_SOURCE_INTERVAL_MS)
    .default(DEFAULT_SOURCE_INTERVAL_MS),
  timeoutMs: z.number().int().min(100).max(MAX_SOURCE_TIMEOUT_MS).default(DEFAULT_SOURCE_TIMEOUT_MS),
};

/** The body of `POST /api/sources` and `PUT /api/sources/:id` (docs/api.md). */
export const sourceInputSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('http-json'),
      ...baseInput,
      method: z.enum(['GET', 'POST']).default('GET'),
      body: z.string().max(65_536).optional(),
      selectors: z.array(selectorSchema).min(1).max(100),
    })
    .strict(),
  z
    .object({
      kind: z.literal('prometheus'),
      ...baseInput,
      queries: z.array(querySchema).min(1).max(100),
    })
    .strict(),
]);
export type SourceInput = z.infer<typeof sourceInputSchema>;

/**
 * The definition to store from validated input: secret headers sent without a value keep
 * `previous`'s value; returns the name of a secret header that has no value at all.
 */
export function definitionFromInput(id: string, input: SourceInput, previous: SourceDefinition | null): { definition: SourceDefinition } | { missingSecret: string } {
  const headers: SourceHeader[] = [];
  for (const header of input.headers) {
    let value = header.value;
    if (value === undefined && header.secret) value = previous?.headers.find((h) => h.secret && h.name.toLowerCase() === header.name.toLowerCase())?.value;
    if (value === undefined) return { missingSecret: header.name };
    headers.push({ name: header.name, value, secret: header.secret });
  }
  const base: SourceBase = { id, name: input.name ?? id, enabled: input.enabled, url: input.url, headers, intervalMs: input.intervalMs, timeoutMs: input.timeoutMs };
  if (input.kind === 'http-json') {
    return { definition: { ...base, kind: 'http-json', method: input.method, ...(input.body === undefined ? {} : { body: input.body }), selectors: input.selectors } };
  }
  return { definition: { ...base, kind: 'prometheus', queries: input.queries } };
}

/** Headers as the API shows them: secret values replaced by "set". */
export function headerViews(headers: SourceHeader[]): SourceHeaderView[] {
  return headers.map((h) => (h.secret ? { name: h.name, secret: true, set: h.value !== '' } : { name: h.name, secret: false, value: h.value }));
}

/** The stream keys a definition names (series streams of a prometheus query come on top, once seen). */
export function declaredStreams(definition: SourceDefinition): string[] {
  const keys = definition.kind === 'http-json' ? definition.selectors.map((s) => s.stream) : definition.queries.map((q) => q.stream);
  return [...new Set(keys)];
}

/** A slug for a new source's id from its name or URL. */
export function sourceIdFrom(name: string | undefined, url: string, kind: SourceKind): string {
  const basis = name ?? `${kind}-${new URL(url).hostname}`;
  const slug = basis
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug === '' ? kind : slug;
}
