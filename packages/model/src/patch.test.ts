import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMutation } from './mutators.js';
import { applyPatch, diffDashboards, draftOf } from './patch.js';
import { createDashboard, type Dashboard } from './schema.js';

const ctx = { clientId: 'client-a', mutationId: 1, actor: 'A' };

function base(): Dashboard {
  let doc = createDashboard({ id: 'p', title: 'P', now: '2026-01-01T00:00:00.000Z' });
  for (const id of ['a', 'b', 'c']) doc = applyMutation(doc, 'addWidget', { widget: { id, type: 'stat', layout: { w: 6, h: 2 } } }, ctx).doc;
  return doc;
}

describe('dashboard patches', () => {
  it('carry only what a move changed, and reproduce the mutator result', () => {
    const before = base();
    const out = applyMutation(before, 'moveWidget', { id: 'c', x: 0, y: 0 }, ctx);
    expect(out.patch?.widgets).toBeUndefined();
    expect(out.patch?.layouts && Object.keys(out.patch.layouts).sort()).toEqual(['a', 'c']);
    expect(out.patch?.meta).toBeUndefined();
    expect(applyPatch(before, out.patch!, { writer: { clientId: ctx.clientId, mutationId: ctx.mutationId, name: ctx.actor }, touched: out.touched })).toEqual(out.doc);
  });

  it('are empty between equal documents', () => {
    const doc = base();
    expect(diffDashboards(doc, doc)).toEqual({});
    expect(diffDashboards(doc, { ...doc, title: 'Renamed' })).toEqual({ meta: { title: 'Renamed' } });
  });

  it('mark removed widgets and forgotten writers with null and add the tombstone', () => {
    const before = base();
    const out = applyMutation(before, 'removeWidget', { id: 'a' }, ctx);
    expect(out.patch?.widgets?.a).toBeNull();
    expect(applyPatch(before, out.patch!, { writer: { clientId: ctx.clientId, mutationId: ctx.mutationId, name: ctx.actor }, touched: out.touched }).writers).not.toHaveProperty('w:a:title');
    expect(out.patch?.tombstones).toEqual({ a: 1 });
    expect(applyPatch(before, out.patch!, { writer: { clientId: ctx.clientId, mutationId: ctx.mutationId, name: ctx.actor }, touched: out.touched })).toEqual(out.doc);
  });

  it('survive JSON and apply in place on a draft', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ name: fc.constant('moveWidget'), args: fc.record({ id: fc.constantFrom('a', 'b', 'c'), x: fc.nat(11), y: fc.nat(9) }) }),
            fc.record({ name: fc.constant('resizeWidget'), args: fc.record({ id: fc.constantFrom('a', 'b', 'c'), w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 5 }) }) }),
            fc.record({ name: fc.constant('updateWidget'), args: fc.record({ id: fc.constantFrom('a', 'b', 'c'), set: fc.record({ title: fc.string({ maxLength: 5 }) }) }) }),
            fc.record({ name: fc.constant('removeWidget'), args: fc.record({ id: fc.constantFrom('a', 'b', 'c') }) }),
            fc.record({ name: fc.constant('setDashboardMeta'), args: fc.record({ set: fc.record({ title: fc.string({ minLength: 1, maxLength: 5 }), columns: fc.integer({ min: 4, max: 16 }) }) }) }),
          ),
          { maxLength: 30 },
        ),
        (mutations) => {
          let expected = base();
          const draft = draftOf(expected);
          for (const m of mutations) {
            const out = applyMutation(expected, m.name, m.args, ctx);
            const writer = { clientId: ctx.clientId, mutationId: ctx.mutationId, name: ctx.actor };
            if (out.patch) applyPatch(draft, JSON.parse(JSON.stringify(out.patch)), { writer, touched: out.touched }, { inPlace: true });
            expected = out.doc;
          }
          expect(JSON.parse(JSON.stringify(draft))).toEqual(JSON.parse(JSON.stringify(expected)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
