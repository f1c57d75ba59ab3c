import { compact } from './grid.js';
import type { ColumnStash, Dashboard, Layout, Widget } from './schema.js';

/**
 * Responsive layouts, as react-grid-layout's responsive grid has them: one layout per
 * breakpoint, each edited on its own. `lg` is every widget's own `layout` at the dashboard's
 * column count; `md`, `sm` and `xs` are derived from the next wider breakpoint (positions and
 * widths scaled to their column count, then compacted) until someone edits one, which stores it
 * in `doc.layouts`. A stored layout keeps the column count it was edited at, so a column-count
 * change scales it on read and changing back returns it exactly.
 */

/** Screen-width breakpoints, widest first; `lg` is the widget's own `layout`. */
export const BREAKPOINTS = ['lg', 'md', 'sm', 'xs'] as const;
export type Breakpoint = (typeof BREAKPOINTS)[number];
/** The breakpoints with a layout of their own beside `lg`. */
export type SmallBreakpoint = Exclude<Breakpoint, 'lg'>;

/** Narrowest grid container, in px, each breakpoint applies to (xs: anything below sm). */
export const BREAKPOINT_MIN_WIDTH_PX: Readonly<Record<Breakpoint, number>> = { lg: 1200, md: 996, sm: 768, xs: 0 };

/** The breakpoint a grid container `widthPx` wide shows. */
export function breakpointForWidth(widthPx: number): Breakpoint {
  return BREAKPOINTS.find((bp) => widthPx >= BREAKPOINT_MIN_WIDTH_PX[bp]) ?? 'xs';
}

/** Columns of `breakpoint` for a dashboard of `columns` columns (12 → lg 12, md 12, sm 6, xs 2). */
export function breakpointColumns(columns: number, breakpoint: Breakpoint): number {
  switch (breakpoint) {
    case 'lg':
    case 'md':
      return columns;
    case 'sm':
      return Math.ceil(columns / 2);
    case 'xs':
      return Math.max(1, Math.ceil(columns / 6));
  }
}

/** Scales a layout's x and w from `from` columns to `to` columns (rows stay), inside the grid. */
export function scaleLayout(layout: Layout, from: number, to: number): Layout {
  if (from === to) return layout;
  const w = Math.min(to, Math.max(1, Math.round((layout.w * to) / from)));
  const x = Math.min(to - w, Math.max(0, Math.round((layout.x * to) / from)));
  return { x, y: layout.y, w, h: layout.h };
}

/** Compacts bare layouts keyed by widget id with the shared grid rule (see `compact`). */
export function compactLayouts(items: Record<string, Layout>, columns: number, priority?: string): Record<string, Layout> {
  const placed: Record<string, { id: string; layout: Layout }> = {};
  for (const id of Object.keys(items)) placed[id] = { id, layout: items[id]! };
  const out: Record<string, Layout> = {};
  for (const [id, p] of Object.entries(compact(placed, columns, priority))) out[id] = p.layout;
  return out;
}

/** The layout `breakpoint` shows: widget id → layout, valid at `breakpointColumns`. Deterministic. */
export function layoutsFor(doc: Pick<Dashboard, 'widgets' | 'columns' | 'layouts'>, breakpoint: Breakpoint): Record<string, Layout> {
  if (breakpoint === 'lg') {
    const out: Record<string, Layout> = {};
    for (const id of Object.keys(doc.widgets)) out[id] = doc.widgets[id]!.layout;
    return out;
  }
  const wider = BREAKPOINTS[BREAKPOINTS.indexOf(breakpoint) - 1]!;
  const base = layoutsFor(doc, wider);
  const baseColumns = breakpointColumns(doc.columns, wider);
  const columns = breakpointColumns(doc.columns, breakpoint);
  const stored = doc.layouts?.[breakpoint];
  const items: Record<string, Layout> = {};
  for (const id of Object.keys(base)) {
    items[id] = stored && Object.hasOwn(stored.items, id) ? scaleLayout(stored.items[id]!, stored.columns, columns) : scaleLayout(base[id]!, baseColumns, columns);
  }
  return compactLayouts(items, columns);
}

/** `doc.layouts` with `breakpoint` stored as `items` (already compacted at its column count). */
export function withBreakpointLayout(doc: Dashboard, breakpoint: SmallBreakpoint, items: Record<string, Layout>): NonNullable<Dashboard['layouts']> {
  return { ...doc.layouts, [breakpoint]: { columns: breakpointColumns(doc.columns, breakpoint), items } };
}

/** `doc.layouts` without widget `id` (a removed widget); the same object when it held none. */
export function withoutWidgetLayouts(layouts: Dashboard['layouts'], id: string): Dashboard['layouts'] {
  if (!layouts) return layouts;
  let out: NonNullable<Dashboard['layouts']> | undefined;
  for (const bp of Object.keys(layouts) as SmallBreakpoint[]) {
    const stored = layouts[bp];
    if (!stored || !Object.hasOwn(stored.items, id)) continue;
    const items = { ...stored.items };
    delete items[id];
    out ??= { ...layouts };
    out[bp] = { ...stored, items };
  }
  return out ?? layouts;
}

/** The stored layouts of one widget per small breakpoint (what restoring it puts back). */
export function widgetBreakpointLayouts(layouts: Dashboard['layouts'], id: string): Partial<Record<SmallBreakpoint, BreakpointItem>> {
  const out: Partial<Record<SmallBreakpoint, BreakpointItem>> = {};
  for (const bp of Object.keys(layouts ?? {}) as SmallBreakpoint[]) {
    const stored = layouts?.[bp];
    if (stored && Object.hasOwn(stored.items, id)) out[bp] = { columns: stored.columns, layout: stored.items[id]! };
  }
  return out;
}

/** One widget's stored layout at one breakpoint, with the column count it was stored at. */
export interface BreakpointItem {
  columns: number;
  layout: Layout;
}

/**
 * The widgets and column stash after changing the column count to `columns`. Widgets nobody
 * moved since the last change get back the exact layout they had before it (so 12 → 6 → 12 is
 * the identity); the others are scaled proportionally. Then compacted.
 */
export function changeColumns(doc: Dashboard, columns: number): { widgets: Record<string, Widget>; columnStash: ColumnStash } {
  const stash = doc.columnStash;
  const current = layoutsFor(doc, 'lg');
  const moved: Record<string, Widget> = {};
  for (const [id, widget] of Object.entries(doc.widgets)) {
    const back =
      stash && stash.columns === columns && Object.hasOwn(stash.items, id) && Object.hasOwn(stash.produced, id) && sameLayout(stash.produced[id]!, widget.layout)
        ? stash.items[id]!
        : scaleLayout(widget.layout, doc.columns, columns);
    moved[id] = back === widget.layout ? widget : { ...widget, layout: back };
  }
  const widgets = compact(moved, columns);
  return { widgets, columnStash: { columns: doc.columns, items: current, produced: layoutsFor({ ...doc, widgets, columns }, 'lg') } };
}

/** True when two layouts are the same rectangle. */
export function sameLayout(a: Layout, b: Layout): boolean {
  return a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
}
