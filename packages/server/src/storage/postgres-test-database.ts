import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server the PostgreSQL tests use (trust auth on this machine and in CI); its `postgres` database is only used to create and drop test databases. */
export const TEST_POSTGRES_URL = process.env.PULSEBOARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const IS_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** A database created for one test file; `drop` removes it (also with connections still open). */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/**
 * True when PostgreSQL answers. Outside CI a missing server is reported loudly and the
 * suite skips; with CI=true this returns true anyway, so the suite runs and fails.
 */
export async function postgresAvailable(suite: string): Promise<boolean> {
  try {
    await admin((client) => client.query('SELECT 1'));
    return true;
  } catch (error) {
    const bar = '!'.repeat(78);
    console.warn(
      `\n${bar}\n!! ${IS_CI ? 'FAILING' : 'SKIPPING'} ${suite}: no PostgreSQL at ${TEST_POSTGRES_URL} (${(error as Error).message})\n` +
        `!! Install and start it (apt-get install -y postgresql), or set PULSEBOARD_TEST_POSTGRES_URL\n${bar}\n`,
    );
    return IS_CI;
  }
}

/** Creates an empty, uniquely named database on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `pulseboard_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
    // Tests never crash the database server; skipping the commit flush keeps them fast.
    await client.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  });
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/** Empties every Pulseboard table of a migrated database (a fresh storage for the next test). */
export async function truncateAll(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // DELETE beats TRUNCATE on a handful of rows (TRUNCATE rewrites every table file).
    for (const table of ['dashboards', 'topics', 'events', 'clients', 'mutation_results', 'streams', 'tokens', 'leases', 'client_owners', 'sources']) await client.query(`DELETE FROM ${table}`);
  } finally {
    await client.end();
  }
}
