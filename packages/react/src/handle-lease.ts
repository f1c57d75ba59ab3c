import type { ExternalStore } from '@pulseboard/client';

/** A client handle that must be given back. */
export interface Releasable<S> extends ExternalStore<S> {
  release(): void;
}

/**
 * Holds a client handle only while React is subscribed. The handle is acquired in
 * `subscribe` (an effect, so a render React throws away never leaks one) and released with
 * the last unsubscribe; until then `getSnapshot` returns what `peek` finds (the snapshot of
 * a store another holder already has: a prefetch renders in the first render) or `fallback`.
 * React re-reads the snapshot right after subscribing, so the first real state renders at once.
 */
export class HandleLease<H extends Releasable<S>, S> {
  #handle: H | null = null;
  #subscribers = 0;
  readonly #acquire: () => H;
  readonly #fallback: S;
  readonly #peek: (() => S | null) | undefined;

  constructor(acquire: () => H, fallback: S, peek?: () => S | null) {
    this.#acquire = acquire;
    this.#fallback = fallback;
    this.#peek = peek;
  }

  /** The handle while subscribed, else null. */
  get current(): H | null {
    return this.#handle;
  }

  subscribe = (listener: () => void): (() => void) => {
    const handle = (this.#handle ??= this.#acquire());
    const unsubscribe = handle.subscribe(listener);
    this.#subscribers++;
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      unsubscribe();
      if (--this.#subscribers === 0 && this.#handle === handle) {
        this.#handle = null;
        handle.release();
      }
    };
  };

  getSnapshot = (): S => (this.#handle ? this.#handle.getSnapshot() : (this.#peek?.() ?? this.#fallback));
}
