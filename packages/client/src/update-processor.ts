import type { EnvironmentManager } from './environment-manager.js';

/** Something that buffers incoming messages and applies them when its frame comes. */
export interface FrameTarget {
  /** Applies everything buffered since the last frame, then notifies its listeners once. */
  flushFrame(): void;
}

/**
 * Incoming side of the update processor: stores buffer what arrives and `schedule`
 * themselves; once per frame (requestAnimationFrame in a visible browser page, a
 * `frameIntervalMs` timer elsewhere, e.g. Node or a hidden tab where rAF stalls) every
 * scheduled store flushes — so 1,000 events inside one frame give one notification.
 */
export class UpdateProcessor {
  readonly #frameIntervalMs: number;
  readonly #environment: EnvironmentManager | undefined;
  readonly #dirty = new Set<FrameTarget>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #raf: number | null = null;
  /** Counts requested frames, so a stale rAF callback is ignored. */
  #frames = 0;
  #onFlush: ((targets: number) => void) | undefined;

  constructor(options: { frameIntervalMs: number; environment?: EnvironmentManager; onFlush?: (targets: number) => void }) {
    this.#frameIntervalMs = options.frameIntervalMs;
    this.#environment = options.environment;
    this.#onFlush = options.onFlush;
  }

  /** Asks for `target.flushFrame()` in the next frame (once, however often it is asked). */
  schedule(target: FrameTarget): void {
    this.#dirty.add(target);
    if (this.#timer !== null) return;
    const visible = this.#environment?.state.visible ?? true;
    // A frame requested before the page was hidden would stall with rAF: add the timer.
    if (this.#raf !== null && visible) return;
    if (this.#raf === null && visible && typeof requestAnimationFrame === 'function') {
      const frame = ++this.#frames;
      this.#raf = requestAnimationFrame(() => {
        // A frame already flushed (by the timer, or `flush()`) must not clear a newer one.
        if (frame !== this.#frames) return;
        this.#raf = null;
        this.flush();
      });
    } else {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.flush();
      }, this.#frameIntervalMs);
    }
  }

  /** Flushes every scheduled target now (tests, and `close()`). */
  flush(): void {
    this.#frames++;
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#raf !== null && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(this.#raf);
    this.#timer = null;
    this.#raf = null;
    const targets = [...this.#dirty];
    this.#dirty.clear();
    for (const target of targets) {
      try {
        target.flushFrame();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    if (targets.length > 0) this.#onFlush?.(targets.length);
  }

  /** Drops what is scheduled and cancels the frame. */
  cancel(): void {
    this.#frames++;
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#raf !== null && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(this.#raf);
    this.#timer = null;
    this.#raf = null;
    this.#dirty.clear();
  }
}
