import { describe, expect, it } from 'vitest';
import { createDashboard, type Dashboard } from '@pulseboard/model';
import type { SyncNotice } from '@pulseboard/client';
import { restoreEditOf } from './notice-restore';

const board: Dashboard = {
  ...createDashboard({ id: 'ops', title: 'Ops', now: '2026-01-01T00:00:00Z' }),
  widgets: { cpu: { id: 'cpu', type: 'stat', title: 'Theirs', layout: { x: 0, y: 0, w: 3, h: 2 }, options: { unit: 's' } } },
};
const me = { clientId: 'me', mutationId: 3 };

function overwritten(partial: Partial<SyncNotice>): SyncNotice {
  return { id: 'n', kind: 'overwritten', dashboardId: 'ops', message: '', fields: [], at: 0, by: { clientId: 'c2', name: 'Ada' }, ...partial };
}

describe('restoreEditOf', () => {
  it('puts my overwritten widget values back, expecting the values that replaced them', () => {
    const notice = overwritten({
      fields: ['w:cpu:title', 'w:cpu:options.unit'],
      conflicts: [
        { field: 'title', expected: 'Old', actual: 'Mine', by: me },
        { field: 'options.unit', expected: 'ms', actual: '%', by: me },
      ],
    });
    expect(restoreEditOf(notice, board)).toEqual({
      target: 'widget',
      id: 'cpu',
      set: { title: 'Mine', options: { unit: '%' } },
      expect: { title: 'Theirs', 'options.unit': 's' },
    });
  });

  it('restores a dashboard title', () => {
    const notice = overwritten({ fields: ['meta:title'], conflicts: [{ field: 'title', expected: 'Ops 0', actual: 'Ops mine', by: me }] });
    expect(restoreEditOf(notice, board)).toEqual({ target: 'meta', set: { title: 'Ops mine' }, expect: { title: 'Ops' } });
  });

  it('has nothing to restore for a pending edit, a layout, a deleted widget or a notice without values', () => {
    const title = { field: 'title', expected: 'Old', actual: 'Mine', by: me };
    expect(restoreEditOf(overwritten({ fields: ['w:cpu:title'], conflicts: [title], mutation: { mutationId: 1, name: 'updateWidget', args: {} } }), board)).toBeNull();
    expect(restoreEditOf(overwritten({ fields: ['w:cpu:layout'], conflicts: [{ field: 'layout', expected: null, actual: { x: 1 }, by: me }] }), board)).toBeNull();
    expect(restoreEditOf(overwritten({ fields: ['w:gone:title'], conflicts: [title] }), board)).toBeNull();
    expect(restoreEditOf(overwritten({ fields: ['w:cpu:title'] }), board)).toBeNull();
  });
});
