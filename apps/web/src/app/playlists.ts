/**
 * Saved wallboard playlists, kept on the server in one stream, `pulseboard.playlists`:
 * its latest value is an object `{<name>: {ids, everyMs} | null}` (a push merges into it,
 * `null` deletes), so every node stores them, every wallboard showing a playlist follows
 * its edits live, and the stream's history is the record of changes. Saving needs push
 * access to that stream (the admin, or a token with the push scope `pulseboard.`).
 */
import type { PointValue } from '@pulseboard/model';
import { DEFAULT_CYCLE_MS, MIN_CYCLE_MS } from './routing';

/** The stream that holds the playlists. */
export const PLAYLISTS_STREAM = 'pulseboard.playlists';
/** Longest playlist name. */
export const MAX_PLAYLIST_NAME_CHARS = 60;

/** One saved playlist. */
export interface Playlist {
  name: string;
  ids: string[];
  everyMs: number;
}

/** The playlists in the stream's latest value, by name; malformed entries are skipped. */
export function parsePlaylists(value: PointValue | null | undefined): Playlist[] {
  if (!value || typeof value !== 'object') return [];
  const out: Playlist[] = [];
  for (const [name, entry] of Object.entries(value)) {
    if (!entry || typeof entry !== 'object') continue;
    const { ids, everyMs } = entry as { ids?: unknown; everyMs?: unknown };
    if (!Array.isArray(ids)) continue;
    const valid = ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
    if (valid.length === 0) continue;
    const every = typeof everyMs === 'number' && Number.isFinite(everyMs) ? Math.max(MIN_CYCLE_MS, everyMs) : DEFAULT_CYCLE_MS;
    out.push({ name, ids: valid, everyMs: every });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The push that saves (or, with null, deletes) one playlist. */
export function playlistPush(name: string, playlist: Omit<Playlist, 'name'> | null): Record<string, unknown> {
  return { [name]: playlist ? { ids: playlist.ids, everyMs: playlist.everyMs } : null };
}
