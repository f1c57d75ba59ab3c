import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeasedSingletonRunner, PostgresLeaseStore } from './singleton-runner.js';
import { PostgresStorage } from './storage/postgres-storage.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './storage/postgres-test-database.js';

const HAVE_POSTGRES = await postgresAvailable('the singleton runner tests');
const TTL_MS = 1_000;
const RENEW_MS = 200;

/** A node's runner with one task whose start/stop resolve promises a test can await. */
function runner(storage: PostgresStorage, holder: string) {
  let started = () => {};
  let stopped = () => {};
  const events = {
    started: new Promise<void>((resolve) => (started = resolve)),
    stopped: new Promise<void>((resolve) => (stopped = resolve)),
  };
  const node = new LeasedSingletonRunner({ store: new PostgresLeaseStore(storage.pool), holder, ttlMs: TTL_MS, renewIntervalMs: RENEW_MS });
  const begin = () =>
    node.run('job', () => {
      started();
      return () => stopped();
    });
  return { node, begin, running: () => node.holds('job'), ...events };
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
    await Promise.all(nodes.map((n) => n.begin()));
    expect(nodes.filter((n) => n.running())).toHaveLength(1);
    const holder = nodes.find((n) => n.running());
    await holder?.node.close();
    await holder?.stopped;
    // One of the others takes it on its next renewal.
    await Promise.race(nodes.filter((n) => n !== holder).map((n) => n.started));
    expect(nodes.filter((n) => n.running())).toHaveLength(1);
    for (const n of nodes) await n.node.close();
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
    await survivor.begin();
    expect(survivor.running()).toBe(false);
    child.kill('SIGKILL');
    await exited;
    await survivor.started;
    expect(survivor.running()).toBe(true);
    const { rows } = await storage.pool.query<{ holder: string }>("SELECT holder FROM leases WHERE name = 'job'");
    expect(rows).toEqual([{ holder: 'survivor' }]);
    await survivor.node.close();
  });
});
