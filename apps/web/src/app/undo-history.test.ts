import { describe, expect, it } from 'vitest';
import { UNDO_COALESCE_MS, UndoHistory, type UndoStorage } from './undo-history';

function memoryStorage(): UndoStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

const rename = (from: string, to: string, at: number) => ({
  label: `renamed “${from}” to “${to}”`,
  revert: { name: 'updateWidget' as const, args: { id: 'cpu', set: { title: from }, expect: { title: to }, ifUnchanged: true } },
  key: 'updateWidget:cpu:title',
  at,
});

describe('UndoHistory', () => {
  it('keeps its stacks across a reload (same client and dashboard)', () => {
    const storage = memoryStorage();
    const first = new UndoHistory('client-1', 'ops', storage);
    first.record(rename('A', 'B', 0));
    const reloaded = new UndoHistory('client-1', 'ops', storage);
    expect(reloaded.nextUndo?.label).toBe('renamed “A” to “B”');
    expect(new UndoHistory('client-2', 'ops', storage).nextUndo).toBeUndefined();
  });

  it('coalesces typing into one field into one step that reverts to the first value', () => {
    const history = new UndoHistory('client-1', 'ops', memoryStorage());
    history.record(rename('A', 'AB', 0));
    history.record(rename('AB', 'ABC', UNDO_COALESCE_MS - 1));
    const step = history.popUndo();
    expect(step?.revert.args).toEqual({ id: 'cpu', set: { title: 'A' }, expect: { title: 'ABC' }, ifUnchanged: true });
    expect(history.nextUndo).toBeUndefined();
    history.record(rename('A', 'B', 0));
    history.record(rename('B', 'C', UNDO_COALESCE_MS + 1));
    expect(history.popUndo()?.revert.args).toMatchObject({ set: { title: 'B' } });
  });

  it('clears the redo stack on a new edit, and keeps it across undo/redo', () => {
    const history = new UndoHistory('client-1', 'ops', memoryStorage());
    history.record(rename('A', 'B', 0));
    const step = history.popUndo()!;
    history.pushRedo(step);
    expect(history.nextRedo?.label).toBe(step.label);
    history.record(rename('X', 'Y', 10_000));
    expect(history.nextRedo).toBeUndefined();
  });

  it('starts empty from a corrupt stored entry', () => {
    const storage = memoryStorage();
    storage.data.set('pulseboard.undo.v1:client-1:ops', '{not json');
    expect(new UndoHistory('client-1', 'ops', storage).nextUndo).toBeUndefined();
  });
});
