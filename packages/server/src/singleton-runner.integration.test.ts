import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresLeaseStore, SingletonRunner } from './singleton-runner.js';
import { PostgresStorage } from './storage/postgres-storage.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './storage/postgres-test-database.js';

const HAVE_POSTGRES = await postgresAvailable('the singleton runner tests');
const TTL_MS = 1_000;
const RENEW_MS = 200;

/** A runner whose start/stop resolve promises a test can await. */
function runner(storage: PostgresStorage, holder: string) {
  let started = () => {};
  let stopped = () => {};
  const events = {
    started: new Promise<void>((resolve) => (started = resolve)),
    stopped: new Promise<void>((resolve) => (stopped = resolve)),
  };
  const job = new SingletonRunner({
    store: new PostgresLeaseStore(storage.pool),
    name: 'job',
    holder,
    ttlMs: TTL_MS,
    renewIntervalMs: RENEW_MS,
    start: () => started(),
    stop: () => stopped(),
  });
  return { job, ...events };
}

describe.skipIf(!HAVE_POSTGRES)('SingletonRunner over PostgreSQL leases', () => {
  let db: TestDatabase;
  let storage: PostgresStorage;
  beforeAll(async () => {
    db = await createTestDatabase();
    storage = await PostgresStorage.open({ connectionString: db.url });
  });
  afterAll(async () => {
    await storage?.close();
    await db?.drop();
  });

  it('runs the job on exactly one of several nodes, and hands it over at once on a clean close', async () => {
    await storage.pool.query('DELETE FROM leases');
    const nodes = ['a', 'b', 'c'].map((holder) => runner(storage, holder));
    await Promise.all(nodes.map((n) => n.job.begin()));
    expect(nodes.filter((n) => n.job.running)).toHaveLength(1);
    const holder = nodes.find((n) => n.job.running);
    await holder?.job.close();
    await holder?.stopped;
    // One of the others takes it on its next renewal.
    await Promise.race(nodes.filter((n) => n !== holder).map((n) => n.started));
    expect(nodes.filter((n) => n.job.running)).toHaveLength(1);
    for (const n of nodes) await n.job.close();
  });

  it('moves the job to another node once the holder is killed with SIGKILL', async () => {
    await storage.pool.query('DELETE FROM leases');
    const fixture = fileURLToPath(new URL('./singleton-runner.fixture.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, db.url, 'doomed', String(TTL_MS), String(RENEW_MS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('started')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`fixture exited (${String(code)}) before taking the lease`)));
    });
    const survivor = runner(storage, 'survivor');
    await survivor.job.begin();
    expect(survivor.job.running).toBe(false);
    child.kill('SIGKILL');
    await exited;
    await survivor.started;
    expect(survivor.job.running).toBe(true);
    const { rows } = await storage.pool.query<{ holder: string }>("SELECT holder FROM leases WHERE name = 'job'");
    expect(rows).toEqual([{ holder: 'survivor' }]);
    await survivor.job.close();
  });
});
