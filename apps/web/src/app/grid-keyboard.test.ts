import { describe, expect, it } from 'vitest';
import { keyEdit } from './grid-keyboard';

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
