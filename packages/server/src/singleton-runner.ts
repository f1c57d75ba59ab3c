import type pg from 'pg';

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

/** What a caller passes to a SingletonRunner. */
export interface SingletonRunnerOptions {
  store: LeaseStore;
  /** The job's name, the same on every node (e.g. `demo-feed`, `poller:<id>`). */
  name: string;
  /** This node's id (unique per process). */
  holder: string;
  /** Starts the job (called when this node takes the lease). */
  start(): Promise<void> | void;
  /** Stops the job (called when the lease is lost or the runner closes). */
  stop(): Promise<void> | void;
  ttlMs?: number;
  renewIntervalMs?: number;
  onError?(error: unknown): void;
}

/**
 * Runs `start` on exactly one node of the deployment at a time: every node's runner tries to
 * take the lease each renewal period; the holder renews it. A holder that cannot renew (lost
 * to another node, or the database is away past the lease's expiry) stops its job first.
 */
export class SingletonRunner {
  readonly #options: Required<Omit<SingletonRunnerOptions, 'onError'>> & Pick<SingletonRunnerOptions, 'onError'>;
  #timer: NodeJS.Timeout | null = null;
  #holding = false;
  /** Until when our lease is certainly ours (last successful renewal + ttl). */
  #heldUntil = 0;
  #closed = false;
  #step: Promise<void> = Promise.resolve();

  constructor(options: SingletonRunnerOptions) {
    this.#options = { ttlMs: LEASE_TTL_MS, renewIntervalMs: LEASE_RENEW_INTERVAL_MS, ...options };
  }

  /** True while this node holds the lease and runs the job. */
  get running(): boolean {
    return this.#holding;
  }

  /** Tries to take the lease now, then keeps trying/renewing every renewal period. */
  async begin(): Promise<void> {
    await this.#tick();
  }

  /** Stops the job and releases the lease, so another node takes it at once. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#step;
    if (this.#holding) {
      this.#holding = false;
      await this.#run(() => this.#options.stop());
      await this.#options.store.release(this.#options.name, this.#options.holder).catch((error: unknown) => this.#options.onError?.(error));
    }
  }

  #tick(): Promise<void> {
    this.#step = this.#step.then(async () => {
      if (this.#closed) return;
      const { store, name, holder, ttlMs, renewIntervalMs } = this.#options;
      const now = Date.now();
      let ours: boolean;
      try {
        ours = await store.tryAcquire(name, holder, ttlMs, now);
        if (ours) this.#heldUntil = now + ttlMs;
      } catch (error) {
        this.#options.onError?.(error);
        // Unknown: keep running only while the last renewal still covers us.
        ours = this.#holding && Date.now() < this.#heldUntil - renewIntervalMs;
      }
      if (this.#closed) return;
      if (ours && !this.#holding) {
        this.#holding = true;
        await this.#run(() => this.#options.start());
      } else if (!ours && this.#holding) {
        this.#holding = false;
        await this.#run(() => this.#options.stop());
      }
      this.#timer = setTimeout(() => void this.#tick(), renewIntervalMs);
      this.#timer.unref();
    });
    return this.#step;
  }

  async #run(job: () => Promise<void> | void): Promise<void> {
    try {
      await job();
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}
