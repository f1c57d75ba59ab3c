/**
 * Keyboard moves and resizes of a focused widget in edit mode (the editor's chunk: the
 * viewer's grid in grid-layout.ts has no use for them). Pure, so it is unit-tested without a DOM.
 */
import type { Layout as ModelLayout } from '@pulseboard/model';

/** What a key does to a widget in edit mode: a move or a resize by one cell, or nothing. */
export type KeyEdit = { kind: 'move'; x: number; y: number } | { kind: 'resize'; w: number; h: number } | null;

const KEY_DELTAS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * The edit for an arrow key on a focused widget: arrows move it one cell, Shift+arrows
 * resize it, both kept inside the grid. Null when the key does nothing here.
 */
export function keyEdit(key: string, shift: boolean, layout: ModelLayout, columns: number): KeyEdit {
  const delta = KEY_DELTAS[key];
  if (!delta) return null;
  const [dx, dy] = delta;
  if (shift) {
    const w = Math.min(Math.max(1, layout.w + dx), columns - layout.x);
    const h = Math.max(1, layout.h + dy);
    return w === layout.w && h === layout.h ? null : { kind: 'resize', w, h };
  }
  const x = Math.min(Math.max(0, layout.x + dx), columns - layout.w);
  const y = Math.max(0, layout.y + dy);
  return x === layout.x && y === layout.y ? null : { kind: 'move', x, y };
}
