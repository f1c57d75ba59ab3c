import { Fragment, useMemo, type CSSProperties, type ReactNode } from 'react';
import type { LayoutItem } from 'react-grid-layout';
import { placeItems, type GridGeometry } from './grid-layout';

/** Props of the static grid. */
export interface StaticGridProps {
  /** The items, as react-grid-layout would take them (see gridItems). */
  layout: readonly LayoutItem[];
  geometry: GridGeometry;
  /** The widget another viewer is dragging, kept where it is shown while the others make room. */
  priority?: string | undefined;
  /** One cell per item: its element, given the style that places it (spread it into the cell's `style`). */
  renderItem: (item: LayoutItem, style: CSSProperties) => ReactNode;
}

/**
 * The dashboard grid for whoever never drags (viewers, wallboards): the same boxes as the
 * react-grid-layout grid (placeItems), absolutely positioned, without its code. Cells move
 * with the same transition when the layout changes (an edit, another viewer's drag preview).
 */
export function StaticGrid({ layout, geometry, priority, renderItem }: StaticGridProps) {
  const { cols, width, rowHeight, margin } = geometry;
  const placed = useMemo(() => placeItems(layout, { cols, width, rowHeight, margin }, priority), [layout, cols, width, rowHeight, margin, priority]);
  return (
    <div className="pb-static-grid" style={{ height: placed.height }}>
      {placed.items.map((p, index) => (
        // placeItems keeps the order: layout[index] is this item as given.
        <Fragment key={p.i}>{renderItem(layout[index]!, { position: 'absolute', transform: `translate(${p.left}px,${p.top}px)`, width: p.width, height: p.height })}</Fragment>
      ))}
    </div>
  );
}
