import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutsFor } from './breakpoints.js';
import { inverseMutation } from './inverse-mutation.js';
import { applyMutation } from './mutators.js';
import type { MutationContext } from './mutation-outcome.js';
import { summarizeMutation } from './mutation-summary.js';
import { BREAKPOINTS, createDashboard, type Dashboard } from './schema.js';

const NOW = '2026-01-01T00:00:00.000Z';
const alice: MutationContext = { clientId: 'alice-client', mutationId: 1, actor: 'Alice' };
const bob: MutationContext = { clientId: 'bob-client', mutationId: 1, actor: 'Bob' };

function board(): Dashboard {
  let doc = createDashboard({ id: 'ops', title: 'Ops', now: NOW });
  const layouts = [
    { x: 0, y: 0, w: 4, h: 2 },
    { x: 4, y: 0, w: 4, h: 2 },
    { x: 8, y: 0, w: 4, h: 3 },
    { x: 0, y: 2, w: 6, h: 2 },
  ];
  layouts.forEach((layout, i) => {
    doc = applyMutation(doc, 'addWidget', { widget: { id: `w${i}`, type: 'stat', title: `W${i}`, layout, options: { unit: '%' } } }, bob).doc;
  });
  return doc;
}

/** What a person sees: everything but sync bookkeeping (version, writers, tombstones, stash). */
function visible(doc: Dashboard): unknown {
  return {
    title: doc.title,
    description: doc.description,
    columns: doc.columns,
    widgets: doc.widgets,
    layouts: Object.fromEntries(BREAKPOINTS.map((bp) => [bp, layoutsFor(doc, bp)])),
  };
}

const ids = ['w0', 'w1', 'w2', 'w3', 'new'];
const bp = fc.constantFrom(...BREAKPOINTS);
const editArb = fc.oneof(
  fc.record({ name: fc.constant('addWidget'), args: fc.record({ widget: fc.record({ id: fc.constant('new'), type: fc.constant('gauge'), title: fc.constant('New'), layout: fc.record({ x: fc.integer({ min: 0, max: 11 }), y: fc.integer({ min: 0, max: 6 }), w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 4 }) }) }) }) }),
  fc.record({ name: fc.constant('removeWidget'), args: fc.record({ id: fc.constantFrom(...ids) }) }),
  fc.record({ name: fc.constant('moveWidget'), args: fc.record({ id: fc.constantFrom(...ids), x: fc.integer({ min: 0, max: 11 }), y: fc.integer({ min: 0, max: 10 }), breakpoint: bp }) }),
  fc.record({ name: fc.constant('resizeWidget'), args: fc.record({ id: fc.constantFrom(...ids), w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 6 }), breakpoint: bp }) }),
  fc.record({ name: fc.constant('updateWidget'), args: fc.record({ id: fc.constantFrom(...ids), set: fc.record({ title: fc.string({ maxLength: 8 }), options: fc.record({ unit: fc.constantFrom('ms', null), thresholds: fc.constant([{ value: 80, color: 'red' }]) }) }, { requiredKeys: [] }) }) }),
  fc.record({ name: fc.constant('setDashboardMeta'), args: fc.record({ set: fc.record({ title: fc.constantFrom('A', 'B'), description: fc.constantFrom('about', null), columns: fc.constantFrom(4, 6, 12, 24) }, { requiredKeys: [] }) }) }),
);

describe('inverseMutation', () => {
  it('undoes a rename and names the undo in words', () => {
    const before = board();
    const after = applyMutation(before, 'updateWidget', { id: 'w0', set: { title: 'CPU' } }, alice).doc;
    const undo = inverseMutation(before, after, 'updateWidget', { id: 'w0', set: { title: 'CPU' } });
    expect(undo).toEqual({ name: 'updateWidget', args: { id: 'w0', set: { title: 'W0' }, expect: { title: 'CPU' }, ifUnchanged: true } });
    expect(summarizeMutation(after, undo!.name, undo!.args)).toBe('renamed “CPU” to “W0”');
    expect(applyMutation(after, undo!.name, undo!.args, { ...alice, mutationId: 2 }).doc.widgets.w0?.title).toBe('W0');
  });

  it('skips an undo of a field someone else changed since, naming them', () => {
    const before = board();
    const after = applyMutation(before, 'updateWidget', { id: 'w0', set: { options: { unit: 'ms' } } }, alice).doc;
    const undo = inverseMutation(before, after, 'updateWidget', { id: 'w0', set: { options: { unit: 'ms' } } })!;
    const bobs = applyMutation(after, 'updateWidget', { id: 'w0', set: { options: { unit: 's' } } }, { ...bob, mutationId: 9 }).doc;
    const out = applyMutation(bobs, undo.name, undo.args, { ...alice, mutationId: 2 });
    expect(out.status).toBe('rejected');
    expect(out.error?.code).toBe('stale');
    expect(out.doc).toBe(bobs);
    expect(out.conflicts).toEqual([{ field: 'options.unit', expected: 'ms', actual: 's', by: { clientId: 'bob-client', mutationId: 9, name: 'Bob' } }]);
  });

  it('brings a removed widget back where it was, and the redo removes it again', () => {
    const before = board();
    const after = applyMutation(before, 'removeWidget', { id: 'w0' }, alice).doc;
    const undo = inverseMutation(before, after, 'removeWidget', { id: 'w0' })!;
    const undone = applyMutation(after, undo.name, undo.args, { ...alice, mutationId: 2 }).doc;
    expect(visible(undone)).toEqual(visible(before));
    const redo = inverseMutation(after, undone, undo.name, undo.args)!;
    expect(redo.name).toBe('removeWidget');
    expect(visible(applyMutation(undone, redo.name, redo.args, { ...alice, mutationId: 3 }).doc)).toEqual(visible(after));
  });
});

describe('undo properties', () => {
  it('undo ∘ edit = identity when nobody else touched the fields, and redo ∘ undo = edit', () => {
    fc.assert(
      fc.property(fc.array(editArb, { maxLength: 8 }), editArb, (prefix, edit) => {
        let doc = board();
        prefix.forEach((m, i) => {
          doc = applyMutation(doc, m.name, m.args, { ...bob, mutationId: i + 10 }).doc;
        });
        const out = applyMutation(doc, edit.name, edit.args, { ...alice, mutationId: 1 });
        if (out.status === 'rejected' || out.status === 'superseded') return;
        const undo = inverseMutation(doc, out.doc, edit.name, edit.args);
        if (!undo) {
          expect(visible(out.doc)).toEqual(visible(doc));
          return;
        }
        const undone = applyMutation(out.doc, undo.name, undo.args, { ...alice, mutationId: 2 });
        expect(undone.status).toBe('applied');
        expect(visible(undone.doc)).toEqual(visible(doc));
        const redo = inverseMutation(out.doc, undone.doc, undo.name, undo.args);
        if (!redo) return;
        const redone = applyMutation(undone.doc, redo.name, redo.args, { ...alice, mutationId: 3 });
        expect(redone.status).toBe('applied');
        expect(visible(redone.doc)).toEqual(visible(out.doc));
      }),
      { numRuns: 500 },
    );
  });
});
