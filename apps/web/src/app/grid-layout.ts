/**
 * Turns a breakpoint's layout (the model's `layoutsFor`) into react-grid-layout items, with
 * other viewers' live drag previews applied on top, and places them in pixels as the grid
 * would (for the static grid of viewers and wallboards). Pure, so it is unit-tested without a DOM.
 */
import { compactLayouts, type Layout as ModelLayout } from '@pulseboard/model';
import type { LayoutItem } from 'react-grid-layout';
/** Height of one grid row in pixels. */
export const ROW_HEIGHT_PX = 84;
/** Gap between widgets in pixels. */
export const GRID_MARGIN_PX = 14;

/** Widget ids in reading order: top to bottom, then left to right, then id. */
export function readingOrder(layouts: Readonly<Record<string, ModelLayout>>): string[] {
  return Object.keys(layouts).sort((a, b) => {
    const la = layouts[a]!;
    const lb = layouts[b]!;
    return la.y - lb.y || la.x - lb.x || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/**
 * The grid items for one breakpoint's `layouts` (widget id → layout), in reading order.
 * `overrides` (widget id → layout) replace a widget's layout, for remote drag previews.
 */
export function gridItems(layouts: Readonly<Record<string, ModelLayout>>, overrides?: Readonly<Record<string, ModelLayout>>): LayoutItem[] {
  return readingOrder(layouts).map((id) => {
    const l = overrides?.[id] ?? layouts[id]!;
    return { i: id, x: l.x, y: l.y, w: l.w, h: l.h, minW: 1, minH: 1 };
  });
}

/** The grid's measures: columns, width and row height in px, and the gap between widgets in px. */
export interface GridGeometry {
  cols: number;
  width: number;
  rowHeight: number;
  margin: number;
}

/** One item placed on the grid: its id and its box in px, relative to the grid's top left. */
export interface PlacedItem {
  i: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The box react-grid-layout gives a cell at (x, y) of w × h cells, rounded as it rounds
 * (`calcGridItemPosition` without padding; the unit test checks they agree). Written out
 * here because importing it would put that whole module of react-grid-layout in the
 * viewer's bundle.
 */
function cellBox(geometry: GridGeometry, x: number, y: number, w: number, h: number): Omit<PlacedItem, 'i'> {
  const { cols, width, rowHeight, margin } = geometry;
  const colWidth = (width - margin * (cols - 1)) / cols;
  const left = Math.round((colWidth + margin) * x);
  const top = Math.round((rowHeight + margin) * y);
  // Each edge is rounded on its own, so neighbours keep exactly one margin between them.
  const right = Math.round((colWidth + margin) * (x + w)) - margin;
  const bottom = Math.round((rowHeight + margin) * (y + h)) - margin;
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Where react-grid-layout puts `items` on a grid of `geometry` (no container padding), in px,
 * and the grid's height. The items are compacted by the model's rule first: a no-op for the
 * model's own layouts (always compacted), and for a remote drag preview (`priority`, the
 * widget being dragged) it pushes the others aside as the drop will. Items keep their order.
 */
export function placeItems(items: readonly LayoutItem[], geometry: GridGeometry, priority?: string): { items: PlacedItem[]; height: number } {
  const compacted = compactLayouts(Object.fromEntries(items.map(({ i, x, y, w, h }) => [i, { x, y, w, h }])), geometry.cols, priority);
  let rows = 0;
  const placed = items.map(({ i }) => {
    const { x, y, w, h } = compacted[i]!;
    rows = Math.max(rows, y + h);
    return { i, ...cellBox(geometry, x, y, w, h) };
  });
  // react-grid-layout's container height: the rows and the gaps between them.
  return { items: placed, height: Math.max(0, rows * geometry.rowHeight + (rows - 1) * geometry.margin) };
}

/** What a key does to a widget in edit mode: a move or a resize by one cell, or nothing. */
export type KeyEdit = { kind: 'move'; x: number; y: number } | { kind: 'resize'; w: number; h: number } | null;

const KEY_DELTAS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * The edit for an arrow key on a focused widget: arrows move it one cell, Shift+arrows
 * resize it, both kept inside the grid. Null when the key does nothing here.
 */
export function keyEdit(key: string, shift: boolean, layout: ModelLayout, columns: number): KeyEdit {
  const delta = KEY_DELTAS[key];
  if (!delta) return null;
  const [dx, dy] = delta;
  if (shift) {
    const w = Math.min(Math.max(1, layout.w + dx), columns - layout.x);
    const h = Math.max(1, layout.h + dy);
    return w === layout.w && h === layout.h ? null : { kind: 'resize', w, h };
  }
  const x = Math.min(Math.max(0, layout.x + dx), columns - layout.w);
  const y = Math.max(0, layout.y + dy);
  return x === layout.x && y === layout.y ? null : { kind: 'move', x, y };
}
