/**
 * Test fixture for singleton-runner.integration.test.ts: a "node" that runs one singleton
 * job under a PostgreSQL lease and prints `started` when it takes it. Usage:
 * `singleton-runner.fixture.ts <databaseUrl> <holder> <ttlMs> <renewMs>`. It runs until killed.
 */
import { LeasedSingletonRunner, PostgresLeaseStore } from './singleton-runner.js';
import { PostgresStorage } from './storage/postgres-storage.js';

const [url, holder, ttl, renew] = process.argv.slice(2) as [string, string, string, string];
const storage = await PostgresStorage.open({ connectionString: url, poolSize: 1 });
const runner = new LeasedSingletonRunner({ store: new PostgresLeaseStore(storage.pool), holder, ttlMs: Number(ttl), renewIntervalMs: Number(renew) });
await runner.run('job', () => {
  process.stdout.write('started\n');
  return () => void process.stdout.write('stopped\n');
});
setInterval(() => {}, 60_000);
