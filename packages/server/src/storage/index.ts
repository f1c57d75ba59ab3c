import { MemoryStorage } from './memory-storage.js';
import type { Storage } from './storage.js';

/**
 * The storage layer: the Storage interface, its implementations and `openStorage`, the one
 * place the server picks an implementation.
 */
export type * from './storage.js';
export { MemoryStorage } from './memory-storage.js';
export { DASHBOARD_LOG_RETAIN, MUTATION_RESULTS_RETAIN } from './storage-rules.js';

/** What `openStorage` needs: which implementation, and where SQLite keeps its file. */
export interface StorageOptions {
  kind: 'memory' | 'sqlite';
  /** Directory of the SQLite file (created if missing); required for `sqlite`. */
  dataDir?: string;
}

/** Opens the configured storage. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  switch (options.kind) {
    case 'memory':
      return new MemoryStorage();
    case 'sqlite':
      throw new Error('sqlite storage is not implemented yet');
  }
}
