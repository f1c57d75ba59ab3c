import { MAX_ROW, MAX_WIDGET_ROWS, type Layout, type Widget } from './schema.js';

/** True when two grid rectangles share at least one cell. */
export function overlaps(a: Layout, b: Layout): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Clamps a layout into a grid of `columns` columns (width first, then position). */
export function clampLayout(layout: Layout, columns: number): Layout {
  const w = Math.min(Math.max(1, Math.round(layout.w)), columns);
  const h = Math.min(Math.max(1, Math.round(layout.h)), MAX_WIDGET_ROWS);
  const x = Math.min(Math.max(0, Math.round(layout.x)), columns - w);
  const y = Math.min(Math.max(0, Math.round(layout.y)), MAX_ROW);
  return { x, y, w, h };
}

function byPosition(a: Widget, b: Widget): number {
  return a.layout.y - b.layout.y || a.layout.x - b.layout.x || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Lowest row at or below `fromY` where `layout` fits beside every placed rectangle. */
function firstFreeRow(layout: Layout, placed: readonly Layout[], fromY: number): number {
  let y = fromY;
  for (;;) {
    const candidate = { ...layout, y };
    let blockedUntil = -1;
    for (const other of placed) {
      if (overlaps(candidate, other)) blockedUntil = Math.max(blockedUntil, other.y + other.h);
    }
    if (blockedUntil < 0) return y;
    y = blockedUntil;
  }
}

/**
 * Deterministic vertical compaction, the rule every client and the server share.
 *
 * The `priority` widget (the one just moved, resized or added) is placed first where it was
 * asked to go; every other widget, in (y, x, id) order, takes the first free row from the top.
 * A final pass floats every widget up as far as it can go, in (y, x, id) order. The result has
 * no overlaps, lies inside the grid, and depends only on the input, never on call order.
 */
export function compact(widgets: Record<string, Widget>, columns: number, priority?: string): Record<string, Widget> {
  const all = Object.values(widgets).map((widget) => ({ ...widget, layout: clampLayout(widget.layout, columns) }));
  const first = priority === undefined ? undefined : all.find((widget) => widget.id === priority);
  const rest = all.filter((widget) => widget !== first).sort(byPosition);

  const placed: Widget[] = [];
  if (first) placed.push(first);
  for (const widget of rest) {
    const y = firstFreeRow(widget.layout, placed.map((p) => p.layout), 0);
    placed.push({ ...widget, layout: { ...widget.layout, y } });
  }

  placed.sort(byPosition);
  const settled: Widget[] = [];
  for (const widget of placed) {
    const y = firstFreeRow(widget.layout, settled.map((p) => p.layout), 0);
    settled.push({ ...widget, layout: { ...widget.layout, y } });
  }

  const out: Record<string, Widget> = {};
  for (const widget of settled.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) out[widget.id] = widget;
  return out;
}

/** True when no two widgets overlap and every widget lies inside the grid. */
export function isValidLayout(widgets: Record<string, Widget>, columns: number): boolean {
  const list = Object.values(widgets);
  for (const [i, a] of list.entries()) {
    const l = a.layout;
    if (l.x < 0 || l.y < 0 || l.w < 1 || l.h < 1 || l.x + l.w > columns) return false;
    for (const b of list.slice(i + 1)) if (overlaps(l, b.layout)) return false;
  }
  return true;
}

/** Where a new widget of size w×h goes when the caller gives no position: the first free slot, top-left first. */
export function findFreeSlot(widgets: Record<string, Widget>, columns: number, w: number, h: number): Layout {
  const size = clampLayout({ x: 0, y: 0, w, h }, columns);
  const placed = Object.values(widgets).map((widget) => widget.layout);
  for (let y = 0; y <= MAX_ROW; y++) {
    for (let x = 0; x + size.w <= columns; x++) {
      const candidate = { ...size, x, y };
      if (!placed.some((other) => overlaps(candidate, other))) return candidate;
    }
  }
  return { ...size, x: 0, y: MAX_ROW };
}
