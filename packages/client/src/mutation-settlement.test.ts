import { describe, expect, it } from 'vitest';
import type { Position } from '@pulseboard/protocol';
import { MutationQueue } from './mutation-queue.js';
import { MutationSettlement, type SettlementTarget } from './mutation-settlement.js';
import { ClientNotices } from './notice-log.js';
import { MemoryOfflineStore } from './offline-store.js';

/** A queue with `n` sent edits of dashboard `ops`, a settlement over it, and one held dashboard's target. */
async function setup(n = 2) {
  const queue = new MutationQueue({ store: new MemoryOfflineStore(), storeKey: 'k', clientId: 'client-0001' });
  await queue.load(true);
  const sent: number[] = [];
  for (let i = 0; i < n; i++) queue.enqueue('ops', 'updateWidget', { id: `w${i}`, set: { title: 'T' } });
  await queue.persist();
  queue.setSender((entry) => (sent.push(entry.mutationId), true));
  const notices = new ClientNotices({ max: 50, now: () => 0 });
  const settlement = new MutationSettlement({ queue, notices });
  const told: Array<{ kind: string; mutationId: number; code?: string }> = [];
  const target: SettlementTarget & { position: Position | null } = {
    position: { epoch: 'e1', offset: 10 },
    refused: (entry, status, error) => told.push({ kind: status, mutationId: entry.mutationId, ...(error ? { code: error.code } : {}) }),
    conflicted: (entry) => told.push({ kind: 'conflict', mutationId: entry.mutationId }),
  };
  return { queue, settlement, target, told, sent, notices };
}

const ids = (queue: MutationQueue) => queue.entries.map((e) => e.mutationId);

describe('MutationSettlement', () => {
  it('rolls a refused edit back with the server\'s reason, and a result no longer kept silently', async () => {
    const { queue, settlement, target, told } = await setup(2);
    const held = settlement.attach('ops', target);
    held.settle({ dashboardId: 'ops', mutationId: 1, status: 'rejected', error: { code: 'widget_not_found', message: 'no widget "a"' } });
    held.settle({ dashboardId: 'ops', mutationId: 2, status: 'superseded', error: { code: 'result_expired', message: 'gone' } });
    expect(told).toEqual([{ kind: 'rejected', mutationId: 1, code: 'widget_not_found' }]);
    expect(ids(queue)).toEqual([]);
  });

  it('drops an applied edit whose event the confirmed state holds, and keeps one whose event is still to come', async () => {
    const { queue, settlement, target } = await setup(2);
    const held = settlement.attach('ops', target);
    held.settle({ dashboardId: 'ops', mutationId: 1, status: 'applied', offset: 10 });
    held.settle({ dashboardId: 'ops', mutationId: 2, status: 'applied', offset: 11 });
    expect(ids(queue)).toEqual([2]);
    expect(queue.get(2)).toMatchObject({ processed: true, ackOffset: 11 });
    // Its event arrives: it is confirmed.
    held.ownEvent(2);
    expect(ids(queue)).toEqual([]);
  });

  it('reports a conflict once it is applied, and leaves the out_of_order answer to the renumbering', async () => {
    const { queue, settlement, target, told } = await setup(2);
    const held = settlement.attach('ops', target);
    held.settle({ dashboardId: 'ops', mutationId: 1, status: 'conflict', offset: 11, conflicts: [{ field: 'title', expected: 'x', actual: 'y' }] });
    held.settle({ dashboardId: 'ops', mutationId: 2, status: 'rejected', error: { code: 'out_of_order', message: 'expected 1' } });
    expect(told).toEqual([{ kind: 'conflict', mutationId: 1 }]);
    expect(ids(queue)).toEqual([1, 2]);
  });

  it('confirms an applied edit once a snapshot holds its event, but keeps one whose result is unknown until the server says', async () => {
    const { queue, settlement, target, told } = await setup(3);
    const held = settlement.attach('ops', target);
    settlement.welcome(2);
    held.settle({ dashboardId: 'ops', mutationId: 2, status: 'applied', offset: 12 });
    held.replaced(11);
    expect(ids(queue)).toEqual([1, 2, 3]);
    held.replaced(12);
    // A snapshot cannot tell whether mutation 1 was applied or refused: it waits for the stored result.
    expect(ids(queue)).toEqual([1, 3]);
    held.settle({ dashboardId: 'ops', mutationId: 1, status: 'rejected', error: { code: 'widget_not_found', message: 'no widget "w0"' } });
    expect(told).toEqual([{ kind: 'rejected', mutationId: 1, code: 'widget_not_found' }]);
  });

  it('asks on each new connection for the stored result of every processed edit whose result is unknown, before sending the rest', async () => {
    const { queue, settlement, sent } = await setup(3);
    sent.length = 0;
    settlement.welcome(2);
    queue.flush();
    expect(sent).toEqual([1, 2, 3]);
    settlement.received({ dashboardId: 'ops', mutationId: 2, status: 'applied', offset: 5 }, null);
    // The next connection asks only for the one still unknown, and sends the one not processed.
    sent.length = 0;
    settlement.welcome(2);
    queue.flush();
    expect(sent).toEqual([1, 3]);
  });

  it('tells the app through the client when an edit of a dashboard nobody holds was refused', async () => {
    const { queue, settlement, notices } = await setup(2);
    settlement.welcome(2);
    settlement.received({ dashboardId: 'ops', mutationId: 1, status: 'rejected', error: { code: 'widget_not_found', message: 'no widget "w0"' } }, null);
    settlement.received({ dashboardId: 'ops', mutationId: 2, status: 'applied', offset: 4 }, null);
    expect(ids(queue)).toEqual([]);
    expect(notices.getSnapshot()).toMatchObject([{ kind: 'rejected', dashboardId: 'ops', error: { code: 'widget_not_found' }, mutation: { mutationId: 1, name: 'updateWidget' } }]);
    notices.dismiss(notices.getSnapshot()[0]!.id);
    expect(notices.getSnapshot()).toEqual([]);
  });

  it('renumbers from the `details.expected` of an HTTP out_of_order result, once per burst', async () => {
    const { queue, settlement } = await setup(3);
    queue.remove(1);
    // The message says something else: only details count.
    const outOfOrder = { mutationId: 2, status: 'rejected' as const, error: { code: 'out_of_order', message: 'expected 7', details: { expected: 1 } } };
    settlement.httpResults('ops', [outOfOrder], 0);
    expect(ids(queue)).toEqual([1, 2]);
    // More out_of_order answers of the same burst change nothing; after an ack, the same id is a new case.
    queue.remove(1);
    settlement.outOfOrder(1);
    expect(ids(queue)).toEqual([2]);
    settlement.received({ dashboardId: 'other', mutationId: 9, status: 'applied' }, null);
    settlement.outOfOrder(1);
    expect(ids(queue)).toEqual([1]);
  });

  it('settles results of a dashboard nobody holds against the queue alone', async () => {
    const { queue, settlement, target } = await setup(2);
    const held = settlement.attach('ops', target);
    held.detach();
    const delivered: number[] = [];
    settlement.received({ dashboardId: 'ops', mutationId: 1, status: 'applied', offset: 3 }, (ack) => delivered.push(ack.mutationId));
    expect(delivered).toEqual([]);
    expect(ids(queue)).toEqual([2]);
  });
});
