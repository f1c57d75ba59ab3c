/**
 * The one error class Pulseboard throws on purpose. `code` is stable and documented in
 * docs/protocol.md; `status` is the HTTP status it maps to when it crosses HTTP.
 */
export class PulseboardError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PulseboardError';
    this.code = code;
    this.status = options.status ?? 400;
    this.details = options.details;
  }
}

/** True when `error` is a PulseboardError (also across realms, by shape). */
export function isPulseboardError(error: unknown): error is PulseboardError {
  return error instanceof PulseboardError;
}
