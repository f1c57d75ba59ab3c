/**
 * Turns a breakpoint's layout (the model's `layoutsFor`) into react-grid-layout items, with
 * other viewers' live drag previews applied on top. Pure, so it is unit-tested without a DOM.
 */
import type { Layout as ModelLayout } from '@pulseboard/model';
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
