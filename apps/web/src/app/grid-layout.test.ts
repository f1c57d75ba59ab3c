import { describe, expect, it } from 'vitest';
import type { Layout } from '@pulseboard/model';
import { gridItems } from './grid-layout';

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
