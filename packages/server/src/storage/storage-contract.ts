import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDashboard as newDashboard, type Dashboard } from '@pulseboard/model';
import type { DashboardEventData, StreamSnapshot } from '@pulseboard/protocol';
import { DASHBOARD_LOG_RETAIN, MUTATION_RESULTS_RETAIN } from './storage-rules.js';
import type { MutationInput, SourceRecord, Storage, StreamLimits, TokenRecord } from './storage.js';

/** Builds a fresh, empty storage for one test; it is closed after the test. */
export type StorageFactory = () => Promise<Storage>;

const T0 = Date.UTC(2026, 0, 1);
const WIDE: StreamLimits = { maxPoints: 10_000, maxAgeMs: 365 * 24 * 3_600_000 };

function dashboard(id: string, title = `Dashboard ${id}`): Dashboard {
  return newDashboard({ id, title, now: new Date(T0).toISOString() });
}

function addWidget(clientId: string, mutationId: number, widgetId: string, dashboardId = 'ops'): MutationInput {
  return { clientId, mutationId, dashboardId, name: 'addWidget', args: { widget: { id: widgetId, type: 'stat', title: widgetId } } };
}

function setTitle(clientId: string, mutationId: number, title: string, dashboardId = 'ops'): MutationInput {
  return { clientId, mutationId, dashboardId, name: 'setDashboardMeta', args: { set: { title } } };
}

function token(id: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id,
    name: `token ${id}`,
    hash: `hash-${id}`,
    role: 'scoped',
    scopes: { push: ['cpu.'], view: ['*'] },
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
    kind: 'token',
    label: null,
    createdBy: null,
    lastUsedAt: null,
    ...overrides,
  };
}

function source(id: string, overrides: Partial<SourceRecord> = {}): SourceRecord {
  return {
    id,
    definition: {
      id,
      name: `source ${id}`,
      kind: 'http-json',
      enabled: true,
      url: 'http://127.0.0.1:9/status',
      method: 'GET',
      headers: [{ name: 'Authorization', value: 'Bearer s3cret', secret: true }],
      intervalMs: 5_000,
      timeoutMs: 1_000,
      selectors: [{ stream: `src.${id}`, path: 'a.b' }],
    },
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/**
 * The one behaviour suite every Storage implementation passes (memory, SQLite, later
 * PostgreSQL). Each test gets a fresh storage from `factory`.
 */
export function runStorageContract(name: string, factory: StorageFactory): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await factory();
    });
    afterEach(async () => {
      await storage.close();
    });

    describe('dashboards', () => {
      it('stores a new dashboard at version 0 and returns it by id', async () => {
        const created = await storage.createDashboard({ ...dashboard('ops'), version: 7 });
        expect(created.version).toBe(0);
        expect(await storage.getDashboard('ops')).toEqual(created);
        expect(await storage.getDashboard('nope')).toBeNull();
      });

      it('refuses to create a dashboard whose id is taken', async () => {
        await storage.createDashboard(dashboard('ops'));
        await expect(storage.createDashboard(dashboard('ops', 'Other'))).rejects.toMatchObject({ code: 'already_exists', status: 409 });
        expect((await storage.getDashboard('ops'))?.title).toBe('Dashboard ops');
      });

      it('lists dashboards as summaries sorted by id', async () => {
        await storage.createDashboard(dashboard('web'));
        await storage.createDashboard({ ...dashboard('api', 'API'), description: 'backend' });
        await storage.applyMutation(addWidget('c1', 1, 'w1', 'web'), T0 + 1);
        expect(await storage.listDashboards()).toEqual([
          { id: 'api', title: 'API', description: 'backend', version: 0, widgetCount: 0, updatedAt: new Date(T0).toISOString() },
          { id: 'web', title: 'Dashboard web', version: 1, widgetCount: 1, updatedAt: new Date(T0 + 1).toISOString() },
        ]);
      });

      it('hands out copies, so changing a returned document changes nothing stored', async () => {
        const created = await storage.createDashboard(dashboard('ops'));
        created.title = 'changed';
        const read = await storage.getDashboard('ops');
        if (!read) throw new Error('missing');
        read.widgets['x'] = { id: 'x', type: 'stat', title: '', layout: { x: 0, y: 0, w: 1, h: 1 }, options: {} };
        expect(await storage.getDashboard('ops')).toMatchObject({ title: 'Dashboard ops', widgets: {} });
      });

      it('replaces a document as the next event, keeping createdAt and stamping updatedAt', async () => {
        await storage.createDashboard(dashboard('ops'));
        const { doc, event } = await storage.replaceDashboard({ ...dashboard('ops', 'Replaced'), createdAt: 'ignored' }, { now: T0 + 5 });
        expect(doc).toMatchObject({ title: 'Replaced', version: 1, createdAt: new Date(T0).toISOString(), updatedAt: new Date(T0 + 5).toISOString() });
        expect(event).toMatchObject({ topic: 'dashboard:ops', offset: 1, ts: T0 + 5, data: { kind: 'replace', doc } });
        expect(await storage.getDashboard('ops')).toEqual(doc);
      });

      it('replaces only at the expected version and otherwise rejects version_mismatch without writing', async () => {
        await storage.createDashboard(dashboard('ops'));
        await storage.replaceDashboard(dashboard('ops', 'One'), { ifVersion: 0, now: T0 });
        await expect(storage.replaceDashboard(dashboard('ops', 'Stale'), { ifVersion: 0, now: T0 })).rejects.toMatchObject({
          code: 'version_mismatch',
          status: 412,
        });
        expect(await storage.getDashboard('ops')).toMatchObject({ title: 'One', version: 1 });
        expect(await storage.getHead('dashboard:ops')).toMatchObject({ offset: 1 });
      });

      it('rejects replacing a dashboard that does not exist with not_found', async () => {
        await expect(storage.replaceDashboard(dashboard('ghost'), { now: T0 })).rejects.toMatchObject({ code: 'not_found', status: 404 });
      });

      it('deletes a dashboard with a deleted event, and says false-ish (null) for an unknown one', async () => {
        await storage.createDashboard(dashboard('ops'));
        const event = await storage.deleteDashboard('ops', T0 + 9);
        expect(event).toMatchObject({ topic: 'dashboard:ops', offset: 1, ts: T0 + 9, data: { kind: 'deleted' } });
        expect(await storage.getDashboard('ops')).toBeNull();
        expect(await storage.getHead('dashboard:ops')).toBeNull();
        expect(await storage.listDashboards()).toEqual([]);
        expect(await storage.deleteDashboard('ops', T0)).toBeNull();
      });

      it('gives a recreated dashboard a new epoch and a log starting again at offset 0', async () => {
        await storage.createDashboard(dashboard('ops'));
        const first = await storage.getHead('dashboard:ops');
        await storage.applyMutation(addWidget('c1', 1, 'w1'), T0);
        await storage.deleteDashboard('ops', T0);
        await storage.createDashboard(dashboard('ops'));
        const second = await storage.getHead('dashboard:ops');
        expect(second).toEqual({ epoch: expect.any(String), offset: 0, firstOffset: 1 });
        expect(second?.epoch).not.toBe(first?.epoch);
        expect(await storage.readEvents('dashboard:ops', 0, 100)).toEqual([]);
      });
    });

    describe('event logs', () => {
      it('numbers the events of a topic densely from 1, all in the current epoch', async () => {
        await storage.createDashboard(dashboard('ops'));
        const head0 = await storage.getHead('dashboard:ops');
        expect(head0).toEqual({ epoch: expect.any(String), offset: 0, firstOffset: 1 });
        await storage.applyMutation(addWidget('c1', 1, 'w1'), T0);
        await storage.replaceDashboard(dashboard('ops', 'R'), { now: T0 });
        await storage.applyMutation(addWidget('c2', 1, 'w2'), T0);
        const events = await storage.readEvents('dashboard:ops', 0, 100);
        expect(events.map((e) => e.offset)).toEqual([1, 2, 3]);
        expect(new Set(events.map((e) => e.epoch))).toEqual(new Set([head0?.epoch]));
        expect(await storage.getHead('dashboard:ops')).toEqual({ epoch: head0?.epoch, offset: 3, firstOffset: 1 });
      });

      it('reads events after an offset, oldest first, at most limit', async () => {
        await storage.createDashboard(dashboard('ops'));
        for (let i = 1; i <= 5; i++) await storage.applyMutation(setTitle('c1', i, `t${i}`), T0 + i);
        expect((await storage.readEvents('dashboard:ops', 2, 2)).map((e) => e.offset)).toEqual([3, 4]);
        expect((await storage.readEvents('dashboard:ops', 4, 100)).map((e) => e.offset)).toEqual([5]);
        expect(await storage.readEvents('dashboard:ops', 5, 100)).toEqual([]);
        expect(await storage.readEvents('dashboard:nope', 0, 100)).toEqual([]);
      });

      it(`keeps the last ${DASHBOARD_LOG_RETAIN} events of a dashboard and moves firstOffset past the trimmed ones`, async () => {
        await storage.createDashboard(dashboard('ops'));
        const total = DASHBOARD_LOG_RETAIN + 5;
        for (let i = 1; i <= total; i++) await storage.applyMutation(setTitle('c1', i, `t${i}`), T0 + i);
        expect(await storage.getHead('dashboard:ops')).toMatchObject({ offset: total, firstOffset: 6 });
        const events = await storage.readEvents('dashboard:ops', 0, 10);
        expect(events.map((e) => e.offset)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      });

      it('gives null as the head of an unknown dashboard and an empty, stable log for an unknown stream', async () => {
        expect(await storage.getHead('dashboard:nope')).toBeNull();
        const head = await storage.getHead('stream:never.pushed');
        expect(head).toEqual({ epoch: expect.any(String), offset: 0, firstOffset: 1 });
        expect(await storage.getHead('stream:never.pushed')).toEqual(head);
        const snapshot = await storage.getSnapshot('stream:never.pushed');
        expect(snapshot?.position).toEqual({ epoch: head?.epoch, offset: 0 });
        expect(await storage.readEvents('stream:never.pushed', 0, 10)).toEqual([]);
        // Reading wrote nothing, yet the first push continues the epoch subscribers were given.
        expect(await storage.listStreams()).toEqual([]);
        const [result] = await storage.appendPoints([{ key: 'never.pushed', points: [{ value: 1 }] }], WIDE, T0);
        expect(result?.events[0]).toMatchObject({ epoch: head?.epoch, offset: 1 });
        expect(await storage.getHead('stream:other.never')).not.toEqual(expect.objectContaining({ epoch: head?.epoch }));
      });

      it('rejects a topic that is neither a dashboard nor a stream', async () => {
        await expect(storage.getHead('weird:x')).rejects.toMatchObject({ code: 'invalid_topic', status: 400 });
        await expect(storage.getSnapshot('weird:x')).rejects.toMatchObject({ code: 'invalid_topic' });
      });
    });

    describe('mutations', () => {
      beforeEach(async () => {
        await storage.createDashboard(dashboard('ops'));
      });

      it('applies a mutation: the document moves to the event offset and the event names the client and mutation', async () => {
        const record = await storage.applyMutation({ ...addWidget('c1', 1, 'w1'), actor: 'Ann' }, T0 + 100);
        expect(record).toMatchObject({ dashboardId: 'ops', mutationId: 1, status: 'applied', offset: 1, conflicts: [], duplicate: false });
        expect(record.error).toBeUndefined();
        const data: DashboardEventData = {
          kind: 'mutation',
          clientId: 'c1',
          mutationId: 1,
          name: 'addWidget',
          args: addWidget('c1', 1, 'w1').args,
          status: 'applied',
          touched: expect.any(Array) as unknown as string[],
          conflicts: [],
          actor: 'Ann',
          // The patch carries the new widget, so receivers need not re-run the mutator.
          patch: expect.objectContaining({ widgets: { w1: expect.objectContaining({ id: 'w1', type: 'stat' }) } }) as never,
        };
        expect(record.event).toEqual({ topic: 'dashboard:ops', epoch: expect.any(String), offset: 1, ts: T0 + 100, data });
        const doc = await storage.getDashboard('ops');
        expect(doc).toMatchObject({ version: 1, updatedAt: new Date(T0 + 100).toISOString() });
        expect(doc?.widgets['w1']).toMatchObject({ id: 'w1', type: 'stat' });
        expect(doc?.writers['w:w1:title']).toEqual({ clientId: 'c1', mutationId: 1, name: 'Ann' });
        expect(await storage.readEvents('dashboard:ops', 0, 10)).toEqual([record.event]);
        expect(await storage.getLastMutationId('c1')).toBe(1);
      });

      it('answers a duplicate with the stored result, marked duplicate, without applying it again', async () => {
        const first = await storage.applyMutation(addWidget('c1', 1, 'w1'), T0);
        await storage.applyMutation(addWidget('c1', 2, 'w2'), T0);
        const again = await storage.applyMutation(addWidget('c1', 1, 'w1'), T0 + 50);
        const { event: _event, ...stored } = first;
        expect(again).toEqual({ ...stored, duplicate: true });
        expect(again.event).toBeUndefined();
        expect(await storage.getHead('dashboard:ops')).toMatchObject({ offset: 2 });
        expect(await storage.getLastMutationId('c1')).toBe(2);
      });

      it('rejects a mutation that skips ahead as out_of_order and stores nothing', async () => {
        await storage.applyMutation(addWidget('c1', 1, 'w1'), T0);
        const error = await storage.applyMutation(addWidget('c1', 3, 'w3'), T0).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'out_of_order', status: 409, details: { expected: 2 } });
        expect(await storage.getLastMutationId('c1')).toBe(1);
        expect(await storage.getHead('dashboard:ops')).toMatchObject({ offset: 1 });
        expect((await storage.getDashboard('ops'))?.widgets['w3']).toBeUndefined();
        // The expected id still goes through, so nothing of the rejected one was recorded.
        expect(await storage.applyMutation(addWidget('c1', 2, 'w2'), T0)).toMatchObject({ status: 'applied', duplicate: false });
      });

      it('rejects out_of_order for a client whose first mutation is not 1', async () => {
        await expect(storage.applyMutation(addWidget('fresh', 2, 'w1'), T0)).rejects.toMatchObject({ code: 'out_of_order', details: { expected: 1 } });
        expect(await storage.getLastMutationId('fresh')).toBe(0);
      });

      it('stores the error of an invalid mutation, advances lastMutationId and writes no event', async () => {
        const record = await storage.applyMutation({ clientId: 'c1', mutationId: 1, dashboardId: 'ops', name: 'moveWidget', args: { id: 'w1', x: -4 } }, T0);
        expect(record).toMatchObject({ status: 'rejected', error: { code: 'invalid_args' }, duplicate: false });
        expect(record.offset).toBeUndefined();
        expect(record.event).toBeUndefined();
        expect(await storage.getLastMutationId('c1')).toBe(1);
        expect(await storage.getHead('dashboard:ops')).toMatchObject({ offset: 0 });
        expect(await storage.applyMutation({ clientId: 'c1', mutationId: 1, dashboardId: 'ops', name: 'x', args: {} }, T0)).toEqual({
          ...record,
          duplicate: true,
        });
        expect(await storage.applyMutation(addWidget('c1', 2, 'w1'), T0)).toMatchObject({ status: 'applied', offset: 1 });
      });

      it('rejects a mutation of an unknown dashboard with not_found, storing it like any other result', async () => {
        const record = await storage.applyMutation(addWidget('c1', 1, 'w1', 'ghost'), T0);
        expect(record).toMatchObject({ dashboardId: 'ghost', status: 'rejected', error: { code: 'not_found' }, duplicate: false });
        expect(await storage.getLastMutationId('c1')).toBe(1);
        expect(await storage.getHead('dashboard:ghost')).toBeNull();
        expect(await storage.applyMutation(addWidget('c1', 1, 'w1', 'ghost'), T0)).toMatchObject({ status: 'rejected', duplicate: true });
      });

      it('marks an edit whose expectation no longer holds as conflict, still applying it', async () => {
        await storage.applyMutation(setTitle('c1', 1, 'Mine'), T0);
        const record = await storage.applyMutation(
          { clientId: 'c2', mutationId: 1, dashboardId: 'ops', name: 'setDashboardMeta', args: { set: { title: 'Theirs' }, expect: { title: 'Dashboard ops' } } },
          T0,
        );
        expect(record).toMatchObject({ status: 'conflict', offset: 2, conflicts: [{ field: 'title', expected: 'Dashboard ops', actual: 'Mine' }] });
        expect(record.event?.data).toMatchObject({ kind: 'mutation', status: 'conflict' });
        expect(await storage.getDashboard('ops')).toMatchObject({ title: 'Theirs', version: 2 });
      });

      it('stores an edit of a deleted widget as superseded, without an event', async () => {
        await storage.applyMutation(addWidget('c1', 1, 'w1'), T0);
        await storage.applyMutation({ clientId: 'c1', mutationId: 2, dashboardId: 'ops', name: 'removeWidget', args: { id: 'w1' } }, T0);
        const record = await storage.applyMutation({ clientId: 'c2', mutationId: 1, dashboardId: 'ops', name: 'moveWidget', args: { id: 'w1', x: 1, y: 1 } }, T0);
        expect(record).toMatchObject({ status: 'superseded', error: { code: 'widget_deleted' } });
        expect(record.event).toBeUndefined();
        expect(await storage.getHead('dashboard:ops')).toMatchObject({ offset: 2 });
        expect(await storage.getLastMutationId('c2')).toBe(1);
      });

      it('counts mutation ids per client', async () => {
        await storage.applyMutation(addWidget('c1', 1, 'a'), T0);
        await storage.applyMutation(addWidget('c1', 2, 'b'), T0);
        await storage.applyMutation(addWidget('c2', 1, 'c'), T0);
        expect(await storage.getLastMutationId('c1')).toBe(2);
        expect(await storage.getLastMutationId('c2')).toBe(1);
        expect(await storage.getLastMutationId('c3')).toBe(0);
      });

      it(`keeps at least the latest ${MUTATION_RESULTS_RETAIN} results of a client for duplicates`, async () => {
        const total = MUTATION_RESULTS_RETAIN + 3;
        for (let i = 1; i <= total; i++) {
          await storage.applyMutation({ clientId: 'c1', mutationId: i, dashboardId: 'ops', name: 'nope', args: { i } }, T0);
        }
        const oldestKept = total - MUTATION_RESULTS_RETAIN + 1;
        expect(await storage.applyMutation({ clientId: 'c1', mutationId: oldestKept, dashboardId: 'ops', name: 'nope', args: {} }, T0)).toMatchObject({
          mutationId: oldestKept,
          status: 'rejected',
          error: { code: 'unknown_mutator' },
          duplicate: true,
        });
        expect(await storage.applyMutation({ clientId: 'c1', mutationId: 1, dashboardId: 'ops', name: 'nope', args: {} }, T0)).toMatchObject({
          mutationId: 1,
          duplicate: true,
        });
      });

      it('refuses a mutation id that is not a positive integer', async () => {
        await expect(storage.applyMutation(addWidget('c1', 0, 'w1'), T0)).rejects.toMatchObject({ status: 400 });
        await expect(storage.applyMutation(addWidget('c1', 1.5, 'w1'), T0)).rejects.toMatchObject({ status: 400 });
        expect(await storage.getLastMutationId('c1')).toBe(0);
      });
    });

    describe('streams', () => {
      it('appends points with dense offsets, stamping missing ts with now, and returns results in input order', async () => {
        const results = await storage.appendPoints(
          [
            { key: 'cpu.load', points: [{ value: 1 }, { ts: T0 - 10, value: 2 }] },
            { key: 'mem.used', points: [{ value: 40 }] },
          ],
          WIDE,
          T0,
        );
        expect(results.map((r) => r.key)).toEqual(['cpu.load', 'mem.used']);
        expect(results[0]?.latest).toBe(2);
        expect(results[0]?.events).toEqual([
          { topic: 'stream:cpu.load', epoch: expect.any(String), offset: 1, ts: T0, data: { ts: T0, value: 1 } },
          { topic: 'stream:cpu.load', epoch: expect.any(String), offset: 2, ts: T0, data: { ts: T0 - 10, value: 2 } },
        ]);
        expect(results[1]?.events.map((e) => e.offset)).toEqual([1]);
        await storage.appendPoints([{ key: 'cpu.load', points: [{ value: 3 }] }], WIDE, T0 + 1);
        expect(await storage.getHead('stream:cpu.load')).toMatchObject({ offset: 3, firstOffset: 1 });
      });

      it('merges object values into the latest value and lets a number replace it', async () => {
        await storage.appendPoints([{ key: 'build', points: [{ value: { status: 'ok', n: 1 } }, { value: { n: 2 } }] }], WIDE, T0);
        const [merged] = await storage.appendPoints([{ key: 'build', points: [{ value: { extra: true } }] }], WIDE, T0 + 1);
        expect(merged?.latest).toEqual({ status: 'ok', n: 2, extra: true });
        expect(await storage.getStream('build')).toMatchObject({ latest: { status: 'ok', n: 2, extra: true }, latestTs: T0 + 1 });
        const [replaced] = await storage.appendPoints([{ key: 'build', points: [{ value: 5 }] }], WIDE, T0 + 2);
        expect(replaced?.latest).toBe(5);
      });

      it('keeps at most maxPoints per stream, advancing firstOffset', async () => {
        const limits = { maxPoints: 3, maxAgeMs: WIDE.maxAgeMs };
        await storage.appendPoints([{ key: 'k', points: [1, 2, 3, 4].map((value) => ({ value })) }], limits, T0);
        await storage.appendPoints([{ key: 'k', points: [{ value: 5 }] }], limits, T0);
        expect(await storage.getHead('stream:k')).toMatchObject({ offset: 5, firstOffset: 3 });
        expect((await storage.getStream('k'))?.history.map((p) => [p.offset, p.value])).toEqual([
          [3, 3],
          [4, 4],
          [5, 5],
        ]);
        expect((await storage.readEvents('stream:k', 0, 100)).map((e) => e.offset)).toEqual([3, 4, 5]);
      });

      it('drops points older than maxAgeMs before the newest point, advancing firstOffset', async () => {
        const limits = { maxPoints: 100, maxAgeMs: 1_500 };
        await storage.appendPoints([{ key: 'k', points: [0, 1_000, 2_000].map((d) => ({ ts: T0 + d, value: d })) }], limits, T0);
        expect(await storage.getHead('stream:k')).toMatchObject({ offset: 3, firstOffset: 2 });
        await storage.appendPoints([{ key: 'k', points: [{ ts: T0 + 4_000, value: 4 }] }], limits, T0 + 4_000);
        expect(await storage.getHead('stream:k')).toMatchObject({ offset: 4, firstOffset: 4 });
        expect((await storage.getStream('k'))?.history).toEqual([{ ts: T0 + 4_000, value: 4, offset: 4 }]);
        expect(await storage.getStream('k')).toMatchObject({ latest: 4, latestTs: T0 + 4_000, offset: 4 });
      });

      it('keeps latestTs at the newest timestamp when an old point is backfilled, so the age limit still counts from it', async () => {
        const limits = { maxPoints: 100, maxAgeMs: 1_500 };
        await storage.appendPoints([{ key: 'k', points: [{ ts: T0 + 2_000, value: 2 }] }], limits, T0 + 2_000);
        await storage.appendPoints([{ key: 'k', points: [{ ts: T0, value: 0 }] }], limits, T0 + 2_001);
        expect(await storage.getStream('k')).toMatchObject({ latestTs: T0 + 2_000, offset: 2 });
        await storage.appendPoints([{ key: 'k', points: [{ ts: T0 + 3_600, value: 3 }] }], limits, T0 + 3_600);
        // Counted from T0 + 3,600, both earlier points are past the limit (the log trims a prefix).
        expect((await storage.getStream('k'))?.history.map((p) => p.value)).toEqual([3]);
        expect(await storage.getStream('k')).toMatchObject({ latestTs: T0 + 3_600 });
      });

      it('applies the age limit inside the count window, so trimming per point or per batch keeps the same points', async () => {
        const limits = { maxPoints: 3, maxAgeMs: 10 };
        const points = [100, 50, 50, 100].map((d, i) => ({ ts: T0 + d, value: i + 1 }));
        await storage.appendPoints([{ key: 'one-by-one', points: points.slice(0, 1) }], limits, T0);
        for (const point of points.slice(1)) await storage.appendPoints([{ key: 'one-by-one', points: [point] }], limits, T0);
        await storage.appendPoints([{ key: 'batch', points }], limits, T0);
        // Offset 1 is fresh but outside the newest three; of those, 2 and 3 are stale before 4.
        for (const key of ['one-by-one', 'batch']) {
          expect((await storage.getStream(key))?.history.map((p) => p.offset), key).toEqual([4]);
        }
      });

      it('filters history by sinceTs and gives null for a stream never pushed', async () => {
        await storage.appendPoints([{ key: 'k', points: [1, 2, 3].map((v) => ({ ts: T0 + v, value: v })) }], WIDE, T0);
        const stream = await storage.getStream('k', { sinceTs: T0 + 2 });
        expect(stream).toMatchObject({ key: 'k', latest: 3, offset: 3, epoch: expect.any(String) });
        expect(stream?.history.map((p) => p.value)).toEqual([2, 3]);
        expect(await storage.getStream('other')).toBeNull();
        await storage.getHead('stream:other');
        expect(await storage.getStream('other')).toBeNull();
      });

      it('lists pushed streams with their offset and latest value', async () => {
        await storage.appendPoints([{ key: 'b', points: [{ value: 1 }, { value: 2 }] }, { key: 'a', points: [{ value: { up: true } }] }], WIDE, T0);
        await storage.getHead('stream:empty');
        expect(await storage.listStreams()).toEqual([
          { key: 'a', offset: 1, latest: { up: true }, latestTs: T0 },
          { key: 'b', offset: 2, latest: 2, latestTs: T0 },
        ]);
      });

      it('lists streams a page at a time: by prefix, after a key, at most limit', async () => {
        const keys = ['cpu.a', 'cpu.b', 'cpu.c', 'cpuz', 'mem.a'];
        await storage.appendPoints(keys.map((key) => ({ key, points: [{ value: 1 }] })), WIDE, T0);
        const keysOf = (list: Array<{ key: string }>) => list.map((s) => s.key);
        expect(keysOf(await storage.listStreams({ prefix: 'cpu.' }))).toEqual(['cpu.a', 'cpu.b', 'cpu.c']);
        expect(keysOf(await storage.listStreams({ limit: 2 }))).toEqual(['cpu.a', 'cpu.b']);
        expect(keysOf(await storage.listStreams({ after: 'cpu.b', limit: 2 }))).toEqual(['cpu.c', 'cpuz']);
        expect(keysOf(await storage.listStreams({ prefix: 'cpu', after: 'cpu.c' }))).toEqual(['cpuz']);
        expect(keysOf(await storage.listStreams({ prefix: 'disk' }))).toEqual([]);
        expect(keysOf(await storage.listStreams())).toEqual(keys);
      });

      it('treats a key repeated in one batch as sequential pushes, each trimmed as it lands', async () => {
        const limits = { maxPoints: 100, maxAgeMs: 100 };
        const results = await storage.appendPoints(
          [
            { key: 'k', points: [{ ts: T0, value: 1 }, { ts: T0 + 500, value: 2 }] },
            { key: 'k', points: [{ ts: T0 + 450, value: { late: true } }] },
          ],
          limits,
          T0 + 500,
        );
        expect(results.map((r) => r.events.map((e) => e.offset))).toEqual([[1, 2], [3]]);
        expect(results[1]?.latest).toEqual({ late: true });
        // The first entry's newest point (T0 + 500) already dropped offset 1; the late point keeps 2.
        expect(await storage.getHead('stream:k')).toMatchObject({ offset: 3, firstOffset: 2 });
        // The latest value follows arrival order; latestTs stays at the newest timestamp seen.
        expect(await storage.getStream('k')).toMatchObject({ latest: { late: true }, latestTs: T0 + 500 });
      });

      it('appends a batch of many keys in one call', async () => {
        const batch = Array.from({ length: 50 }, (_, i) => ({ key: `s.${i}`, points: Array.from({ length: 20 }, (_, j) => ({ value: j })) }));
        const results = await storage.appendPoints(batch, { maxPoints: 10, maxAgeMs: WIDE.maxAgeMs }, T0);
        expect(results).toHaveLength(50);
        expect(results.every((r) => r.events.length === 20 && r.latest === 19)).toBe(true);
        expect(await storage.getHead('stream:s.49')).toMatchObject({ offset: 20, firstOffset: 11 });
      });
    });

    describe('snapshots', () => {
      it('returns a dashboard with the position it reflects', async () => {
        await storage.createDashboard(dashboard('ops'));
        await storage.applyMutation(addWidget('c1', 1, 'w1'), T0);
        const head = await storage.getHead('dashboard:ops');
        const result = await storage.getSnapshot('dashboard:ops');
        expect(result?.position).toEqual({ epoch: head?.epoch, offset: 1 });
        expect((result?.snapshot as Dashboard).version).toBe(result?.position.offset);
        expect(await storage.getSnapshot('dashboard:nope')).toBeNull();
      });

      it('returns a stream whose newest history point is at the snapshot position', async () => {
        await storage.appendPoints([{ key: 'k', points: [{ value: 1 }, { value: 2 }] }], WIDE, T0);
        const result = await storage.getSnapshot('stream:k');
        const snapshot = result?.snapshot as StreamSnapshot;
        expect(result?.position.offset).toBe(2);
        expect(snapshot).toMatchObject({ key: 'k', latest: 2, latestTs: T0 });
        expect(snapshot.history.at(-1)?.offset).toBe(result?.position.offset);
      });

      it('returns an empty snapshot at offset 0 for a stream never pushed', async () => {
        const result = await storage.getSnapshot('stream:quiet');
        expect(result).toEqual({ position: { epoch: expect.any(String), offset: 0 }, snapshot: { key: 'quiet', latest: null, latestTs: null, history: [] } });
      });
    });

    describe('client ids bound to tokens', () => {
      it('lets the first token to use a clientId claim it, and tells later ones who owns it', async () => {
        expect(await storage.getClientOwner('c1')).toBeNull();
        expect(await storage.claimClientId('c1', 'token-a', T0)).toBe('token-a');
        expect(await storage.claimClientId('c1', 'token-b', T0 + 1)).toBe('token-a');
        expect(await storage.claimClientId('c1', 'token-a', T0 + 2)).toBe('token-a');
        expect(await storage.getClientOwner('c1')).toBe('token-a');
        expect(await storage.claimClientId('c2', 'token-b', T0)).toBe('token-b');
        expect(await storage.getClientOwner('c2')).toBe('token-b');
      });

      it('leaves the exactly-once state keyed by clientId alone', async () => {
        await storage.createDashboard(dashboard('ops'));
        await storage.claimClientId('c1', 'token-a', T0);
        await storage.applyMutation(addWidget('c1', 1, 'w1'), T0);
        expect(await storage.getLastMutationId('c1')).toBe(1);
        expect(await storage.getClientOwner('c1')).toBe('token-a');
      });
    });

    describe('tokens', () => {
      it('finds a live token by its hash', async () => {
        await storage.createToken(token('t1'));
        expect(await storage.findToken('hash-t1', T0)).toEqual(token('t1'));
        expect(await storage.findToken('hash-other', T0)).toBeNull();
      });

      it('does not find an expired token', async () => {
        await storage.createToken(token('t1', { expiresAt: T0 + 1_000 }));
        expect(await storage.findToken('hash-t1', T0 + 999)).not.toBeNull();
        expect(await storage.findToken('hash-t1', T0 + 1_000)).toBeNull();
      });

      it('does not find a revoked token, and revokes only once', async () => {
        await storage.createToken(token('t1'));
        expect(await storage.revokeToken('t1')).toEqual(['t1']);
        expect(await storage.findToken('hash-t1', T0)).toBeNull();
        expect(await storage.revokeToken('t1')).toEqual([]);
        expect(await storage.revokeToken('missing')).toEqual([]);
      });

      it('lists every token, revoked ones included, oldest first', async () => {
        await storage.createToken(token('t2', { createdAt: T0 + 1, role: 'admin', scopes: {} }));
        await storage.createToken(token('t1'));
        await storage.revokeToken('t2', T0 + 5);
        expect(await storage.listTokens()).toEqual([token('t1'), token('t2', { createdAt: T0 + 1, role: 'admin', scopes: {}, revokedAt: T0 + 5 })]);
      });

      it('keeps the share-link fields: kind, label, creator and last use', async () => {
        const share = token('s1', { kind: 'share', label: 'TV in the hall', createdBy: 'admin', scopes: { view: ['ops'] }, expiresAt: T0 + 5 });
        await storage.createToken(share);
        expect(await storage.listTokens()).toEqual([share]);
        await storage.touchToken('s1', T0 + 3);
        expect(await storage.findToken('hash-s1', T0)).toEqual({ ...share, lastUsedAt: T0 + 3 });
        await storage.touchToken('missing', T0);
      });

      it('finds a token by hash whatever its state, to say why it is refused', async () => {
        await storage.createToken(token('t1', { expiresAt: T0 + 1 }));
        await storage.createToken(token('t2'));
        await storage.revokeToken('t2', T0 + 2);
        expect(await storage.findTokenByHash('hash-t1')).toMatchObject({ id: 't1', expiresAt: T0 + 1, revokedAt: null });
        expect(await storage.findTokenByHash('hash-t2')).toMatchObject({ id: 't2', revokedAt: T0 + 2 });
        expect(await storage.findTokenByHash('hash-none')).toBeNull();
      });

      it('revokes the tokens a token created, transitively, with it and returns their ids', async () => {
        await storage.createToken(token('editor'));
        await storage.createToken(token('link', { kind: 'share', createdBy: 'editor' }));
        await storage.createToken(token('link-of-link', { kind: 'share', createdBy: 'link' }));
        await storage.createToken(token('gone', { createdBy: 'editor' }));
        await storage.revokeToken('gone', T0 + 1);
        await storage.createToken(token('other', { createdBy: 'admin' }));
        const revoked = await storage.revokeToken('editor', T0 + 9);
        expect(revoked[0]).toBe('editor');
        expect([...revoked].sort()).toEqual(['editor', 'link', 'link-of-link']);
        const byId = new Map((await storage.listTokens()).map((t) => [t.id, t.revokedAt]));
        expect(Object.fromEntries(byId)).toEqual({ editor: T0 + 9, link: T0 + 9, 'link-of-link': T0 + 9, gone: T0 + 1, other: null });
        expect(await storage.revokeToken('editor', T0 + 10)).toEqual([]);
        expect(await storage.revokeToken('missing')).toEqual([]);
      });

      it('refuses to store a token created by a revoked token', async () => {
        await storage.createToken(token('editor'));
        await storage.revokeToken('editor', T0);
        await expect(storage.createToken(token('late-link', { createdBy: 'editor' }))).rejects.toMatchObject({ code: 'token_revoked', status: 401 });
        expect((await storage.listTokens()).map((t) => t.id)).toEqual(['editor']);
      });

      it('refuses a second token with the same id or hash', async () => {
        await storage.createToken(token('t1'));
        await expect(storage.createToken(token('t1', { hash: 'other' }))).rejects.toMatchObject({ code: 'already_exists' });
        await expect(storage.createToken(token('t9', { hash: 'hash-t1' }))).rejects.toMatchObject({ code: 'already_exists' });
      });
    });

    describe('sources', () => {
      it('stores a source with its secret header values and returns it by id', async () => {
        await storage.createSource(source('s1'));
        expect(await storage.getSource('s1')).toEqual(source('s1'));
        expect(await storage.getSource('missing')).toBeNull();
      });

      it('lists sources by id', async () => {
        await storage.createSource(source('b'));
        await storage.createSource(source('a'));
        expect((await storage.listSources()).map((s) => s.id)).toEqual(['a', 'b']);
      });

      it('refuses a second source with the same id', async () => {
        await storage.createSource(source('s1'));
        await expect(storage.createSource(source('s1'))).rejects.toMatchObject({ code: 'already_exists', status: 409 });
      });

      it('replaces the definition and updatedAt but keeps createdAt', async () => {
        await storage.createSource(source('s1'));
        const changed = source('s1', { createdAt: T0 + 99, updatedAt: T0 + 100 });
        changed.definition.intervalMs = 60_000;
        await storage.replaceSource(changed);
        expect(await storage.getSource('s1')).toEqual({ ...changed, createdAt: T0 });
        await expect(storage.replaceSource(source('missing'))).rejects.toMatchObject({ code: 'not_found', status: 404 });
      });

      it('deletes a source once', async () => {
        await storage.createSource(source('s1'));
        expect(await storage.deleteSource('s1')).toBe(true);
        expect(await storage.getSource('s1')).toBeNull();
        expect(await storage.deleteSource('s1')).toBe(false);
      });
    });
  });
}
