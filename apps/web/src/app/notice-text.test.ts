import { describe, expect, it } from 'vitest';
import { createDashboard, type Dashboard } from '@pulseboard/model';
import type { SyncNotice } from '@pulseboard/client';
import { isSelfConflict, visibleNotices } from './notice-filter';
import { describeMutation, describeNotice, fieldWord } from './notice-text';

const board: Dashboard = {
  ...createDashboard({ id: 'ops', title: 'Ops', now: '2026-01-01T00:00:00Z' }),
  widgets: { cpu: { id: 'cpu', type: 'stat', title: 'CPU', layout: { x: 0, y: 0, w: 3, h: 2 }, options: {} } },
};

function notice(partial: Partial<SyncNotice>): SyncNotice {
  return { id: 'n1', kind: 'rejected', dashboardId: 'ops', message: '', fields: [], at: 0, ...partial };
}

describe('describeMutation', () => {
  it('names the edit and the widget', () => {
    expect(describeMutation('moveWidget', { id: 'cpu', x: 1, y: 0 }, board)).toBe('moving “CPU”');
    expect(describeMutation('resizeWidget', { id: 'cpu', w: 1, h: 1 }, board)).toBe('resizing “CPU”');
    expect(describeMutation('updateWidget', { id: 'cpu', set: { title: 'x', options: { unit: '%' } } }, board)).toBe('changing the title and unit of “CPU”');
    expect(describeMutation('addWidget', { widget: { id: 'n', type: 'gauge', title: 'Disk' } }, board)).toBe('adding “Disk”');
    expect(describeMutation('setDashboardMeta', { set: { title: 'New' } }, board)).toBe('renaming the dashboard');
  });
});

describe('fieldWord', () => {
  it('turns field keys into words', () => {
    expect(fieldWord('w:cpu:options.unit')).toBe('unit');
    expect(fieldWord('w:cpu:layout')).toBe('position');
    expect(fieldWord('meta:title')).toBe('title');
  });
});

describe('describeNotice', () => {
  it('says what was reverted and why, with retry', () => {
    const text = describeNotice(notice({ kind: 'rejected', mutation: { mutationId: 3, name: 'moveWidget', args: { id: 'cpu', x: 40, y: 0 } }, error: { code: 'internal', message: 'storage failed' } }), board);
    expect(text.title).toBe('Edit reverted');
    expect(text.message).toBe('Moving “CPU” was rejected by the server and undone: storage failed');
    expect(text.canRetry).toBe(true);
  });

  it('says who overwrote which field', () => {
    const text = describeNotice(
      notice({ kind: 'overwritten', by: { clientId: 'c2', name: 'Ada' }, fields: ['w:cpu:title'], mutation: { mutationId: 4, name: 'updateWidget', args: { id: 'cpu', set: { title: 'Mine' } } } }),
      board,
    );
    expect(text.message).toBe('Ada changed the title of “CPU” after you, so changing the title of “CPU” was overwritten.');
    expect(text.canRetry).toBe(true);
  });

  it('names the other writer of a conflict from the conflicts when `by` is missing', () => {
    const text = describeNotice(notice({ kind: 'conflict', fields: ['w:cpu:options.unit'], conflicts: [{ field: 'options.unit', expected: 'ms', actual: 's', by: { clientId: 'c3', mutationId: 1, name: 'Grace' } }] }), board);
    expect(text.message).toBe('Grace had just changed the unit of “CPU” to “s”; your change replaced theirs.');
    expect(text.canRetry).toBe(false);
  });

  it('quotes the overwritten value and offers to restore it when no edit of mine is pending', () => {
    const text = describeNotice(
      notice({ kind: 'overwritten', by: { clientId: 'c2', name: 'Ada' }, fields: ['w:cpu:title'], conflicts: [{ field: 'title', expected: 'Old', actual: 'Mine', by: { clientId: 'me', mutationId: 2 } }] }),
      board,
    );
    expect(text.message).toBe('Ada changed the title after you, so your edit (“Mine”) was overwritten.');
    expect(text.canRetry).toBe(true);
  });

  it('does not offer retry of an edit to a widget that was deleted since', () => {
    const mutation = { mutationId: 4, name: 'updateWidget', args: { id: 'gone', set: { title: 'Mine' } } };
    const text = describeNotice(notice({ kind: 'overwritten', by: { clientId: 'c2', name: 'Ada' }, fields: ['w:gone:title'], mutation }), board);
    expect(text.canRetry).toBe(false);
  });

  it('does not offer retry for an edit the server refused as invalid', () => {
    const text = describeNotice(notice({ kind: 'rejected', mutation: { mutationId: 1, name: 'moveWidget', args: {} }, error: { code: 'bad_request', message: 'x: too big' } }), board);
    expect(text.canRetry).toBe(false);
  });
});

describe('isSelfConflict', () => {
  it('hides conflicts with this client’s own earlier edits, not with anyone else’s', () => {
    const mine = { clientId: 'me', mutationId: 1 };
    expect(isSelfConflict(notice({ kind: 'conflict', conflicts: [{ field: 'title', expected: 'a', actual: 'ab', by: mine }] }), 'me')).toBe(true);
    expect(isSelfConflict(notice({ kind: 'conflict', conflicts: [{ field: 'title', expected: 'a', actual: 'x', by: { clientId: 'other', mutationId: 1 } }] }), 'me')).toBe(false);
    expect(isSelfConflict(notice({ kind: 'rejected', by: { clientId: 'me' } }), 'me')).toBe(false);
    expect(isSelfConflict(notice({ kind: 'conflict' }), 'me')).toBe(false);
  });
});

describe('visibleNotices', () => {
  it('drops an "overwritten" notice once the same edit ended as a conflict that it won', () => {
    const mutation = { mutationId: 7, name: 'updateWidget', args: { id: 'cpu', set: { title: 'A' } } };
    const other = { clientId: 'other', mutationId: 2, name: 'Ada' };
    const overwritten = notice({ id: 'o', kind: 'overwritten', by: other, fields: ['w:cpu:title'], mutation });
    const conflict = notice({ id: 'c', kind: 'conflict', by: other, fields: ['title'], mutation, conflicts: [{ field: 'title', expected: 'x', actual: 'B', by: other }] });
    expect(visibleNotices([overwritten], 'me').map((n) => n.id)).toEqual(['o']);
    expect(visibleNotices([overwritten, conflict], 'me').map((n) => n.id)).toEqual(['c']);
    expect(describeNotice(conflict, board).message).toBe('Ada had just changed the title to “B”; your change replaced theirs.');
  });
});
