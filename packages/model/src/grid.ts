import { MAX_ROW, MAX_WIDGET_ROWS } from './limits.js';
import type { Layout, Widget } from './schema.js';

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

interface Slot {
  widget: Widget;
  x: number;
  y: number;
  w: number;
  h: number;
}

function byPosition(a: Slot, b: Slot): number {
  return a.y - b.y || a.x - b.x || (a.widget.id < b.widget.id ? -1 : a.widget.id > b.widget.id ? 1 : 0);
}

/** Lowest row at or below `fromY` where `slot` fits beside the first `count` placed slots. */
function firstFreeRow(slot: Slot, placed: readonly Slot[], count: number, fromY: number): number {
  let y = fromY;
  for (;;) {
    let blockedUntil = -1;
    for (let i = 0; i < count; i++) {
      const o = placed[i]!;
      if (slot.x < o.x + o.w && o.x < slot.x + slot.w && y < o.y + o.h && o.y < y + slot.h) {
        blockedUntil = Math.max(blockedUntil, o.y + o.h);
      }
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
 * Widgets whose layout did not change keep their object identity (cheap for renderers).
 * This runs for every move on every client (and on every rebase), so it works on flat slots
 * instead of copying widgets.
 */
export function compact(widgets: Record<string, Widget>, columns: number, priority?: string): Record<string, Widget> {
  const slots: Slot[] = [];
  let first: Slot | undefined;
  for (const widget of Object.values(widgets)) {
    const slot: Slot = { widget, ...clampLayout(widget.layout, columns) };
    if (widget.id === priority) first = slot;
    else slots.push(slot);
  }
  slots.sort(byPosition);
  if (first) slots.unshift(first);

  for (let i = first ? 1 : 0; i < slots.length; i++) {
    const slot = slots[i]!;
    slot.y = firstFreeRow(slot, slots, i, 0);
  }
  slots.sort(byPosition);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    slot.y = firstFreeRow(slot, slots, i, 0);
  }

  slots.sort((a, b) => (a.widget.id < b.widget.id ? -1 : a.widget.id > b.widget.id ? 1 : 0));
  const out: Record<string, Widget> = {};
  for (const { widget, x, y, w, h } of slots) {
    const l = widget.layout;
    out[widget.id] = l.x === x && l.y === y && l.w === w && l.h === h ? widget : { ...widget, layout: { x, y, w, h } };
  }
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
