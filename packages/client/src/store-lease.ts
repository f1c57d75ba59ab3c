/** What a ref-counted store offers its holders. */
export interface LeasedStore<S> {
  retain(): void;
  subscribe(listener: () => void): () => void;
  getSnapshot(): S;
}

/**
 * One holder's lease on a ref-counted store: retained on creation, given back once by
 * `release()` (idempotent). Dashboard and stream handles extend it.
 */
export class StoreLease<T extends LeasedStore<S>, S> {
  protected readonly store: T;
  protected released = false;
  readonly #onRelease: (store: T) => void;

  constructor(store: T, onRelease: (store: T) => void) {
    this.store = store;
    this.#onRelease = onRelease;
    store.retain();
  }

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);
  getSnapshot = (): S => this.store.getSnapshot();

  release(): void {
    if (this.released) return;
    this.released = true;
    this.#onRelease(this.store);
  }
}
