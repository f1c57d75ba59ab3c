import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breakpointColumns, breakpointForWidth, layoutsFor, scaleLayout } from './breakpoints.js';
import { isValidLayout } from './grid.js';
import { applyMutation } from './mutators.js';
import type { MutationContext } from './mutation-outcome.js';
import { BREAKPOINTS, createDashboard, type Dashboard, type Layout } from './schema.js';

const NOW = '2026-01-01T00:00:00.000Z';
const alice: MutationContext = { clientId: 'alice-client', mutationId: 1, actor: 'Alice' };

function board(): Dashboard {
  let doc = createDashboard({ id: 'ops', title: 'Ops', now: NOW });
  const widgets: Array<[string, Layout]> = [
    ['a', { x: 0, y: 0, w: 4, h: 2 }],
    ['b', { x: 4, y: 0, w: 4, h: 2 }],
    ['c', { x: 8, y: 0, w: 4, h: 3 }],
    ['d', { x: 0, y: 2, w: 6, h: 2 }],
    ['e', { x: 6, y: 3, w: 3, h: 2 }],
  ];
  for (const [id, layout] of widgets) doc = applyMutation(doc, 'addWidget', { widget: { id, type: 'stat', layout } }, alice).doc;
  return doc;
}

function asPlaced(items: Record<string, Layout>): Record<string, { id: string; layout: Layout }> {
  return Object.fromEntries(Object.entries(items).map(([id, layout]) => [id, { id, layout }]));
}

describe('breakpoints', () => {
  it('picks the breakpoint of a container width as react-grid-layout does (lg ≥ 1200, md ≥ 996, sm ≥ 768, xs below)', () => {
    expect([1920, 1200, 1199, 996, 820, 768, 767, 390].map(breakpointForWidth)).toEqual(['lg', 'lg', 'md', 'md', 'sm', 'sm', 'xs', 'xs']);
    expect(BREAKPOINTS.map((bp) => breakpointColumns(12, bp))).toEqual([12, 12, 6, 2]);
  });

  it('scales positions and widths proportionally, inside the grid', () => {
    expect(scaleLayout({ x: 4, y: 3, w: 4, h: 2 }, 12, 6)).toEqual({ x: 2, y: 3, w: 2, h: 2 });
    expect(scaleLayout({ x: 11, y: 0, w: 1, h: 1 }, 12, 2)).toEqual({ x: 1, y: 0, w: 1, h: 1 });
  });

  it('derives a smaller breakpoint from the wider one until it is edited, then keeps its own', () => {
    let doc = board();
    const derived = layoutsFor(doc, 'sm');
    expect(isValidLayout(asPlaced(derived), 6)).toBe(true);
    expect(derived.a).toEqual({ x: 0, y: 0, w: 2, h: 2 });
    doc = applyMutation(doc, 'moveWidget', { id: 'a', x: 4, y: 0, breakpoint: 'sm' }, alice).doc;
    expect(layoutsFor(doc, 'sm').a?.x).toBe(4);
    expect(doc.widgets.a?.layout).toEqual({ x: 0, y: 0, w: 4, h: 2 });
    // An lg edit leaves the edited sm layout alone; xs (not edited) now derives from sm.
    const lgBefore = layoutsFor(doc, 'sm');
    doc = applyMutation(doc, 'moveWidget', { id: 'e', x: 0, y: 9 }, alice).doc;
    expect(layoutsFor(doc, 'sm')).toEqual(lgBefore);
    expect(layoutsFor(doc, 'xs').a?.x).toBe(1);
  });

  it('pushes neighbours down only as far as a resize needs', () => {
    const doc = applyMutation(board(), 'resizeWidget', { id: 'a', w: 5, h: 2 }, alice).doc;
    const l = layoutsFor(doc, 'lg');
    expect(l.a).toEqual({ x: 0, y: 0, w: 5, h: 2 });
    expect(l.b).toEqual({ x: 4, y: 2, w: 4, h: 2 }); // pushed just below a
    expect(l.c).toEqual({ x: 8, y: 0, w: 4, h: 3 }); // untouched
    expect(isValidLayout(doc.widgets, 12)).toBe(true);
  });

  it('keeps the order of the widgets a resize pushes (the one below a pushed widget goes further down, never above it)', () => {
    let doc = createDashboard({ id: 'ops', title: 'Ops', now: NOW });
    const placed: Array<[string, Layout]> = [
      ['wide', { x: 0, y: 0, w: 3, h: 1 }],
      ['right', { x: 3, y: 0, w: 2, h: 1 }],
      ['under', { x: 4, y: 1, w: 1, h: 1 }],
    ];
    for (const [id, layout] of placed) doc = applyMutation(doc, 'addWidget', { widget: { id, type: 'stat', layout } }, alice).doc;
    expect(layoutsFor(doc, 'lg').under).toEqual({ x: 4, y: 1, w: 1, h: 1 });
    const l = layoutsFor(applyMutation(doc, 'resizeWidget', { id: 'wide', w: 4, h: 1 }, alice).doc, 'lg');
    expect(l.right).toEqual({ x: 3, y: 1, w: 2, h: 1 });
    expect(l.under).toEqual({ x: 4, y: 2, w: 1, h: 1 });
  });

  it('gives back the exact layout after 12 → 6 → 12 columns, also for edited breakpoints', () => {
    let doc = applyMutation(board(), 'moveWidget', { id: 'b', x: 0, y: 0, breakpoint: 'md' }, alice).doc;
    const lg = layoutsFor(doc, 'lg');
    const md = layoutsFor(doc, 'md');
    doc = applyMutation(doc, 'setDashboardMeta', { set: { columns: 6 } }, alice).doc;
    expect(isValidLayout(doc.widgets, 6)).toBe(true);
    doc = applyMutation(doc, 'setDashboardMeta', { set: { columns: 12 } }, alice).doc;
    expect(layoutsFor(doc, 'lg')).toEqual(lg);
    expect(layoutsFor(doc, 'md')).toEqual(md);
  });

  it('loads a document written before breakpoint layouts existed', () => {
    const old = JSON.parse(JSON.stringify(board())) as Dashboard;
    delete old.layouts;
    delete old.columnStash;
    for (const bp of BREAKPOINTS) expect(isValidLayout(asPlaced(layoutsFor(old, bp)), breakpointColumns(old.columns, bp))).toBe(true);
  });
});

// ---- properties --------------------------------------------------------------------------

const ids = ['a', 'b', 'c', 'd', 'e'];
const bp = fc.constantFrom(...BREAKPOINTS);
const layoutArb = fc.record({ x: fc.integer({ min: 0, max: 11 }), y: fc.integer({ min: 0, max: 12 }), w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 5 }) });
export const layoutMutationArb = fc.oneof(
  fc.record({ name: fc.constant('addWidget'), args: fc.record({ widget: fc.record({ id: fc.constantFrom(...ids, 'f', 'g'), type: fc.constant('stat'), layout: layoutArb }) }) }),
  fc.record({ name: fc.constant('removeWidget'), args: fc.record({ id: fc.constantFrom(...ids) }) }),
  fc.record({ name: fc.constant('moveWidget'), args: fc.record({ id: fc.constantFrom(...ids), x: fc.integer({ min: 0, max: 11 }), y: fc.integer({ min: 0, max: 20 }), breakpoint: bp }) }),
  fc.record({ name: fc.constant('resizeWidget'), args: fc.record({ id: fc.constantFrom(...ids), w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 6 }), breakpoint: bp }) }),
  fc.record({ name: fc.constant('setDashboardMeta'), args: fc.record({ set: fc.record({ columns: fc.constantFrom(1, 4, 6, 8, 12, 16, 24) }) }) }),
);

function run(start: Dashboard, mutations: Array<{ name: string; args: unknown }>): Dashboard {
  let doc = start;
  mutations.forEach((m, i) => {
    doc = applyMutation(doc, m.name, m.args, { clientId: i % 2 ? 'alice-client' : 'bob-client', mutationId: i + 1 }).doc;
  });
  return doc;
}

describe('breakpoint layout properties', () => {
  it('leave every breakpoint’s layout valid after any sequence', () => {
    fc.assert(
      fc.property(fc.array(layoutMutationArb, { maxLength: 30 }), (mutations) => {
        const doc = run(board(), mutations);
        for (const b of BREAKPOINTS) expect(isValidLayout(asPlaced(layoutsFor(doc, b)), breakpointColumns(doc.columns, b))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('give the same layouts for the same sequence', () => {
    fc.assert(
      fc.property(fc.array(layoutMutationArb, { maxLength: 30 }), (mutations) => {
        const a = run(board(), mutations);
        const b = run(board(), structuredClone(mutations));
        expect(a).toEqual(b);
        for (const b_ of BREAKPOINTS) expect(layoutsFor(a, b_)).toEqual(layoutsFor(b, b_));
      }),
      { numRuns: 100 },
    );
  });

  it('return every breakpoint’s exact layout after C → C′ → C columns', () => {
    fc.assert(
      fc.property(fc.array(layoutMutationArb, { maxLength: 20 }), fc.constantFrom(1, 3, 4, 6, 8, 24, 48), (mutations, other) => {
        const doc = run(board(), mutations);
        const there = applyMutation(doc, 'setDashboardMeta', { set: { columns: other } }, alice).doc;
        const back = applyMutation(there, 'setDashboardMeta', { set: { columns: doc.columns } }, alice).doc;
        for (const b of BREAKPOINTS) expect(layoutsFor(back, b)).toEqual(layoutsFor(doc, b));
      }),
      { numRuns: 150 },
    );
  });
});

describe('resize and move properties', () => {
  it('never reshuffle: a widget only moves up into space a moved widget left, and moves down only when pushed', () => {
    const ctx = { clientId: 'c', mutationId: 1 };
    const layouts = fc.array(fc.record({ x: fc.integer({ min: 0, max: 11 }), y: fc.integer({ min: 0, max: 8 }), w: fc.integer({ min: 1, max: 6 }), h: fc.integer({ min: 1, max: 4 }) }), { minLength: 2, maxLength: 8 });
    fc.assert(
      fc.property(layouts, fc.nat(), fc.constantFrom('wider', 'taller'), (ls, pick, grow) => {
        let doc = createDashboard({ id: 'd', title: 'D', now: NOW });
        ls.forEach((layout, i) => {
          doc = applyMutation(doc, 'addWidget', { widget: { id: `w${i}`, type: 'stat', layout } }, ctx).doc;
        });
        const ids = Object.keys(doc.widgets);
        const id = ids[pick % ids.length]!;
        const l = doc.widgets[id]!.layout;
        if (grow === 'wider' && l.x + l.w >= 12) return;
        const out = applyMutation(doc, 'resizeWidget', { id, w: l.w + (grow === 'wider' ? 1 : 0), h: l.h + (grow === 'taller' ? 1 : 0) }, ctx).doc;
        const before = (w: string) => doc.widgets[w]!.layout;
        const after = (w: string) => out.widgets[w]!.layout;
        const moved = ids.filter((w) => w !== id && after(w).y !== before(w).y);
        for (const w of moved) {
          const a = before(w);
          const sharesColumns = (o: Layout) => a.x < o.x + o.w && o.x < a.x + a.w;
          if (after(w).y < a.y) {
            // Up only into rows another moved widget left above it in its columns.
            expect(moved.some((o) => o !== w && sharesColumns(before(o)) && before(o).y < a.y), `${w} moved up`).toBe(true);
          } else {
            // Down only when something now above it in its columns pushed it (the resized widget or a pushed one).
            const pushers = [id, ...moved].filter((o) => o !== w && sharesColumns(after(o)) && after(o).y < after(w).y && after(o).y + after(o).h === after(w).y);
            expect(pushers.length, `${w} moved down unpushed`).toBeGreaterThan(0);
          }
        }
        // No widget jumps over one that stayed above it in its columns (the order is kept unless pushed).
        for (const a of ids) {
          for (const b of ids) {
            if (a === b || a === id || b === id) continue;
            const [la, lb] = [before(a), before(b)];
            const share = la.x < lb.x + lb.w && lb.x < la.x + la.w;
            if (share && la.y + la.h <= lb.y && after(a).y <= la.y) expect(after(a).y + la.h, `${b} jumped over ${a}`).toBeLessThanOrEqual(after(b).y);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
