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

/** True when an item's position (x, y) or size (w, h) differs from a model layout. */
export function movedFrom(item: Pick<LayoutItem, 'x' | 'y'>, layout: ModelLayout): boolean {
  return item.x !== layout.x || item.y !== layout.y;
}

/** True when an item's size differs from a model layout. */
export function resizedFrom(item: Pick<LayoutItem, 'w' | 'h'>, layout: ModelLayout): boolean {
  return item.w !== layout.w || item.h !== layout.h;
}
