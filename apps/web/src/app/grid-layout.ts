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
