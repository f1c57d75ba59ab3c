import { Subscribable } from './subscribable.js';

/** What the page/process is doing: visible or hidden, online or offline. */
export interface EnvironmentState {
  visible: boolean;
  online: boolean;
}

/** An environment signal: the page became visible/focused, or the network came back. */
export type EnvironmentSignal = 'focus' | 'online' | 'offline' | 'hidden';

type SignalListener = (signal: EnvironmentSignal) => void;

/**
 * Bridges the browser's visibility, focus and online events to the core. In Node (no
 * `window`/`document`) it reports visible + online forever and attaches nothing. Tests
 * drive it through `emit`.
 */
export class EnvironmentManager extends Subscribable {
  #visible = true;
  #online = true;
  readonly #signalListeners = new Set<SignalListener>();
  #detach: (() => void) | null = null;

  constructor(options: { attach?: boolean } = {}) {
    super();
    if (options.attach !== false) this.#attachToBrowser();
  }

  get state(): EnvironmentState {
    return { visible: this.#visible, online: this.#online };
  }

  onSignal(listener: SignalListener): () => void {
    this.#signalListeners.add(listener);
    return () => this.#signalListeners.delete(listener);
  }

  get signalListenerCount(): number {
    return this.#signalListeners.size;
  }

  /** Feeds a signal in (used by the browser bridge, and by tests). */
  emit(signal: EnvironmentSignal): void {
    if (signal === 'focus') this.#visible = true;
    if (signal === 'hidden') this.#visible = false;
    if (signal === 'online') this.#online = true;
    if (signal === 'offline') this.#online = false;
    for (const listener of [...this.#signalListeners]) {
      try {
        listener(signal);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    this.notify();
  }

  destroy(): void {
    this.#detach?.();
    this.#detach = null;
    this.#signalListeners.clear();
  }

  #attachToBrowser(): void {
    const win = typeof window === 'undefined' ? undefined : window;
    const doc = typeof document === 'undefined' ? undefined : document;
    if (!win || typeof win.addEventListener !== 'function') return;
    this.#visible = doc ? doc.visibilityState !== 'hidden' : true;
    this.#online = typeof navigator !== 'undefined' && typeof navigator.onLine === 'boolean' ? navigator.onLine : true;
    const onVisibility = () => this.emit(doc?.visibilityState === 'hidden' ? 'hidden' : 'focus');
    const onFocus = () => this.emit('focus');
    const onOnline = () => this.emit('online');
    const onOffline = () => this.emit('offline');
    doc?.addEventListener('visibilitychange', onVisibility);
    win.addEventListener('focus', onFocus);
    win.addEventListener('online', onOnline);
    win.addEventListener('offline', onOffline);
    this.#detach = () => {
      doc?.removeEventListener('visibilitychange', onVisibility);
      win.removeEventListener('focus', onFocus);
      win.removeEventListener('online', onOnline);
      win.removeEventListener('offline', onOffline);
    };
  }
}
