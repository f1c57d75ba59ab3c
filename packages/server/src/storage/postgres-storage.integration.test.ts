import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard } from '@pulseboard/model';
import { PG_MIGRATIONS } from './postgres-schema.js';
import { PostgresStorage } from './postgres-storage.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './postgres-test-database.js';
import type { DashboardEventData } from '@pulseboard/protocol';

const HAVE_POSTGRES = await postgresAvailable('the PostgreSQL integration tests');
const WRITERS = 4;
const ROUNDS = 25;

interface WriterReport {
  sharedApplied: number[];
  ownOffsets: number[];
  streamOffsets: number[];
}

/** Runs the writer fixture as its own process (its own pool: another node). */
function runWriter(url: string, name: string): Promise<WriterReport> {
  const fixture = fileURLToPath(new URL('./postgres-writer.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, url, name, String(ROUNDS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as WriterReport);
      else reject(new Error(`writer ${name} exited ${String(code)}: ${stderr}`));
    });
  });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe.skipIf(!HAVE_POSTGRES)('PostgresStorage with several nodes', () => {
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it('migrates once when several nodes start at the same moment', async () => {
    const db = await fresh();
    const nodes = await Promise.all(range(5).map(() => PostgresStorage.open({ connectionString: db.url, poolSize: 1 })));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ version: number }>('SELECT version FROM pulseboard_migrations ORDER BY version');
    await client.end();
    expect(rows.map((r) => r.version)).toEqual(range(PG_MIGRATIONS.length));
    // Every node works on the one schema.
    await nodes[0]?.createDashboard(createDashboard({ id: 'ops', title: 'Ops', now: new Date(0).toISOString() }));
    expect(await nodes[4]?.getDashboard('ops')).toMatchObject({ id: 'ops' });
    for (const node of nodes) await node.close();
  });

  it('refuses to start on a schema newer than the code, naming both versions', async () => {
    const db = await fresh();
    await (await PostgresStorage.open({ connectionString: db.url })).close();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('INSERT INTO pulseboard_migrations (version) VALUES ($1)', [PG_MIGRATIONS.length + 1]);
    await client.end();
    await expect(PostgresStorage.open({ connectionString: db.url })).rejects.toMatchObject({
      code: 'schema_too_new',
      message: expect.stringContaining(`version ${PG_MIGRATIONS.length + 1} is newer than this server understands (${PG_MIGRATIONS.length})`),
    });
  });

  it('refuses to start with a clear error when the database cannot be reached, hiding the password', async () => {
    const error = await PostgresStorage.open({ connectionString: 'postgres://pb:secret@127.0.0.1:1/none', connectTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'storage_unavailable', message: expect.stringMatching(/cannot open PostgreSQL at postgres:\/\/pb:\*\*\*@127\.0\.0\.1:1\/none: .*ECONNREFUSED/) });
    expect((error as Error).message).not.toContain('secret');
  });

  describe('concurrent writers in different processes', () => {
    let db: TestDatabase;
    let reports: WriterReport[];
    beforeAll(async () => {
      db = await fresh();
      const setup = await PostgresStorage.open({ connectionString: db.url });
      await setup.createDashboard(createDashboard({ id: 'hammer', title: 'Hammer', now: new Date(0).toISOString() }));
      await setup.close();
      reports = await Promise.all(range(WRITERS).map((i) => runWriter(db.url, `node${i}`)));
    }, 120_000);

    it('applies each mutation of a clientId sent through every node exactly once', async () => {
      const applied = reports.flatMap((r) => r.sharedApplied).sort((a, b) => a - b);
      expect(applied).toEqual(range(ROUNDS));
      const storage = await PostgresStorage.open({ connectionString: db.url });
      expect(await storage.getLastMutationId('shared')).toBe(ROUNDS);
      const events = await storage.readEvents('dashboard:hammer', 0, 100_000);
      const shared = events.map((e) => e.data as DashboardEventData).filter((d) => d.kind === 'mutation' && d.clientId === 'shared');
      expect(shared.map((d) => (d.kind === 'mutation' ? d.mutationId : 0))).toEqual(range(ROUNDS));
      expect(Object.keys((await storage.getDashboard('hammer'))?.widgets ?? {})).toHaveLength(ROUNDS);
      await storage.close();
    });

    it('numbers the events of one topic densely across processes: no gap, no offset twice', async () => {
      const storage = await PostgresStorage.open({ connectionString: db.url });
      const total = ROUNDS + WRITERS * ROUNDS;
      const events = await storage.readEvents('dashboard:hammer', 0, 100_000);
      expect(events.map((e) => e.offset)).toEqual(range(total));
      expect((await storage.getDashboard('hammer'))?.version).toBe(total);
      const own = reports.flatMap((r) => r.ownOffsets);
      expect(new Set(own).size).toBe(WRITERS * ROUNDS);
      const points = reports.flatMap((r) => r.streamOffsets).sort((a, b) => a - b);
      expect(points).toEqual(range(WRITERS * ROUNDS * 2));
      const stream = await storage.readEvents('stream:hammer', 0, 100_000);
      expect(stream.map((e) => e.offset)).toEqual(range(WRITERS * ROUNDS * 2));
      await storage.close();
    });
  });
});
