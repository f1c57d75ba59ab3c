/**
 * Turns a dashboard's widgets into react-grid-layout items: the model's layout as is on
 * a wide screen, one stacked column on a narrow one, and other viewers' live drag
 * previews applied on top. Pure, so it is unit-tested without a DOM.
 */
import type { Layout as ModelLayout, Widget } from '@pulseboard/model';
import type { LayoutItem } from 'react-grid-layout';

/** Below this container width the grid stacks widgets in one column (read-only). */
export const STACK_BELOW_PX = 720;
/** Height of one grid row in pixels. */
export const ROW_HEIGHT_PX = 84;
/** Gap between widgets in pixels. */
export const GRID_MARGIN_PX = 14;

/** Model order: top to bottom, then left to right, then id. */
function byPosition(a: Widget, b: Widget): number {
  return a.layout.y - b.layout.y || a.layout.x - b.layout.x || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The grid items for `widgets`. `overrides` (widget id → layout) replace a widget's
 * layout, for remote drag previews. `stacked` puts every widget in one column.
 */
export function gridItems(widgets: Record<string, Widget>, options: { stacked: boolean; overrides?: Readonly<Record<string, ModelLayout>> }): LayoutItem[] {
  const list = Object.values(widgets).sort(byPosition);
  if (options.stacked) {
    let y = 0;
    return list.map((w) => {
      const item: LayoutItem = { i: w.id, x: 0, y, w: 1, h: w.layout.h, static: true };
      y += w.layout.h;
      return item;
    });
  }
  return list.map((w) => {
    const l = options.overrides?.[w.id] ?? w.layout;
    return { i: w.id, x: l.x, y: l.y, w: l.w, h: l.h, minW: 1, minH: 1 };
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
