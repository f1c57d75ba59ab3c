import { describe, expect, it } from 'vitest';
import { applyMutation, createDashboard, type Dashboard } from '@pulseboard/model';
import type { DashboardEventData } from '@pulseboard/protocol';
import { installMutationRunner } from './mutation-runner.js';
import { RealtimeState, type DashboardEvent } from './realtime-state.js';
import type { PendingMutation } from './types.js';

// The state re-runs the mutators that a client installs (createPulseboardClient does at start).
installMutationRunner(applyMutation);

const ME = 'client-me-0001';
const ALICE = 'client-alice-01';

function baseDoc(): Dashboard {
  let doc = createDashboard({ id: 'ops', title: 'Ops', now: '2026-01-01T00:00:00.000Z' });
  for (const id of ['a', 'b']) {
    doc = applyMutation(doc, 'addWidget', { widget: { id, type: 'stat', title: id.toUpperCase() } }, { clientId: 'seed-client', mutationId: 1 }).doc;
  }
  return { ...doc, version: 2 };
}

function pending(mutationId: number, name: string, args: unknown): PendingMutation {
  return { mutationId, dashboardId: 'ops', name, args, createdAt: 0, state: 'sent' };
}

/** The event the server would broadcast for a mutation run on `doc`. */
function eventFor(doc: Dashboard, offset: number, clientId: string, mutationId: number, name: string, args: unknown, actor?: string): DashboardEvent {
  const outcome = applyMutation(doc, name, args, { clientId, mutationId, ...(actor ? { actor } : {}) });
  const data: DashboardEventData = {
    kind: 'mutation',
    clientId,
    mutationId,
    name,
    args,
    status: outcome.status as 'applied' | 'conflict',
    touched: outcome.touched,
    conflicts: outcome.conflicts,
    ...(actor ? { actor } : {}),
  };
  return { epoch: 'e1', offset, ts: 1_000 + offset, data };
}

function setup() {
  const state = new RealtimeState({ dashboardId: 'ops', clientId: () => ME, now: () => 5 });
  state.reset(baseDoc(), { epoch: 'e1', offset: 2 });
  return state;
}

describe('RealtimeState', () => {
  it('tells me when someone else\'s edit overwrote a value I wrote, and by whom', () => {
    const state = setup();
    state.applyEvent(eventFor(state.confirmed!, 3, ME, 1, 'updateWidget', { id: 'a', set: { title: 'Mine' } }));
    const theirs = eventFor(state.confirmed!, 4, ALICE, 4, 'updateWidget', { id: 'a', set: { title: 'Hers' }, expect: { title: 'A' } }, 'Alice');
    expect(theirs.data).toMatchObject({ status: 'conflict' });
    state.applyEvent(theirs);
    expect(state.notices).toMatchObject([{ kind: 'overwritten', by: { clientId: ALICE, name: 'Alice' }, fields: ['w:a:title'] }]);
    expect(state.confirmed!.widgets.a!.title).toBe('Hers');
  });

  it('applies events by their patch to the same document the mutators give', () => {
    const viaPatch = setup();
    const viaRerun = setup();
    const edits: Array<[string, unknown]> = [
      ['moveWidget', { id: 'b', x: 0, y: 0 }],
      ['updateWidget', { id: 'a', set: { title: 'Renamed', options: { unit: '%' } } }],
      ['removeWidget', { id: 'b' }],
      ['setDashboardMeta', { set: { columns: 6 } }],
    ];
    edits.forEach(([name, args], i) => {
      const event = eventFor(viaRerun.confirmed!, 3 + i, ALICE, 10 + i, name, args);
      const outcome = applyMutation(viaPatch.confirmed!, name, args, { clientId: ALICE, mutationId: 10 + i });
      expect(outcome.patch).toBeDefined();
      viaPatch.applyEvent({ ...event, data: { ...event.data, patch: JSON.parse(JSON.stringify(outcome.patch)) } as DashboardEventData });
      viaRerun.applyEvent(event);
    });
    expect(viaPatch.confirmed).toEqual(viaRerun.confirmed);
    expect(viaPatch.position).toEqual({ epoch: 'e1', offset: 6 });
  });

  it('shows pending mutations on top of the confirmed state, with the model mutators', () => {
    const state = setup();
    state.setPending([pending(1, 'updateWidget', { id: 'a', set: { title: 'Mine' } }), pending(2, 'moveWidget', { id: 'b', x: 6, y: 0 })]);
    expect(state.view!.widgets.a!.title).toBe('Mine');
    expect(state.view!.widgets.b!.layout).toMatchObject({ x: 6, y: 0 });
    expect(state.confirmed!.widgets.a!.title).toBe('A');
  });

  it('rebases pending edits over a confirmed remote event (concurrent edits of different fields both survive)', () => {
    const state = setup();
    state.setPending([pending(1, 'updateWidget', { id: 'a', set: { title: 'Mine' } })]);
    const remote = eventFor(state.confirmed!, 3, ALICE, 9, 'updateWidget', { id: 'a', set: { options: { unit: '%' } } }, 'Alice');
    expect(state.applyEvent(remote)).toEqual({ kind: 'applied', mine: null });
    expect(state.view!.widgets.a).toMatchObject({ title: 'Mine', options: { unit: '%' } });
    expect(state.notices).toHaveLength(0);
  });

  it('reports my own event so the caller drops it, and the view equals the confirmed state', () => {
    const state = setup();
    const args = { id: 'a', set: { title: 'Mine' } };
    state.setPending([pending(1, 'updateWidget', args)]);
    const event = eventFor(state.confirmed!, 3, ME, 1, 'updateWidget', args);
    expect(state.applyEvent(event)).toEqual({ kind: 'applied', mine: 1 });
    state.setPending([]);
    expect(state.view).toEqual(state.confirmed);
    expect(state.confirmed!.version).toBe(3);
    expect(state.confirmed!.updatedAt).toBe(new Date(1_003).toISOString());
  });

  it('drops stale events and reports gaps and epoch changes without applying them', () => {
    const state = setup();
    const event = eventFor(state.confirmed!, 3, ALICE, 1, 'moveWidget', { id: 'a', x: 3, y: 0 });
    expect(state.applyEvent({ ...event, offset: 2 })).toEqual({ kind: 'stale' });
    expect(state.applyEvent({ ...event, offset: 5 })).toEqual({ kind: 'gap' });
    expect(state.applyEvent({ ...event, epoch: 'e2' })).toEqual({ kind: 'epoch' });
    expect(state.position).toEqual({ epoch: 'e1', offset: 2 });
  });

  it('names who overwrote a field that my pending edit also set', () => {
    const state = setup();
    state.setPending([pending(1, 'updateWidget', { id: 'a', set: { title: 'Mine' } })]);
    void state.view;
    state.applyEvent(eventFor(state.confirmed!, 3, ALICE, 4, 'updateWidget', { id: 'a', set: { title: 'Hers' } }, 'Alice'));
    expect(state.notices).toHaveLength(1);
    expect(state.notices[0]).toMatchObject({ kind: 'conflict', by: { clientId: ALICE, name: 'Alice' }, fields: ['w:a:title'], mutation: { mutationId: 1 } });
    // My edit is still pending, so it is still what I see (it will win at the server).
    expect(state.view!.widgets.a!.title).toBe('Mine');
  });

  it('reports a move-versus-delete race, and the view drops the deleted widget', () => {
    const state = setup();
    state.setPending([pending(1, 'moveWidget', { id: 'a', x: 5, y: 3 })]);
    void state.view;
    state.applyEvent(eventFor(state.confirmed!, 3, ALICE, 4, 'removeWidget', { id: 'a' }, 'Alice'));
    expect(state.notices[0]).toMatchObject({ kind: 'overwritten', by: { name: 'Alice' }, fields: ['w:a:layout'] });
    expect(state.view!.widgets.a).toBeUndefined();
  });

  it('turns a conflict result of my own mutation into a notice naming who wrote the expected value', () => {
    const state = setup();
    const afterAlice = eventFor(state.confirmed!, 3, ALICE, 4, 'updateWidget', { id: 'a', set: { title: 'Hers' } }, 'Alice');
    state.applyEvent(afterAlice);
    const mine = eventFor(state.confirmed!, 4, ME, 1, 'updateWidget', { id: 'a', set: { title: 'Mine' }, expect: { title: 'A' } });
    expect(mine.data).toMatchObject({ status: 'conflict' });
    state.applyEvent(mine);
    expect(state.notices[0]).toMatchObject({ kind: 'conflict', by: { clientId: ALICE, name: 'Alice' }, fields: ['title'] });
    expect(state.notices[0]!.message).toContain('Alice');
  });

  it('resets to a replaced document and to null on delete', () => {
    const state = setup();
    const replaced = { ...baseDoc(), title: 'Renamed' };
    state.applyEvent({ epoch: 'e1', offset: 3, ts: 1, data: { kind: 'replace', doc: replaced } });
    expect(state.view!.title).toBe('Renamed');
    state.applyEvent({ epoch: 'e1', offset: 4, ts: 1, data: { kind: 'deleted' } });
    expect(state.view).toBeNull();
    expect(state.notices.at(-1)).toMatchObject({ kind: 'deleted' });
  });

  it('rebases once however many events were applied (lazy view)', () => {
    const state = setup();
    state.setPending([pending(1, 'updateWidget', { id: 'b', set: { title: 'x' } })]);
    const before = state.view;
    let doc = state.confirmed!;
    for (let i = 0; i < 50; i++) {
      const event = eventFor(doc, 3 + i, ALICE, i + 1, 'updateWidget', { id: 'a', set: { options: { n: i } } });
      state.applyEvent(event);
      doc = state.confirmed!;
    }
    const after = state.view;
    expect(after).not.toBe(before);
    expect(state.view).toBe(after);
    expect(after!.widgets.a!.options.n).toBe(49);
  });

  it('shows local previews over the view without touching the confirmed state', () => {
    const state = setup();
    state.setPreview('a', { x: 4, y: 4, w: 2, h: 2 });
    expect(state.view!.widgets.a!.layout).toEqual({ x: 4, y: 4, w: 2, h: 2 });
    expect(state.confirmed!.widgets.a!.layout).not.toEqual({ x: 4, y: 4, w: 2, h: 2 });
    state.setPreview('a', null);
    expect(state.view!.widgets.a!.layout).toEqual(state.confirmed!.widgets.a!.layout);
  });

  it('keeps at most maxNotices notices and lets one be dismissed', () => {
    const state = new RealtimeState({ dashboardId: 'ops', clientId: () => ME, maxNotices: 2 });
    for (let i = 0; i < 3; i++) state.addNotice({ kind: 'rejected', message: String(i), fields: [] });
    expect(state.notices.map((n) => n.message)).toEqual(['1', '2']);
    expect(state.dismissNotice(state.notices[0]!.id)).toBe(true);
    expect(state.notices.map((n) => n.message)).toEqual(['2']);
  });
});
