import { describe, expect, it } from 'vitest';
import { fitToScreen, KIOSK_MIN_ROW_HEIGHT_PX } from './fit-to-screen';

const MARGIN = 14;

describe('fitToScreen', () => {
  it.each([
    [1366, 768],
    [1920, 1080],
    [3840, 2160],
    [1080, 1920],
  ])('fills a %i×%i screen exactly, without overflow', (width, height) => {
    for (const rows of [1, 4, 9]) {
      const fit = fitToScreen(rows, { width, height }, MARGIN);
      expect(fit.canvasWidth * fit.scale).toBeLessThanOrEqual(width + 0.01);
      expect(fit.canvasHeight * fit.scale).toBeLessThanOrEqual(height + 0.01);
      // Filled: one side touches the screen edge and the other is within a row's rounding.
      expect(Math.max(fit.canvasWidth * fit.scale - width, fit.canvasHeight * fit.scale - height)).toBeGreaterThan(-1.5 * fit.scale * rows);
    }
  });

  it('scales text up on a 4K screen and keeps the grid proportions', () => {
    const hd = fitToScreen(4, { width: 1920, height: 1080 }, MARGIN);
    const uhd = fitToScreen(4, { width: 3840, height: 2160 }, MARGIN);
    expect(uhd.scale).toBeCloseTo(hd.scale * 2, 5);
    expect(uhd.rowHeight).toBeCloseTo(hd.rowHeight, 1);
  });

  it('shrinks a grid with more rows than fit instead of scrolling', () => {
    const fit = fitToScreen(40, { width: 1366, height: 768 }, MARGIN);
    expect(fit.rowHeight).toBe(KIOSK_MIN_ROW_HEIGHT_PX);
    expect(fit.canvasHeight * fit.scale).toBeLessThanOrEqual(768 + 0.01);
    expect(fit.canvasWidth * fit.scale).toBeLessThan(1366);
  });
});
