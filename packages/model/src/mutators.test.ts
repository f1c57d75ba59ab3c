import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { isValidLayout } from './grid.js';
import type { MutationContext } from './mutation-outcome.js';
import { applyMutation } from './mutators.js';
import { createDashboard, type Dashboard } from './schema.js';

const NOW = '2026-01-01T00:00:00.000Z';
const alice: MutationContext = { clientId: 'alice-client', mutationId: 1, actor: 'Alice' };
const bob: MutationContext = { clientId: 'bob-client', mutationId: 1, actor: 'Bob' };

function empty(): Dashboard {
  return createDashboard({ id: 'ops', title: 'Ops', now: NOW });
}

function withWidgets(n: number): Dashboard {
  let doc = empty();
  for (let i = 0; i < n; i++) {
    doc = applyMutation(doc, 'addWidget', { widget: { id: `w${i}`, type: 'stat', title: `W${i}`, layout: { w: 4, h: 2 } } }, alice).doc;
  }
  return doc;
}

describe('mutators', () => {
  it('adds a widget in the first free slot with defaults', () => {
    const out = applyMutation(withWidgets(1), 'addWidget', { widget: { id: 'cpu', type: 'gauge', stream: 'cpu.load' } }, alice);
    expect(out.status).toBe('applied');
    expect(out.doc.widgets.cpu).toMatchObject({ type: 'gauge', title: '', stream: 'cpu.load', options: {}, layout: { x: 4, y: 0, w: 3, h: 2 } });
  });

  it('rejects a duplicate widget id and leaves the document unchanged', () => {
    const doc = withWidgets(1);
    const out = applyMutation(doc, 'addWidget', { widget: { id: 'w0', type: 'stat' } }, alice);
    expect(out.status).toBe('rejected');
    expect(out.error?.code).toBe('widget_exists');
    expect(out.doc).toBe(doc);
  });

  it('rejects bad args with a message naming the field', () => {
    const out = applyMutation(withWidgets(1), 'resizeWidget', { id: 'w0', w: 'wide', h: 2 }, alice);
    expect(out.status).toBe('rejected');
    expect(out.error?.message).toContain('args.w');
  });

  it('says what is wrong with bad args in English though zod/mini loads no locale, and leaves zod\'s global config alone', () => {
    const out = applyMutation(withWidgets(1), 'addWidget', { widget: { id: 'w9', type: 'stat', title: 'x'.repeat(201) } }, alice);
    expect(out.error?.message).toBe('addWidget: args.widget.title: Too big: expected string to have <=200 characters');
    expect(applyMutation(withWidgets(1), 'resizeWidget', { id: 'w0', w: 1.5, h: 2 }, alice).error?.message).toBe(
      'resizeWidget: args.w: Invalid input: expected int, received number',
    );
    expect(z.config().localeError).toBeUndefined();
  });

  it('rejects an unknown mutator by name', () => {
    const out = applyMutation(empty(), 'dropTable', {}, alice);
    expect(out.error).toMatchObject({ code: 'unknown_mutator' });
    expect(out.error?.message).toContain('dropTable');
  });

  it('merges options per key and deletes an option set to null', () => {
    let doc = withWidgets(1);
    doc = applyMutation(doc, 'updateWidget', { id: 'w0', set: { options: { unit: '%', decimals: 1 } } }, alice).doc;
    const out = applyMutation(doc, 'updateWidget', { id: 'w0', set: { options: { decimals: null, max: 100 } } }, bob);
    expect(out.doc.widgets.w0?.options).toEqual({ unit: '%', max: 100 });
    expect(out.touched).toEqual(['w:w0:options.decimals', 'w:w0:options.max']);
  });

  it('keeps concurrent edits to different fields of one widget', () => {
    const base = withWidgets(1);
    const a = applyMutation(base, 'updateWidget', { id: 'w0', set: { title: 'CPU' } }, alice).doc;
    const both = applyMutation(a, 'updateWidget', { id: 'w0', set: { options: { unit: '%' } } }, bob).doc;
    expect(both.widgets.w0).toMatchObject({ title: 'CPU', options: { unit: '%' } });
  });

  it('marks a stale expectation as a conflict naming who wrote the current value', () => {
    let doc = withWidgets(1);
    doc = applyMutation(doc, 'updateWidget', { id: 'w0', set: { title: 'Bob title' } }, bob).doc;
    const out = applyMutation(doc, 'updateWidget', { id: 'w0', set: { title: 'Alice title' }, expect: { title: 'W0' } }, alice);
    expect(out.status).toBe('conflict');
    expect(out.doc.widgets.w0?.title).toBe('Alice title');
    expect(out.conflicts).toEqual([{ field: 'title', expected: 'W0', actual: 'Bob title', by: { clientId: 'bob-client', mutationId: 1, name: 'Bob' } }]);
  });

  it('turns an edit of a deleted widget into a superseded no-op', () => {
    const doc = applyMutation(withWidgets(2), 'removeWidget', { id: 'w0' }, bob).doc;
    expect(doc.widgets.w0).toBeUndefined();
    expect(doc.tombstones.w0).toBeTypeOf('number');
    const out = applyMutation(doc, 'moveWidget', { id: 'w0', x: 4, y: 0 }, alice);
    expect(out.status).toBe('superseded');
    expect(out.doc).toBe(doc);
    expect(applyMutation(doc, 'addWidget', { widget: { id: 'w0', type: 'stat' } }, alice).status).toBe('rejected');
  });

  it('rejects an edit of a widget that never existed', () => {
    expect(applyMutation(empty(), 'updateWidget', { id: 'ghost', set: { title: 'x' } }, alice).error?.code).toBe('widget_not_found');
  });

  it('re-flows the grid when the column count shrinks', () => {
    const doc = applyMutation(withWidgets(3), 'setDashboardMeta', { set: { columns: 6, title: 'Narrow' } }, alice).doc;
    expect(doc.columns).toBe(6);
    expect(doc.title).toBe('Narrow');
    expect(isValidLayout(doc.widgets, 6)).toBe(true);
  });
});

// ---- properties --------------------------------------------------------------------------

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const mutationArb = fc.oneof(
  fc.record({
    name: fc.constant('addWidget'),
    args: fc.record({
      widget: fc.record({
        id: fc.constantFrom(...ids),
        type: fc.constantFrom('stat', 'line', 'gauge'),
        layout: fc.record({ x: fc.integer({ min: 0, max: 11 }), y: fc.integer({ min: 0, max: 20 }), w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 6 }) }),
      }),
    }),
  }),
  fc.record({ name: fc.constant('removeWidget'), args: fc.record({ id: fc.constantFrom(...ids) }) }),
  fc.record({ name: fc.constant('moveWidget'), args: fc.record({ id: fc.constantFrom(...ids), x: fc.integer({ min: 0, max: 11 }), y: fc.integer({ min: 0, max: 30 }) }) }),
  fc.record({ name: fc.constant('resizeWidget'), args: fc.record({ id: fc.constantFrom(...ids), w: fc.integer({ min: 1, max: 14 }), h: fc.integer({ min: 0, max: 8 }) }) }),
  fc.record({ name: fc.constant('updateWidget'), args: fc.record({ id: fc.constantFrom(...ids), set: fc.record({ title: fc.string({ maxLength: 10 }) }) }) }),
  fc.record({ name: fc.constant('setDashboardMeta'), args: fc.record({ set: fc.record({ columns: fc.integer({ min: 1, max: 16 }) }) }) }),
);

function run(mutations: Array<{ name: string; args: unknown }>): Dashboard {
  let doc = empty();
  mutations.forEach((m, i) => {
    doc = applyMutation(doc, m.name, m.args, { clientId: i % 2 ? 'alice-client' : 'bob-client', mutationId: i + 1 }).doc;
  });
  return doc;
}

describe('mutator properties', () => {
  it('leave a valid layout (no overlaps, inside the grid) after any sequence', () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { maxLength: 40 }), (mutations) => {
        const doc = run(mutations);
        expect(isValidLayout(doc.widgets, doc.columns)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('give the same document for the same sequence', () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { maxLength: 40 }), (mutations) => {
        expect(run(mutations)).toEqual(run(structuredClone(mutations)));
      }),
      { numRuns: 200 },
    );
  });

  it('never change the document when they reject', () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { maxLength: 20 }), mutationArb, (prefix, last) => {
        const doc = run(prefix);
        const out = applyMutation(doc, last.name, last.args, alice);
        if (out.status === 'rejected' || out.status === 'superseded') expect(out.doc).toBe(doc);
        else expect(out.touched.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('mutators and object prototype names', () => {
  it('treat "constructor" and "toString" as ordinary widget ids', () => {
    const doc = empty();
    expect(applyMutation(doc, 'updateWidget', { id: 'constructor', set: { title: 'x' } }, alice)).toMatchObject({
      status: 'rejected',
      error: { code: 'widget_not_found' },
    });
    const added = applyMutation(doc, 'addWidget', { widget: { id: 'toString', type: 'stat' } }, alice);
    expect(added.status).toBe('applied');
    expect(Object.keys(added.doc.widgets)).toEqual(['toString']);
  });

  it('reject "__proto__" as a widget id or option key', () => {
    expect(applyMutation(empty(), 'addWidget', { widget: { id: '__proto__', type: 'stat' } }, alice).status).toBe('rejected');
    const doc = withWidgets(1);
    const out = applyMutation(doc, 'updateWidget', { id: 'w0', set: { options: JSON.parse('{"__proto__": {"polluted": true}}') } }, alice);
    expect(Object.getPrototypeOf(out.doc.widgets.w0?.options)).not.toHaveProperty('polluted');
    expect(Object.keys(out.doc.widgets.w0?.options ?? {})).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('expectations against one\'s own edits', () => {
  it('do not conflict when the value was changed by the same client', () => {
    let doc = withWidgets(1);
    doc = applyMutation(doc, 'updateWidget', { id: 'w0', set: { title: 'Draft' } }, { ...alice, mutationId: 2 }).doc;
    const out = applyMutation(doc, 'updateWidget', { id: 'w0', set: { title: 'Final' }, expect: { title: 'W0' } }, { ...alice, mutationId: 3 });
    expect(out.status).toBe('applied');
    expect(out.conflicts).toEqual([]);
  });
});

describe('expectations of an unset field', () => {
  it('treat an expected null as "not set", and conflict once someone else set it', () => {
    const doc = withWidgets(1);
    const first = applyMutation(doc, 'updateWidget', { id: 'w0', set: { options: { unit: '%' } }, expect: { 'options.unit': null } }, bob);
    expect(first.status).toBe('applied');
    const second = applyMutation(first.doc, 'updateWidget', { id: 'w0', set: { options: { unit: 'ms' } }, expect: { 'options.unit': null } }, alice);
    expect(second.status).toBe('conflict');
    expect(second.conflicts).toEqual([{ field: 'options.unit', expected: null, actual: '%', by: { clientId: 'bob-client', mutationId: 1, name: 'Bob' } }]);
  });
});
