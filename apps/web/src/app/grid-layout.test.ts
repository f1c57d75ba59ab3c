import { describe, expect, it } from 'vitest';
import type { Widget } from '@pulseboard/model';
import { gridItems, keyEdit } from './grid-layout';

const w = (id: string, x: number, y: number, wd = 3, h = 2): Widget => ({ id, type: 'stat', title: id, layout: { x, y, w: wd, h }, options: {} });
const widgets = { b: w('b', 3, 0), a: w('a', 0, 0), c: w('c', 0, 2, 6, 3) };

describe('gridItems', () => {
  it('uses the model layout on a wide screen, in reading order', () => {
    expect(gridItems(widgets, { stacked: false })).toEqual([
      { i: 'a', x: 0, y: 0, w: 3, h: 2, minW: 1, minH: 1 },
      { i: 'b', x: 3, y: 0, w: 3, h: 2, minW: 1, minH: 1 },
      { i: 'c', x: 0, y: 2, w: 6, h: 3, minW: 1, minH: 1 },
    ]);
  });

  it('stacks widgets in one read-only column on a narrow screen, keeping heights', () => {
    expect(gridItems(widgets, { stacked: true })).toEqual([
      { i: 'a', x: 0, y: 0, w: 1, h: 2, static: true },
      { i: 'b', x: 0, y: 2, w: 1, h: 2, static: true },
      { i: 'c', x: 0, y: 4, w: 1, h: 3, static: true },
    ]);
  });

  it('applies another viewer’s drag preview over the model layout', () => {
    const items = gridItems(widgets, { stacked: false, overrides: { b: { x: 6, y: 0, w: 3, h: 2 } } });
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
