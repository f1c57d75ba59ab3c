/** Durations (`90s`, `15m`, `7d`): the one parser, for server settings and lifetimes and for the web app's playlists. */
/** Milliseconds per duration unit (`ms`, `s`, `m`, `h`, `d`, `w`). */
export const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `90s`, `15m`, `24h`, `7d`, `2w` or a bare number of milliseconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (!match) return null;
  const value = Number(match[1]) * (DURATION_UNITS_MS[(match[2] ?? 'ms').toLowerCase()] ?? 1);
  return Number.isFinite(value) ? Math.round(value) : null;
}
