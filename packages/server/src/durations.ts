/**
 * Durations on the server: settings, token and share-link lifetimes (parsed by the model's
 * one `parseDuration`) and the bounds every token expiry is checked against.
 */
import { DURATION_UNITS_MS as UNITS_MS, PulseboardError, parseDuration } from '@pulseboard/model';

export { parseDuration };

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;
/** The longest lifetime any token may be given (and the furthest expiry): 100 years. */
export const MAX_TOKEN_LIFETIME_MS = 100 * 365 * DAY_MS;

/** A duration as the largest whole unit that fits (`90d`, `36h`, `1500ms`), for messages. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNITS_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function badField(field: string, message: string): PulseboardError {
  return new PulseboardError('bad_request', `${field}: ${message}`, { status: 400 });
}

/**
 * A lifetime given as a duration string or milliseconds, checked: positive and at most
 * `maxMs` (`maxName` says where that maximum comes from). Anything else is a 400 naming `field`.
 */
export function parseLifetime(value: string | number, field: string, maxMs: number, maxName: string): number {
  const ms = typeof value === 'number' ? value : parseDuration(value);
  const shown = typeof value === 'number' ? String(value) : `"${value}"`;
  if (ms === null || !Number.isSafeInteger(ms) || ms <= 0) throw badField(field, `${shown} is not a duration such as "7d" or "24h" (or a positive number of milliseconds)`);
  if (ms > maxMs) throw badField(field, `${shown} is longer than the maximum of ${formatDuration(maxMs)} (${maxName})`);
  return ms;
}

/** An absolute expiry (ms since the epoch) checked to lie at most MAX_TOKEN_LIFETIME_MS ahead of `now`; else a 400 naming `field`. */
export function checkExpiresAt(expiresAt: number, field: string, now: number): number {
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) throw badField(field, `${expiresAt} is not a time in milliseconds since the epoch`);
  if (expiresAt > now + MAX_TOKEN_LIFETIME_MS) throw badField(field, `${expiresAt} is more than ${formatDuration(MAX_TOKEN_LIFETIME_MS)} ahead`);
  return expiresAt;
}
