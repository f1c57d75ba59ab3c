import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createDashboard } from '@pulseboard/model';
import { MIGRATIONS } from './sqlite-schema.js';
import { SqliteStorage } from './sqlite-storage.js';
import { runStorageContract } from './storage-contract.js';

const root = mkdtempSync(join(tmpdir(), 'pulseboard-sqlite-'));
let n = 0;
const freshFile = () => join(root, `db-${++n}`, 'pulseboard.db');

afterAll(() => rmSync(root, { recursive: true, force: true }));

runStorageContract('SqliteStorage', async () => new SqliteStorage({ file: freshFile() }));

describe('SqliteStorage (file specifics)', () => {
  const T0 = Date.UTC(2026, 0, 1);

  it('lists every dashboard, also one nested 1,000 levels deep (past SQLite\'s JSON depth limit), and reads it back', async () => {
    const storage = new SqliteStorage({ file: freshFile() });
    let deep: unknown = 1;
    for (let i = 0; i < 1_000; i++) deep = { a: deep };
    const doc = createDashboard({ id: 'deep', title: 'Deep', now: new Date(T0).toISOString() });
    doc.widgets = { w: { id: 'w', type: 'text', title: '', layout: { x: 0, y: 0, w: 3, h: 2 }, options: { deep } } };
    await storage.createDashboard(doc);
    await storage.createDashboard(createDashboard({ id: 'ops', title: 'Ops', now: new Date(T0).toISOString() }));
    expect(await storage.listDashboards()).toEqual([
      { id: 'deep', title: 'Deep', version: 0, widgetCount: 1, updatedAt: new Date(T0).toISOString() },
      { id: 'ops', title: 'Ops', version: 0, widgetCount: 0, updatedAt: new Date(T0).toISOString() },
    ]);
    expect((await storage.getDashboard('deep'))?.widgets.w?.options).toEqual({ deep });
    await storage.close();
  });

  it('keeps dashboards, logs, client positions, streams and tokens across close and reopen', async () => {
    const file = freshFile();
    const first = new SqliteStorage({ file });
    await first.createDashboard(createDashboard({ id: 'ops', title: 'Ops', now: new Date(T0).toISOString() }));
    const applied = await first.applyMutation(
      { clientId: 'c1', mutationId: 1, dashboardId: 'ops', name: 'addWidget', args: { widget: { id: 'w1', type: 'stat' } } },
      T0,
    );
    await first.appendPoints([{ key: 'cpu', points: [{ value: 1 }, { value: 2 }] }], { maxPoints: 10, maxAgeMs: 60_000 }, T0);
    await first.createToken({ id: 't1', name: 'n', hash: 'h', role: 'admin', scopes: {}, createdAt: T0, expiresAt: null, revokedAt: null, kind: 'token', label: null, createdBy: null, lastUsedAt: null });
    const head = await first.getHead('dashboard:ops');
    await first.close();

    const second = new SqliteStorage({ file });
    expect(await second.getDashboard('ops')).toMatchObject({ version: 1, widgets: { w1: { id: 'w1' } } });
    expect(await second.getHead('dashboard:ops')).toEqual(head);
    expect(await second.readEvents('dashboard:ops', 0, 10)).toEqual([applied.event]);
    expect(await second.getLastMutationId('c1')).toBe(1);
    expect(await second.applyMutation({ clientId: 'c1', mutationId: 1, dashboardId: 'ops', name: 'x', args: {} }, T0)).toMatchObject({
      status: 'applied',
      offset: 1,
      duplicate: true,
    });
    expect(await second.getStream('cpu')).toMatchObject({ latest: 2, offset: 2 });
    expect(await second.findToken('h', T0)).toMatchObject({ id: 't1' });
    await second.close();
  });

  it('opens the file in WAL mode at the newest schema version', async () => {
    const file = freshFile();
    const storage = new SqliteStorage({ file });
    await storage.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a database written by a newer schema version', () => {
    const file = freshFile();
    new SqliteStorage({ file }).close();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => new SqliteStorage({ file })).toThrow(/newer/);
  });

  it('writes no row when a stream that was never pushed is read: only a push creates its topic', async () => {
    const file = freshFile();
    const storage = new SqliteStorage({ file });
    const rows = (): number => {
      const db = new Database(file, { readonly: true });
      const count = (db.prepare('SELECT count(*) AS n FROM topics').get() as { n: number }).n;
      db.close();
      return count;
    };
    for (let i = 0; i < 50; i++) {
      await storage.getHead(`stream:random.${i}`);
      await storage.getSnapshot(`stream:random.${i}`);
      await storage.readEvents(`stream:random.${i}`, 0, 10);
    }
    expect(rows()).toBe(0);
    await storage.appendPoints([{ key: 'random.1', points: [{ value: 1 }] }], { maxPoints: 10, maxAgeMs: 60_000 }, T0);
    expect(rows()).toBe(1);
    await storage.close();
  });

  it('upgrades a schema-1 database: drops the empty stream topics subscribers created, keeps tokens with the new fields empty', async () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.exec(MIGRATIONS[0] as string);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO topics VALUES ('stream:junk', 'e1', 0, 1), ('stream:cpu', 'e2', 3, 1), ('dashboard:ops', 'e3', 0, 1)").run();
    db.prepare("INSERT INTO streams VALUES ('cpu', '3', 1)").run();
    db.prepare("INSERT INTO tokens VALUES ('t1', 'old', 'h1', 'scoped', '{}', 1, 99999999999999999, NULL)").run();
    db.close();
    const storage = new SqliteStorage({ file });
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT topic FROM topics ORDER BY topic').all()).toEqual([{ topic: 'dashboard:ops' }, { topic: 'stream:cpu' }]);
    check.close();
    expect(await storage.listTokens()).toEqual([
      expect.objectContaining({ id: 't1', kind: 'token', label: null, createdBy: null, lastUsedAt: null }),
    ]);
    expect(await storage.claimClientId('c1', 't1', T0)).toBe('t1');
    await storage.close();
  });

  it('rejects calls after close with storage_closed', async () => {
    const storage = new SqliteStorage({ file: freshFile() });
    await storage.close();
    await expect(storage.getDashboard('ops')).rejects.toMatchObject({ code: 'storage_closed', status: 503 });
  });
});
