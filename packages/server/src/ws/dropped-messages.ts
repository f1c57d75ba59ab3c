/**
 * What the rate limiter dropped of one connection since its last `rate_limited` report
 * (contract C4): how many messages, the mutationIds of dropped `mutate`s as inclusive
 * ranges, and the ids of dropped `publish`es that had one.
 */
export class DroppedMessages {
  count = 0;
  readonly mutationIds: Array<[number, number]> = [];
  readonly publishIds: Array<string | number> = [];

  /** Notes one dropped message from its raw text (parsed only to learn what it was). */
  add(text: string): void {
    this.count += 1;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { type, mutationId, id } = message as { type?: unknown; mutationId?: unknown; id?: unknown };
    if (type === 'mutate' && Number.isSafeInteger(mutationId) && (mutationId as number) >= 1) this.#addMutationId(mutationId as number);
    else if (type === 'publish' && ((typeof id === 'string' && id.length <= 64) || Number.isSafeInteger(id))) this.publishIds.push(id as string | number);
  }

  #addMutationId(id: number): void {
    const last = this.mutationIds.at(-1);
    if (last && id === last[1] + 1) last[1] = id;
    else this.mutationIds.push([id, id]);
  }
}

/**
 * One timer for many deadlines: `schedule(key, dueAt)` runs `onDue(key)` at (or just after)
 * `dueAt`, once; a key scheduled again keeps its earlier deadline. Used for the reports of
 * dropped messages that must follow a burst even when nothing else arrives.
 */
export class DeadlineTimer<K> {
  readonly #due = new Map<K, number>();
  readonly #onDue: (key: K) => void;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(onDue: (key: K) => void) {
    this.#onDue = onDue;
  }

  schedule(key: K, dueAt: number): void {
    if (this.#due.has(key)) return;
    this.#due.set(key, dueAt);
    if (dueAt < this.#timerAt) this.#arm(dueAt);
  }

  cancel(key: K): void {
    this.#due.delete(key);
  }

  /** Stops the timer and forgets every deadline. */
  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#due.clear();
  }

  #arm(at: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(this.#fire, Math.max(0, at - Date.now()));
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [key, dueAt] of this.#due) {
      if (dueAt > now) {
        next = Math.min(next, dueAt);
        continue;
      }
      this.#due.delete(key);
      this.#onDue(key);
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  };
}
