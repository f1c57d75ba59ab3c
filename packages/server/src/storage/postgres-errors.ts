import { PulseboardError, isPulseboardError } from '@pulseboard/model';
import { ErrorCode } from '@pulseboard/protocol';

/** SQLSTATEs after which the whole transaction may simply run again (deadlock, serialization). */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
/** Node socket errors that mean PostgreSQL cannot be reached right now. */
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a deadlock or serialization failure: the transaction can be retried as a whole. */
export function isRetryablePgError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && RETRYABLE_SQLSTATES.has(code);
}

/**
 * True when the error says the database is out of reach (refused, cut, timed out, shutting
 * down, too many connections) rather than that the request was wrong.
 */
export function isPgUnavailable(error: unknown): boolean {
  if (isPulseboardError(error)) return error.code === ErrorCode.STORAGE_UNAVAILABLE;
  const code = codeOf(error);
  if (code !== undefined) {
    // Class 08: connection exception; 57P01-03: shutdown / cannot connect now; 53300: too many connections.
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || NETWORK_ERRNOS.has(code)) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i.test(message);
}

/** `storage_unavailable` (503): PostgreSQL cannot be reached; the write was not acknowledged. */
export function storageUnavailable(cause: unknown): PulseboardError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new PulseboardError(ErrorCode.STORAGE_UNAVAILABLE, `the database is unavailable (${reason}); nothing was written, try again`, {
    status: 503,
    cause,
  });
}

