import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard } from '@pulseboard/model';
import { main, type CliIO } from '../cli.js';
import { SQLITE_FILE_NAME } from './index.js';
import { PostgresStorage } from './postgres-storage.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './postgres-test-database.js';
import { SqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

const HAVE_POSTGRES = await postgresAvailable('the SQLite → PostgreSQL migration test');
const T0 = Date.UTC(2026, 0, 1);

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env: {} };
  return { code: await main(argv, io), out: out.join('\n'), err: err.join('\n') };
}

/** Everything a client or the server can ask, for comparing two storages. */
async function everything(storage: Storage) {
  return {
    dashboards: await storage.listDashboards(),
    ops: await storage.getDashboard('ops'),
    head: await storage.getHead('dashboard:ops'),
    events: await storage.readEvents('dashboard:ops', 0, 1_000),
    stream: await storage.getStream('cpu'),
    streamHead: await storage.getHead('stream:cpu'),
    streams: await storage.listStreams(),
    tokens: await storage.listTokens(),
    last: await storage.getLastMutationId('c1'),
    owner: await storage.getClientOwner('c1'),
    quietStream: await storage.getHead('stream:never.pushed'),
    duplicate: await storage.applyMutation({ clientId: 'c1', mutationId: 2, dashboardId: 'ops', name: 'x', args: {} }, T0),
  };
}

describe.skipIf(!HAVE_POSTGRES)('pulseboard migrate --from sqlite: --to postgres://', () => {
  let dir: string;
  let db: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulseboard-migrate-'));
    db = await createTestDatabase();
    const sqlite = new SqliteStorage({ file: join(dir, SQLITE_FILE_NAME) });
    await sqlite.createDashboard(createDashboard({ id: 'ops', title: 'Ops', now: new Date(T0).toISOString() }));
    for (let i = 1; i <= 3; i++) {
      await sqlite.applyMutation({ clientId: 'c1', mutationId: i, dashboardId: 'ops', name: 'addWidget', args: { widget: { id: `w${i}`, type: 'stat' } } }, T0 + i);
    }
    await sqlite.appendPoints([{ key: 'cpu', points: [1, 2, 3].map((v) => ({ ts: T0 + v, value: { v, nested: { text: `it's "${v}"` } } })) }], { maxPoints: 2, maxAgeMs: 60_000 }, T0 + 5);
    await sqlite.createToken({ id: 't1', name: 'ci', hash: 'h1', role: 'scoped', scopes: { push: ['cpu'] }, createdAt: T0, expiresAt: T0 + 10_000, revokedAt: null, kind: 'share', label: 'CI link', createdBy: 'admin', lastUsedAt: T0 + 1 });
    await sqlite.claimClientId('c1', 't1', T0);
    await sqlite.close();
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('copies a data directory so PostgreSQL answers every read exactly as SQLite did (same offsets and epochs)', async () => {
    const result = await cli(['migrate', '--from', `sqlite:${dir}`, '--to', db.url]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/events: 5 rows/);
    const sqlite = new SqliteStorage({ file: join(dir, SQLITE_FILE_NAME) });
    const postgres = await PostgresStorage.open({ connectionString: db.url });
    expect(await everything(postgres)).toEqual(await everything(sqlite));
    // Both keep writing from the same place.
    const next = { clientId: 'c1', mutationId: 4, dashboardId: 'ops', name: 'addWidget', args: { widget: { id: 'w4', type: 'stat' } } };
    expect(await postgres.applyMutation(next, T0 + 9)).toEqual(await sqlite.applyMutation(next, T0 + 9));
    await sqlite.close();
    await postgres.close();
  });

  it('refuses to copy into a database that already holds data, and says why', async () => {
    const result = await cli(['migrate', '--from', `sqlite:${join(dir, SQLITE_FILE_NAME)}`, '--to', db.url]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/already holds data; migrate into an empty database/);
  });

  it('names a bad --from or --to as a usage error', async () => {
    expect(await cli(['migrate', '--from', dir, '--to', db.url])).toMatchObject({ code: 2, err: expect.stringContaining('--from must be sqlite:') });
    expect(await cli(['migrate', '--from', `sqlite:${dir}`, '--to', 'mysql://x'])).toMatchObject({ code: 2, err: expect.stringContaining('--to must be a postgres:// URL') });
    expect(await cli(['migrate', '--from', `sqlite:${join(dir, 'missing.db')}`, '--to', db.url])).toMatchObject({ code: 1, err: expect.stringContaining('no SQLite database at') });
  });
});
