import { Fragment, useEffect, useMemo, useState, type CSSProperties, type ReactNode } from 'react';
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
  const first = useFirstPaintCells(placed.items);
  return (
    <div className="pb-static-grid" style={{ height: placed.height }}>
      {placed.items.map((p, index) =>
        // placeItems keeps the order: layout[index] is this item as given.
        first === null || first.has(p.i) ? (
          <Fragment key={p.i}>{renderItem(layout[index]!, { position: 'absolute', transform: `translate(${p.left}px,${p.top}px)`, width: p.width, height: p.height })}</Fragment>
        ) : null,
      )}
    </div>
  );
}

/** How many cells the grid's first render mounts, top first: the rest come after that frame is painted. */
const FIRST_PAINT_CELLS = 12;
/** When the rest come if no frame is painted first (a hidden page). */
const HIDDEN_PAGE_WAIT_MS = 200;

/**
 * The cells of the grid's first render (the top `FIRST_PAINT_CELLS` in reading order), or null
 * once every cell may render: a large board's first frame shows its top values without waiting
 * for every widget's first render (~4 ms each on a cold page).
 */
function useFirstPaintCells(items: ReadonlyArray<{ i: string; top: number; left: number }>): ReadonlySet<string> | null {
  const [first] = useState(() =>
    items.length <= FIRST_PAINT_CELLS ? null : new Set([...items].sort((a, b) => a.top - b.top || a.left - b.left).slice(0, FIRST_PAINT_CELLS).map((p) => p.i)),
  );
  const [rest, setRest] = useState(first === null);
  useEffect(() => {
    if (rest) return;
    const showAll = () => setRest(true);
    // A hidden page's frames wait until it is shown: it gets every cell after a moment instead.
    let timer = setTimeout(showAll, HIDDEN_PAGE_WAIT_MS);
    // After the frame that shows the first cells: a task queued from its animation frame callback.
    const frame =
      typeof requestAnimationFrame === 'function'
        ? requestAnimationFrame(() => {
            clearTimeout(timer);
            timer = setTimeout(showAll, 0);
          })
        : null;
    return () => {
      if (frame !== null) cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [rest]);
  return rest ? null : first;
}
