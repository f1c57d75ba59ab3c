/**
 * The seam for work that must run on exactly one node (DESIGN.md §7–8): the pull sources'
 * runner today. A lease-backed implementation (PostgreSQL or Redis, the scale-out work)
 * calls `start` when this node wins the lease and the stop it returned when the lease is
 * lost or the server closes; on one node, `LocalSingletonRunner` simply starts at once.
 */
export interface SingletonRunner {
  /**
   * Runs the task named `name` while this node holds it: `start` begins the work and returns
   * how to stop it. Resolves once the task is registered (not when it first starts).
   */
  run(name: string, start: () => SingletonStop): Promise<void>;
  /** True while this node runs `name`. */
  holds(name: string): boolean;
  /** Stops every task this node runs and gives up its leases. */
  close(): Promise<void>;
}

/** Stops a singleton task; may be async (waits for work in progress). */
export type SingletonStop = () => void | Promise<void>;

/** The single-node SingletonRunner: every task starts at once and runs until close. */
export class LocalSingletonRunner implements SingletonRunner {
  readonly #stops = new Map<string, SingletonStop>();

  async run(name: string, start: () => SingletonStop): Promise<void> {
    if (this.#stops.has(name)) throw new Error(`singleton task "${name}" is already registered`);
    this.#stops.set(name, start());
  }

  holds(name: string): boolean {
    return this.#stops.has(name);
  }

  async close(): Promise<void> {
    const stops = [...this.#stops.values()];
    this.#stops.clear();
    for (const stop of stops) await stop();
  }
}
