/**
 * Chart draws put off to the start of the next animation frame.
 *
 * A canvas chart that draws text (uPlot's axis labels) makes Blink resolve the canvas's style,
 * and inside a size container (a widget's body is one) that lays the page out first when
 * anything on it changed. Drawn in the commit that also changed other widgets' values, every
 * chart forced a layout of the whole page, and the frame then laid it out again (traced on the
 * 40-widget wallboard: half of its layout time). At the start of the next frame the page is
 * still laid out from the last one: the update processor requests its frame when the next
 * message arrives, after these draws were queued, so they run before it applies anything.
 * The chart shows its data one frame (~16 ms) after the legend's number.
 */
const pending = new Map<object, () => void>();
let frame: number | null = null;

/** Runs `draw` at the start of the next animation frame, instead of any draw still queued under `key`. */
export function drawNextFrame(key: object, draw: () => void): void {
  if (typeof requestAnimationFrame !== 'function') {
    draw();
    return;
  }
  pending.set(key, draw);
  frame ??= requestAnimationFrame(runDraws);
}

/** Drops the draw queued under `key` (its chart is going away). */
export function cancelDraw(key: object): void {
  pending.delete(key);
}

function runDraws(): void {
  frame = null;
  const draws = [...pending.values()];
  pending.clear();
  for (const draw of draws) {
    try {
      draw();
    } catch (error) {
      // One chart that cannot draw must not stop the others.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
