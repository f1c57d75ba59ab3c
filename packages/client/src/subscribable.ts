/**
 * The one observable primitive of the core: a set of listeners notified in turn. A listener
 * that throws is isolated (reported, not rethrown) so the rest of the loop still runs.
 */
export class Subscribable {
  protected readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    this.onSubscribe();
    return () => {
      if (!this.listeners.delete(listener)) return;
      this.onUnsubscribe();
    };
  };

  /** How many listeners are attached (leak tests read it). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  protected notify(): void {
    // Iterate over a copy: a listener may unsubscribe itself (or another) while being notified.
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  protected onSubscribe(): void {}
  protected onUnsubscribe(): void {}
}

/** A Subscribable holding one immutable snapshot, replaced (never mutated) on change. */
export class SnapshotStore<T> extends Subscribable {
  #snapshot: T;

  constructor(initial: T) {
    super();
    this.#snapshot = initial;
  }

  getSnapshot = (): T => this.#snapshot;

  /** The snapshot as it stands, for a subclass whose `getSnapshot` brings it up to date first. */
  protected current(): T {
    return this.#snapshot;
  }

  /** Replaces the snapshot with `patch` merged in and notifies, unless nothing changed. */
  protected update(patch: Partial<T>): void {
    if (this.replace(patch)) this.notify();
  }

  /** Replaces the snapshot with `patch` merged in, without notifying; false when nothing changed. */
  protected replace(patch: Partial<T>): boolean {
    let changed = false;
    for (const key of Object.keys(patch) as Array<keyof T>) {
      if (!Object.is(this.#snapshot[key], patch[key])) {
        changed = true;
        break;
      }
    }
    if (!changed) return false;
    this.#snapshot = Object.freeze({ ...this.#snapshot, ...patch });
    return true;
  }
}

function reportListenerError(error: unknown): void {
  // Surface the failure without breaking the notification loop or the caller's stack.
  queueMicrotask(() => {
    throw error;
  });
}
