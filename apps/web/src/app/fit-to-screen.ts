/**
 * Fit-to-screen for the wallboard: the whole grid is laid out on a canvas of a fixed design
 * width whose shape matches the viewport, rows stretched to fill its height, and the canvas
 * is scaled to the viewport. Text scales with it, and nothing ever scrolls. Pure, so it is
 * unit-tested without a DOM.
 */

/** Width of the canvas the grid is laid out on before scaling (px at scale 1). */
export const KIOSK_DESIGN_WIDTH_PX = 1440;
/** Space around the grid on the canvas (design px). */
export const KIOSK_PADDING_PX = 12;
/** Rows are never shorter than this (design px): more rows than fit make the canvas taller, and it is scaled down. */
export const KIOSK_MIN_ROW_HEIGHT_PX = 36;

/** Where the grid goes: canvas size (design px), row height, and the scale to the viewport. */
export interface KioskFit {
  canvasWidth: number;
  canvasHeight: number;
  gridWidth: number;
  rowHeight: number;
  scale: number;
}

/** The fit of a grid with `rows` rows (gaps of `marginPx`) to a viewport. */
export function fitToScreen(rows: number, viewport: { width: number; height: number }, marginPx: number): KioskFit {
  const width = Math.max(1, viewport.width);
  const height = Math.max(1, viewport.height);
  const n = Math.max(1, rows);
  const canvasWidth = KIOSK_DESIGN_WIDTH_PX;
  const gridWidth = canvasWidth - 2 * KIOSK_PADDING_PX;
  const available = (canvasWidth * height) / width - 2 * KIOSK_PADDING_PX;
  const rowHeight = Math.max(KIOSK_MIN_ROW_HEIGHT_PX, (available - (n - 1) * marginPx) / n);
  const gridHeight = n * rowHeight + (n - 1) * marginPx;
  const canvasHeight = gridHeight + 2 * KIOSK_PADDING_PX;
  // Scale by width, unless the rows needed more height than the viewport's shape gives.
  const scale = Math.min(width / canvasWidth, height / canvasHeight);
  return { canvasWidth, canvasHeight, gridWidth, rowHeight: Math.floor(rowHeight * 100) / 100, scale };
}
