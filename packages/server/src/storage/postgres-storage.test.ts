import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresStorage } from './postgres-storage.js';
import { createTestDatabase, postgresAvailable, truncateAll, type TestDatabase } from './postgres-test-database.js';
import { runStorageContract } from './storage-contract.js';

const HAVE_POSTGRES = await postgresAvailable('the PostgreSQL storage tests');

describe.skipIf(!HAVE_POSTGRES)('PostgresStorage', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await (await PostgresStorage.open({ connectionString: db.url })).close();
  });
  afterAll(async () => {
    await db?.drop();
  });

  runStorageContract('PostgresStorage', async () => {
    await truncateAll(db.url);
    return PostgresStorage.open({ connectionString: db.url });
  });
});
