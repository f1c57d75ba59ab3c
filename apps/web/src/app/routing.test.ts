import { describe, expect, it } from 'vitest';
import { hrefFor, parseHash, type Route } from './routing';

describe('parseHash', () => {
  it('reads the list, a dashboard (with and without edit mode) and the gallery', () => {
    expect(parseHash('')).toEqual({ name: 'list' });
    expect(parseHash('#/')).toEqual({ name: 'list' });
    expect(parseHash('#/d/ops')).toEqual({ name: 'dashboard', id: 'ops', edit: false });
    expect(parseHash('#/d/ops?edit')).toEqual({ name: 'dashboard', id: 'ops', edit: true });
    expect(parseHash('#/d/ops/')).toEqual({ name: 'dashboard', id: 'ops', edit: false });
    expect(parseHash('#/gallery')).toEqual({ name: 'gallery' });
  });

  it('reads kiosk mode and playlists', () => {
    expect(parseHash('#/d/ops?kiosk')).toEqual({ name: 'kiosk', ids: ['ops'], everyMs: 30_000 });
    expect(parseHash('#/d/ops?kiosk&cycle=ops,sales&every=45s')).toEqual({ name: 'kiosk', ids: ['ops', 'sales'], everyMs: 45_000 });
    expect(parseHash('#/?kiosk&cycle=a,b&every=10')).toEqual({ name: 'kiosk', ids: ['a', 'b'], everyMs: 10_000 });
    expect(parseHash('#/?kiosk&cycle=a&every=1ms')).toEqual({ name: 'kiosk', ids: ['a'], everyMs: 2_000 });
    expect(parseHash('#/?kiosk&cycle=a&every=soon')).toEqual({ name: 'kiosk', ids: ['a'], everyMs: 30_000 });
    expect(parseHash('#/?kiosk')).toEqual({ name: 'list' });
    expect(parseHash('#/?kiosk&playlist=Lobby%20TV')).toEqual({ name: 'kiosk', ids: [], everyMs: 30_000, playlist: 'Lobby TV' });
  });

  it('names anything else not found', () => {
    expect(parseHash('#/nope')).toEqual({ name: 'not-found', path: '/nope' });
  });

  it('round-trips every route through hrefFor', () => {
    const routes: Route[] = [{ name: 'list' }, { name: 'gallery' }, { name: 'dashboard', id: 'a_b-1', edit: true }, { name: 'dashboard', id: 'x', edit: false },
      { name: 'kiosk', ids: ['ops'], everyMs: 30_000 },
      { name: 'kiosk', ids: ['ops', 'sales'], everyMs: 30_000 },
      { name: 'kiosk', ids: ['a', 'b'], everyMs: 12_000 },
      { name: 'kiosk', ids: [], everyMs: 30_000, playlist: 'Lobby & hall' },
    ];
    for (const route of routes) expect(parseHash(hrefFor(route))).toEqual(route);
  });
});
