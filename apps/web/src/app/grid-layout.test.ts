import { describe, expect, it } from 'vitest';
import type { Layout } from '@pulseboard/model';
import { gridItems, keyEdit } from './grid-layout';

const w = (x: number, y: number, wd = 3, h = 2): Layout => ({ x, y, w: wd, h });
const widgets = { b: w(3, 0), a: w(0, 0), c: w(0, 2, 6, 3) };

describe('gridItems', () => {
  it('uses the breakpoint’s layout, in reading order', () => {
    expect(gridItems(widgets)).toEqual([
      { i: 'a', x: 0, y: 0, w: 3, h: 2, minW: 1, minH: 1 },
      { i: 'b', x: 3, y: 0, w: 3, h: 2, minW: 1, minH: 1 },
      { i: 'c', x: 0, y: 2, w: 6, h: 3, minW: 1, minH: 1 },
    ]);
  });

  it('applies another viewer’s drag preview over the model layout', () => {
    const items = gridItems(widgets, { b: { x: 6, y: 0, w: 3, h: 2 } });
    expect(items.find((i) => i.i === 'b')).toMatchObject({ x: 6, y: 0 });
  });
});

describe('keyEdit', () => {
  const layout = { x: 0, y: 0, w: 3, h: 2 };
  it('moves one cell with arrows and resizes with Shift+arrows, inside the grid', () => {
    expect(keyEdit('ArrowRight', false, layout, 12)).toEqual({ kind: 'move', x: 1, y: 0 });
    expect(keyEdit('ArrowDown', false, layout, 12)).toEqual({ kind: 'move', x: 0, y: 1 });
    expect(keyEdit('ArrowLeft', false, layout, 12)).toBeNull();
    expect(keyEdit('ArrowRight', false, { ...layout, x: 9 }, 12)).toBeNull();
    expect(keyEdit('ArrowRight', true, layout, 12)).toEqual({ kind: 'resize', w: 4, h: 2 });
    expect(keyEdit('ArrowUp', true, { ...layout, h: 1 }, 12)).toBeNull();
    expect(keyEdit('ArrowRight', true, { ...layout, x: 9 }, 12)).toBeNull();
    expect(keyEdit('a', false, layout, 12)).toBeNull();
  });
});
