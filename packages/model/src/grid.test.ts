import { describe, expect, it } from 'vitest';
import { clampLayout, compact, findFreeSlot, isValidLayout, overlaps } from './grid.js';
import type { Widget } from './schema.js';

function widget(id: string, x: number, y: number, w: number, h: number): Widget {
  return { id, type: 'stat', title: id, layout: { x, y, w, h }, options: {} };
}

describe('grid', () => {
  it('detects overlap only when rectangles share a cell', () => {
    expect(overlaps({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 1, w: 2, h: 2 })).toBe(true);
    expect(overlaps({ x: 0, y: 0, w: 2, h: 2 }, { x: 2, y: 0, w: 2, h: 2 })).toBe(false);
    expect(overlaps({ x: 0, y: 0, w: 2, h: 2 }, { x: 0, y: 2, w: 2, h: 2 })).toBe(false);
  });

  it('clamps a layout into the grid, narrowing before shifting', () => {
    expect(clampLayout({ x: 10, y: 0, w: 4, h: 2 }, 12)).toEqual({ x: 8, y: 0, w: 4, h: 2 });
    expect(clampLayout({ x: 3, y: 0, w: 20, h: 2 }, 12)).toEqual({ x: 0, y: 0, w: 12, h: 2 });
  });

  it('floats widgets up and removes gaps', () => {
    const out = compact({ a: widget('a', 0, 5, 4, 2), b: widget('b', 0, 9, 4, 2) }, 12);
    expect(out.a?.layout.y).toBe(0);
    expect(out.b?.layout.y).toBe(2);
  });

  it('gives the moved widget the place it was dropped on and pushes the other below it', () => {
    // b sits under a; a is dropped below b: they swap.
    const out = compact({ a: widget('a', 0, 6, 4, 2), b: widget('b', 0, 2, 4, 4) }, 12, 'a');
    expect(out.b?.layout.y).toBe(0);
    expect(out.a?.layout.y).toBe(4);
    const up = compact({ a: widget('a', 0, 0, 4, 2), b: widget('b', 0, 0, 4, 2) }, 12, 'b');
    expect(up.b?.layout.y).toBe(0);
    expect(up.a?.layout.y).toBe(2);
    expect(isValidLayout(up, 12)).toBe(true);
  });

  it('finds the first free slot, top-left first', () => {
    const widgets = { a: widget('a', 0, 0, 6, 2) };
    expect(findFreeSlot(widgets, 12, 6, 2)).toEqual({ x: 6, y: 0, w: 6, h: 2 });
    expect(findFreeSlot({ ...widgets, b: widget('b', 6, 0, 6, 2) }, 12, 4, 2)).toEqual({ x: 0, y: 2, w: 4, h: 2 });
  });

  it('reports overlapping or out-of-grid layouts as invalid', () => {
    expect(isValidLayout({ a: widget('a', 0, 0, 4, 2), b: widget('b', 2, 1, 4, 2) }, 12)).toBe(false);
    expect(isValidLayout({ a: widget('a', 10, 0, 4, 2) }, 12)).toBe(false);
    expect(isValidLayout({ a: widget('a', 8, 0, 4, 2) }, 12)).toBe(true);
  });
});
