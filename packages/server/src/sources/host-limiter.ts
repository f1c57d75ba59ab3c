/**
 * A per-host concurrency limit for outbound requests: at most `limit` requests to one host
 * at a time; the rest wait in arrival order.
 */
export class HostLimiter {
  readonly #limit: number;
  readonly #hosts = new Map<string, { active: number; waiting: Array<() => void> }>();

  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /** Waits for a slot for `host`; the returned function frees it (call it exactly once). */
  async acquire(host: string): Promise<() => void> {
    let entry = this.#hosts.get(host);
    if (!entry) {
      entry = { active: 0, waiting: [] };
      this.#hosts.set(host, entry);
    }
    if (entry.active >= this.#limit) await new Promise<void>((resolve) => entry.waiting.push(resolve));
    else entry.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = entry.waiting.shift();
      // The slot passes straight to the next waiter, so `active` only drops when none waits.
      if (next) next();
      else if (--entry.active === 0) this.#hosts.delete(host);
    };
  }

  /** Requests running and waiting for `host`; for tests and status. */
  stats(host: string): { active: number; waiting: number } {
    const entry = this.#hosts.get(host);
    return { active: entry?.active ?? 0, waiting: entry?.waiting.length ?? 0 };
  }
}
