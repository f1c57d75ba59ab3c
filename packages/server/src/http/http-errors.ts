import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { PulseboardError, describeZodError, isPulseboardError } from '@pulseboard/model';

/** The JSON body of every HTTP error: a stable code and a sentence naming the problem. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Something that logs a line (console.error by default; silenced in some tests). */
export type LogFn = (message: string, error?: unknown) => void;

/** Sends a JSON error with its status. */
export function errorResponse(c: Context, status: number, code: string, message: string, details?: Record<string, unknown>): Response {
  const body: ErrorBody = { error: { code, message, ...(details ? { details } : {}) } };
  return c.json(body, status as ContentfulStatusCode);
}

/** Parses input with a zod schema, throwing a 400 `bad_request` naming the first bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, prefix = ''): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new PulseboardError('bad_request', describeZodError(parsed.error, prefix), { status: 400 });
  return parsed.data;
}

/** Reads the request body as JSON; malformed JSON is a 400 `bad_json`, never a 500. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new PulseboardError('bad_json', 'request body is empty; expected JSON', { status: 400 });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PulseboardError('bad_json', `request body is not valid JSON: ${(error as Error).message}`, { status: 400 });
  }
}

/**
 * The app-wide error handler: PulseboardError → its status and code; zod errors → 400 naming
 * the field; Hono's own HTTP errors keep their status; anything else is logged and answered
 * as a 500 that reveals nothing of the internals.
 */
export function createErrorHandler(log: LogFn) {
  return (error: Error, c: Context): Response => {
    if (isPulseboardError(error)) {
      return errorResponse(c, error.status, error.code, error.message, error.details);
    }
    if (error instanceof z.ZodError) {
      return errorResponse(c, 400, 'bad_request', describeZodError(error));
    }
    if (error instanceof HTTPException) {
      if (error.status === 413) return errorResponse(c, 413, 'payload_too_large', 'request body is larger than the limit');
      return errorResponse(c, error.status, error.status >= 500 ? 'internal' : 'bad_request', error.message || 'request failed');
    }
    log(`unhandled error in ${c.req.method} ${c.req.path}`, error);
    return errorResponse(c, 500, 'internal', 'internal server error');
  };
}
