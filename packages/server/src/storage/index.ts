import { join } from 'node:path';
import { PulseboardError } from '@pulseboard/model';
import { MemoryStorage } from './memory-storage.js';
import { PostgresStorage } from './postgres-storage.js';
import { SqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

/**
 * The storage layer: the Storage interface, its implementations and `openStorage`, the one
 * place the server picks an implementation.
 */
export type * from './storage.js';
export { MemoryStorage } from './memory-storage.js';
export { SqliteStorage, SQLITE_BUSY_TIMEOUT_MS, type SqliteStorageOptions } from './sqlite-storage.js';
export { PostgresStorage, type PostgresStorageOptions } from './postgres-storage.js';
export { DASHBOARD_LOG_RETAIN, MUTATION_RESULTS_RETAIN } from './storage-rules.js';

/** Name of the SQLite file inside the data directory. */
export const SQLITE_FILE_NAME = 'pulseboard.db';

/** What `openStorage` needs: which implementation, where SQLite keeps its file, which PostgreSQL to use. */
export interface StorageOptions {
  kind: 'memory' | 'sqlite' | 'postgres';
  /** `postgres://…`; required for `postgres`. */
  databaseUrl?: string;
  /** Directory of the SQLite file (created if missing); required for `sqlite`. */
  dataDir?: string;
  /** SQLite durability: `NORMAL` (default, survives kill -9) or `FULL` (also power loss). */
  synchronous?: 'NORMAL' | 'FULL';
}

/** Opens the configured storage. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  switch (options.kind) {
    case 'memory':
      return new MemoryStorage();
    case 'sqlite': {
      if (!options.dataDir) throw new PulseboardError('bad_config', 'sqlite storage needs a dataDir', { status: 500 });
      return new SqliteStorage({ file: join(options.dataDir, SQLITE_FILE_NAME), ...(options.synchronous ? { synchronous: options.synchronous } : {}) });
    }
    case 'postgres': {
      if (!options.databaseUrl) throw new PulseboardError('bad_config', 'postgres storage needs a databaseUrl', { status: 500 });
      return PostgresStorage.open({ connectionString: options.databaseUrl });
    }
  }
}
