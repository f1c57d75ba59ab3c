import { describe, expect, it } from 'vitest';
import { mergeUnsentEdit, type UnsentEdit } from './merge-unsent-edit.js';

const edit = (mutationId: number, name: string, args: unknown, unsent = true): UnsentEdit => ({ mutationId, dashboardId: 'd', name, args, unsent });

describe('mergeUnsentEdit (outgoing)', () => {
  it('merges consecutive moves of one widget into the last unsent move (a drag commits one mutation)', () => {
    const queue = [edit(1, 'moveWidget', { id: 'a', x: 1, y: 0 })];
    expect(mergeUnsentEdit(queue, { dashboardId: 'd', name: 'moveWidget', args: { id: 'a', x: 4, y: 2 } })).toEqual({ mutationId: 1, args: { id: 'a', x: 4, y: 2 } });
  });

  it('does not merge a move past another layout edit, into a sent edit, or across dashboards', () => {
    expect(mergeUnsentEdit([edit(1, 'moveWidget', { id: 'a', x: 1, y: 0 }), edit(2, 'moveWidget', { id: 'b', x: 1, y: 0 })], { dashboardId: 'd', name: 'moveWidget', args: { id: 'a', x: 2, y: 0 } })).toBeNull();
    expect(mergeUnsentEdit([edit(1, 'moveWidget', { id: 'a', x: 1, y: 0 }, false)], { dashboardId: 'd', name: 'moveWidget', args: { id: 'a', x: 2, y: 0 } })).toBeNull();
    expect(mergeUnsentEdit([edit(1, 'moveWidget', { id: 'a', x: 1, y: 0 })], { dashboardId: 'other', name: 'moveWidget', args: { id: 'a', x: 2, y: 0 } })).toBeNull();
  });

  it('merges field edits of one widget per field (options per key), keeping the first expect', () => {
    const queue = [
      edit(1, 'updateWidget', { id: 'a', set: { title: 'T', options: { unit: '%' } }, expect: { title: 'orig' } }),
      edit(2, 'moveWidget', { id: 'b', x: 0, y: 0 }),
    ];
    const merged = mergeUnsentEdit(queue, { dashboardId: 'd', name: 'updateWidget', args: { id: 'a', set: { title: 'Tit', options: { decimals: 2 } }, expect: { title: 'T' } } });
    expect(merged).toEqual({ mutationId: 1, args: { id: 'a', set: { title: 'Tit', options: { unit: '%', decimals: 2 } }, expect: { title: 'orig' } } });
  });

  it('does not move a column change earlier past a layout edit (compaction makes it order-sensitive), but merges a title', () => {
    const queue = [edit(1, 'setDashboardMeta', { set: { columns: 6 } }), edit(2, 'moveWidget', { id: 'b', x: 0, y: 3 })];
    expect(mergeUnsentEdit(queue, { dashboardId: 'd', name: 'setDashboardMeta', args: { set: { columns: 12 } } })).toBeNull();
    expect(mergeUnsentEdit(queue, { dashboardId: 'd', name: 'setDashboardMeta', args: { set: { title: 'T' } } })).toEqual({ mutationId: 1, args: { set: { columns: 6, title: 'T' } } });
    expect(mergeUnsentEdit([edit(1, 'setDashboardMeta', { set: { columns: 6 } })], { dashboardId: 'd', name: 'setDashboardMeta', args: { set: { columns: 12 } } })).toEqual({ mutationId: 1, args: { set: { columns: 12 } } });
  });

  it('does not merge a field edit past a later edit of the same widget', () => {
    const queue = [edit(1, 'updateWidget', { id: 'a', set: { title: 'T' } }), edit(2, 'removeWidget', { id: 'a' })];
    expect(mergeUnsentEdit(queue, { dashboardId: 'd', name: 'updateWidget', args: { id: 'a', set: { title: 'X' } } })).toBeNull();
  });
});
