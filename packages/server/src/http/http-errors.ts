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
export function parseInput<T extends z.core.$ZodType>(schema: T, input: unknown, prefix = ''): z.output<T> {
  const parsed = z.safeParse(schema, input);
  if (!parsed.success) throw new PulseboardError('bad_request', describeZodError(parsed.error, prefix), { status: 400 });
  return parsed.data;
}

/** True for the error a body read fails with when the client went away mid-request. */
function isClientAbort(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; name?: unknown } | null;
  return e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.name === 'AbortError' || e?.message === 'aborted';
}

/** Reads the request body as text; a client that leaves mid-body is a 400 `request_aborted`, not an error to log. */
export async function readBodyText(c: Context): Promise<string> {
  try {
    return await c.req.text();
  } catch (error) {
    if (isClientAbort(error) || c.req.raw.signal.aborted) {
      throw new PulseboardError('request_aborted', 'the client closed the request before its body arrived', { status: 400, cause: error });
    }
    throw error;
  }
}

/** Reads the request body as JSON; malformed JSON is a 400 `bad_json`, never a 500. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await readBodyText(c);
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
    if (error instanceof z.core.$ZodError) {
      return errorResponse(c, 400, 'bad_request', describeZodError(error));
    }
    if (error instanceof HTTPException) {
      if (error.status === 413) return errorResponse(c, 413, 'payload_too_large', 'request body is larger than the limit');
      return errorResponse(c, error.status, error.status >= 500 ? 'internal' : 'bad_request', error.message || 'request failed');
    }
    // A client that hung up is no server bug (it cannot read the answer either).
    if (isClientAbort(error) || c.req.raw.signal.aborted) return errorResponse(c, 400, 'request_aborted', 'the client closed the request');
    log(`unhandled error in ${c.req.method} ${c.req.path}`, error);
    return errorResponse(c, 500, 'internal', 'internal server error');
  };
}
