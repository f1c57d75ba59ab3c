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

  it('names anything else not found', () => {
    expect(parseHash('#/nope')).toEqual({ name: 'not-found', path: '/nope' });
  });

  it('round-trips every route through hrefFor', () => {
    const routes: Route[] = [{ name: 'list' }, { name: 'gallery' }, { name: 'dashboard', id: 'a_b-1', edit: true }, { name: 'dashboard', id: 'x', edit: false }];
    for (const route of routes) expect(parseHash(hrefFor(route))).toEqual(route);
  });
});
