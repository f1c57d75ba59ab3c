import type pg from 'pg';

/**
 * The seam for work that must run on exactly one node (DESIGN.md §7–8): the pull sources'
 * runner and the demo feed. `LeasedSingletonRunner` (below, leases in PostgreSQL) calls
 * `start` when this node wins the lease and the stop it returned when the lease is lost or
 * the server closes; on one node, `LocalSingletonRunner` simply starts at once.
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

/**
 * Leases for singleton work (the demo feed, retention jobs, scheduled data-source pollers):
 * with N nodes exactly one runs each job. A lease is a row `(name, holder, expires_at)`;
 * its holder renews it well before it expires, and when the holder dies anyone may take it
 * once it has expired, so a job moves to another node within `ttlMs` (+ one renewal period).
 */
export interface LeaseStore {
  /** Takes the lease `name` for `holder` (free, expired, or already ours) until `now + ttlMs`; true when `holder` has it. */
  tryAcquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  /** Gives the lease up if `holder` has it (a clean shutdown hands the job over at once). */
  release(name: string, holder: string): Promise<void>;
}

/** Leases in PostgreSQL's `leases` table (postgres-schema.ts), shared by every node on the database. */
export class PostgresLeaseStore implements LeaseStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async tryAcquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    // One statement: insert, or take over when it is ours or expired; otherwise no row comes back.
    const { rowCount } = await this.#pool.query(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= $4
       RETURNING holder`,
      [name, holder, now + ttlMs, now],
    );
    return (rowCount ?? 0) > 0;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.#pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }
}

/** Leases within one process: the single-node default (SQLite, memory), where every job runs here. */
export class LocalLeaseStore implements LeaseStore {
  readonly #leases = new Map<string, { holder: string; expiresAt: number }>();

  async tryAcquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const lease = this.#leases.get(name);
    if (lease && lease.holder !== holder && lease.expiresAt > now) return false;
    this.#leases.set(name, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async release(name: string, holder: string): Promise<void> {
    if (this.#leases.get(name)?.holder === holder) this.#leases.delete(name);
  }
}

/** How long a lease lasts without renewal: a dead holder's job moves within this (+ one renewal period). */
export const LEASE_TTL_MS = 5_000;
/** How often a runner renews its lease (or, without it, tries to take it). */
export const LEASE_RENEW_INTERVAL_MS = 1_000;

/** What a caller passes to a LeasedSingletonRunner. */
export interface LeasedSingletonRunnerOptions {
  store: LeaseStore;
  /** This node's id (unique per process): the holder name of its leases. */
  holder: string;
  ttlMs?: number;
  renewIntervalMs?: number;
  onError?(error: unknown, task: string): void;
}

/**
 * The SingletonRunner for N nodes: each task runs on the one node holding its lease (a row
 * in PostgreSQL). Every node's runner tries to take each task's lease every renewal period;
 * the holder renews it. A holder that cannot renew (lost to another node, or the database
 * away past the lease's expiry) stops the task first; when a holder dies, another node takes
 * over once the lease expires (`ttlMs`, 5 s by default).
 */
export class LeasedSingletonRunner implements SingletonRunner {
  readonly #options: LeasedSingletonRunnerOptions;
  readonly #tasks = new Map<string, LeaseTask>();

  constructor(options: LeasedSingletonRunnerOptions) {
    this.#options = options;
  }

  async run(name: string, start: () => SingletonStop): Promise<void> {
    if (this.#tasks.has(name)) throw new Error(`singleton task "${name}" is already registered`);
    const task = new LeaseTask(name, start, this.#options);
    this.#tasks.set(name, task);
    await task.begin();
  }

  holds(name: string): boolean {
    return this.#tasks.get(name)?.running ?? false;
  }

  async close(): Promise<void> {
    const tasks = [...this.#tasks.values()];
    this.#tasks.clear();
    for (const task of tasks) await task.close();
  }
}

/** One task's lease loop: take or renew every period; start on gaining it, stop on losing it. */
class LeaseTask {
  readonly #name: string;
  readonly #start: () => SingletonStop;
  readonly #store: LeaseStore;
  readonly #holder: string;
  readonly #ttlMs: number;
  readonly #renewIntervalMs: number;
  readonly #onError: (error: unknown) => void;
  #stop: SingletonStop | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Until when our lease is certainly ours (last successful renewal + ttl). */
  #heldUntil = 0;
  #closed = false;
  #step: Promise<void> = Promise.resolve();

  constructor(name: string, start: () => SingletonStop, options: LeasedSingletonRunnerOptions) {
    this.#name = name;
    this.#start = start;
    this.#store = options.store;
    this.#holder = options.holder;
    this.#ttlMs = options.ttlMs ?? LEASE_TTL_MS;
    this.#renewIntervalMs = options.renewIntervalMs ?? LEASE_RENEW_INTERVAL_MS;
    this.#onError = (error) => options.onError?.(error, name);
  }

  get running(): boolean {
    return this.#stop !== null;
  }

  begin(): Promise<void> {
    return this.#tick();
  }

  /** Stops the task and releases the lease, so another node takes it on its next try. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#step;
    if (this.#stop) {
      await this.#halt();
      await this.#store.release(this.#name, this.#holder).catch(this.#onError);
    }
  }

  #tick(): Promise<void> {
    this.#step = this.#step.then(async () => {
      if (this.#closed) return;
      const now = Date.now();
      let ours: boolean;
      try {
        ours = await this.#store.tryAcquire(this.#name, this.#holder, this.#ttlMs, now);
        if (ours) this.#heldUntil = now + this.#ttlMs;
      } catch (error) {
        this.#onError(error);
        // Unknown: keep running only while the last renewal still covers us.
        ours = this.running && Date.now() < this.#heldUntil - this.#renewIntervalMs;
      }
      if (this.#closed) return;
      if (ours && !this.running) {
        try {
          this.#stop = this.#start();
        } catch (error) {
          this.#onError(error);
        }
      } else if (!ours && this.running) {
        await this.#halt();
      }
      this.#timer = setTimeout(() => void this.#tick(), this.#renewIntervalMs);
      this.#timer.unref();
    });
    return this.#step;
  }

  async #halt(): Promise<void> {
    const stop = this.#stop;
    this.#stop = null;
    try {
      await stop?.();
    } catch (error) {
      this.#onError(error);
    }
  }
}
