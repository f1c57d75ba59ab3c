/**
 * Client persistence: what survives a restart of the page or process. One interface, two
 * implementations (memory, IndexedDB) and one contract suite (offline-store.contract.ts).
 */

/** A queued mutation as persisted. */
export interface PersistedMutation {
  mutationId: number;
  dashboardId: string;
  name: string;
  args: unknown;
  createdAt: number;
}

/** Everything one client keeps across restarts. */
export interface PersistedClientState {
  clientId: string;
  /** Highest mutationId this client has assigned (so ids never repeat). */
  lastMutationId: number;
  /** Unconfirmed mutations, in mutationId order. */
  queue: PersistedMutation[];
}

/** Pluggable persistence; `key` names one client install (see `storeKey`). */
export interface OfflineStore {
  load(key: string): Promise<PersistedClientState | null>;
  save(key: string, state: PersistedClientState): Promise<void>;
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The default store: keeps state in memory (shared by clients given the same instance). */
export class MemoryOfflineStore implements OfflineStore {
  readonly #states = new Map<string, PersistedClientState>();

  async load(key: string): Promise<PersistedClientState | null> {
    const state = this.#states.get(key);
    return state ? clone(state) : null;
  }

  async save(key: string, state: PersistedClientState): Promise<void> {
    this.#states.set(key, clone(state));
  }

  async delete(key: string): Promise<void> {
    this.#states.delete(key);
  }
}
