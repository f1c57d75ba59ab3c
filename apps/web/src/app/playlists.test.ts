import { describe, expect, it } from 'vitest';
import { mergePointValue } from '@pulseboard/model';
import { parsePlaylists, playlistPush } from './playlists';

describe('saved playlists', () => {
  it('are saved, changed and deleted by merging pushes into one value', () => {
    let value = mergePointValue(undefined, playlistPush('Lobby', { ids: ['ops', 'sales'], everyMs: 30_000 }));
    value = mergePointValue(value, playlistPush('NOC', { ids: ['ops'], everyMs: 10_000 }));
    value = mergePointValue(value, playlistPush('Lobby', { ids: ['sales'], everyMs: 60_000 }));
    expect(parsePlaylists(value)).toEqual([
      { name: 'Lobby', ids: ['sales'], everyMs: 60_000 },
      { name: 'NOC', ids: ['ops'], everyMs: 10_000 },
    ]);
    value = mergePointValue(value, playlistPush('NOC', null));
    expect(parsePlaylists(value).map((p) => p.name)).toEqual(['Lobby']);
  });

  it('skip malformed entries and keep the cycle at its minimum', () => {
    expect(parsePlaylists({ a: 1, b: { ids: 'x' }, c: { ids: [] }, d: { ids: ['ops', 3], everyMs: 10 } })).toEqual([{ name: 'd', ids: ['ops'], everyMs: 2_000 }]);
    expect(parsePlaylists(42)).toEqual([]);
    expect(parsePlaylists(null)).toEqual([]);
  });
});
