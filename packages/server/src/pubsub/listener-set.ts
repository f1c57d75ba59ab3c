/**
 * The listeners of one pubsub channel: each call delivers to a snapshot of the set (so a
 * listener that (un)subscribes while notified does not skip or repeat others), and a
 * listener that throws is reported while the others still get the value.
 */
export class ListenerSet<T> {
  readonly #listeners = new Set<(value: T) => void>();
  readonly #onError: (error: unknown, value: T) => void;

  constructor(onError: (error: unknown, value: T) => void) {
    this.#onError = onError;
  }

  /** Adds a listener; the same function added twice gets two independent subscriptions. */
  add(listener: (value: T) => void): () => void {
    const entry = (value: T) => listener(value);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.#onError(error, value);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
