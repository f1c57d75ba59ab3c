import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dashboardContentBytes } from './dashboard-size.js';
import { exportDashboard, parseExportFile } from './export-format.js';
import { jsonByteLength } from './json-bounds.js';
import { MAX_DASHBOARD_BYTES, MAX_JSON_DEPTH, MAX_WIDGET_OPTIONS_BYTES } from './limits.js';
import type { MutationContext } from './mutation-outcome.js';
import { applyMutation, assertMutationShape, isMutatorName, MUTATOR_NAMES } from './mutators.js';
import { createDashboard, type Dashboard } from './schema.js';

const NOW = '2026-01-01T00:00:00.000Z';
const ctx: MutationContext = { clientId: 'alice-client', mutationId: 1 };
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];

function empty(): Dashboard {
  return createDashboard({ id: 'ops', title: 'Ops', now: NOW });
}

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('the mutator registry', () => {
  it.each(PROTOTYPE_NAMES)('rejects the inherited name %s as unknown_mutator and leaves the document alone', (name) => {
    const doc = empty();
    const out = applyMutation(doc, name, { widget: { id: 'w', type: 'stat' } }, ctx);
    expect(out).toMatchObject({ status: 'rejected', error: { code: 'unknown_mutator' } });
    expect(out.doc).toBe(doc);
    expect(isMutatorName(name)).toBe(false);
    expect(() => assertMutationShape(name, {})).toThrow(expect.objectContaining({ code: 'unknown_mutator' }) as Error);
  });

  it('rejects every name that is not registered, and knows every registered one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...PROTOTYPE_NAMES)), fc.jsonValue(), (name, args) => {
        fc.pre(!(MUTATOR_NAMES as string[]).includes(name));
        const out = applyMutation(empty(), name, args, ctx);
        expect(out.status).toBe('rejected');
        expect(out.error?.code).toBe('unknown_mutator');
      }),
      { seed: 3, numRuns: 300 },
    );
    for (const name of MUTATOR_NAMES) expect(isMutatorName(name)).toBe(true);
  });

  it('never throws and never changes the document on rejection, for any name and args', () => {
    const names = fc.oneof(fc.constantFrom(...MUTATOR_NAMES), fc.constantFrom(...PROTOTYPE_NAMES), fc.string());
    fc.assert(
      fc.property(names, fc.jsonValue(), (name, args) => {
        const doc = empty();
        const out = applyMutation(doc, name, args, ctx);
        if (out.status === 'rejected') expect(out.doc).toBe(doc);
      }),
      { seed: 5, numRuns: 500 },
    );
  });
});

describe('mutation bounds', () => {
  it('rejects options nested deeper than the limit with invalid_args naming the field', () => {
    const ok = applyMutation(empty(), 'addWidget', { widget: { id: 'w', type: 'text', options: { a: nested(MAX_JSON_DEPTH - 1) } } }, ctx);
    expect(ok.status).toBe('applied');
    const out = applyMutation(empty(), 'addWidget', { widget: { id: 'w', type: 'text', options: { a: nested(MAX_JSON_DEPTH) } } }, ctx);
    expect(out.status).toBe('rejected');
    expect(out.error?.code).toBe('invalid_args');
    expect(out.error?.message).toMatch(/^addWidget: args\.widget\.options\.a\.a\.a.*: nested deeper than 64 levels$/);
  });

  it('rejects args nested thousands of levels deep without overflowing, naming args', () => {
    const out = applyMutation(empty(), 'updateWidget', { id: 'w', set: { options: { a: nested(5_000) } } }, ctx);
    expect(out.error?.code).toBe('invalid_args');
    expect(out.error?.message).toContain('updateWidget: args.set.options.a');
  });

  it('rejects options larger than the cap, and an update that would merge past it', () => {
    const half = 'x'.repeat(MAX_WIDGET_OPTIONS_BYTES / 2);
    const tooBig = applyMutation(empty(), 'addWidget', { widget: { id: 'w', type: 'text', options: { text: half + half } } }, ctx);
    expect(tooBig.error?.message).toContain('args.widget.options: larger than');
    const added = applyMutation(empty(), 'addWidget', { widget: { id: 'w', type: 'text', options: { a: half } } }, ctx);
    expect(added.status).toBe('applied');
    const merged = applyMutation(added.doc, 'updateWidget', { id: 'w', set: { options: { b: half } } }, ctx);
    expect(merged).toMatchObject({ status: 'rejected', error: { code: 'options_too_large' } });
    expect(merged.doc).toBe(added.doc);
  });

  it('fills a dashboard up to its size cap, refuses to grow it further, and its export imports again', () => {
    let doc = empty();
    const big = 'x'.repeat(MAX_WIDGET_OPTIONS_BYTES - 100);
    let refused = null;
    for (let i = 0; i < 20 && !refused; i++) {
      const out = applyMutation(doc, 'addWidget', { widget: { id: `w${i}`, type: 'text', options: { text: big } } }, { ...ctx, mutationId: i + 1 });
      if (out.status === 'rejected') refused = out;
      else doc = out.doc;
    }
    expect(refused?.error?.code).toBe('dashboard_too_large');
    // Top it up with a smaller widget so it sits right under the cap.
    const room = MAX_DASHBOARD_BYTES - dashboardContentBytes(doc);
    const filler = applyMutation(doc, 'addWidget', { widget: { id: 'fill', type: 'text', options: { t: 'y'.repeat(Math.max(0, room - 120)) } } }, ctx);
    expect(filler.status).toBe('applied');
    doc = filler.doc;
    expect(dashboardContentBytes(doc)).toBeGreaterThan(MAX_DASHBOARD_BYTES - 200);
    expect(dashboardContentBytes(doc)).toBe(jsonByteLength(exportDashboard(doc, NOW).dashboard));

    const file = JSON.parse(JSON.stringify(exportDashboard(doc, NOW))) as unknown;
    expect(parseExportFile(file, NOW).widgets).toEqual(doc.widgets);
    // Shrinking stays possible.
    expect(applyMutation(doc, 'removeWidget', { id: 'w0' }, ctx).status).toBe('applied');
  });

  it('refuses to import a file whose dashboard is over the cap', () => {
    const widgets: Dashboard['widgets'] = {};
    for (let i = 0; i < 9; i++) widgets[`w${i}`] = { id: `w${i}`, type: 'text', title: '', layout: { x: 0, y: i * 2, w: 3, h: 2 }, options: { t: 'x'.repeat(60_000) } };
    const file = exportDashboard({ ...empty(), widgets }, NOW);
    expect(() => parseExportFile(file, NOW)).toThrow(/invalid export file: dashboard: the dashboard would be \d+ bytes/);
  });
});
