/**
 * Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And
 * Jitter"): the wait before retry `attempt` (0-based) is uniform in [0, cap], where the cap
 * doubles per attempt from `minDelayMs` up to `maxDelayMs`. Spreads reconnect storms.
 */
export function fullJitterDelayMs(attempt: number, minDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/** The upper bound `fullJitterDelayMs` draws from for `attempt`. */
export function backoffCapMs(attempt: number, minDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(attempt, 30));
}
