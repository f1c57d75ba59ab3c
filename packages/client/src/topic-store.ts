import { SnapshotStore } from './subscribable.js';
import type { FrameTarget, UpdateProcessor } from './update-processor.js';

/**
 * What the dashboard and stream stores share: a ref count of their holders (handles), an
 * inbox of socket messages applied once per frame, and the clean-ups run on `close()`.
 * A subclass applies a frame's messages in `applyFrame`.
 */
export abstract class TopicStore<M, S> extends SnapshotStore<S> implements FrameTarget {
  readonly topic: string;
  readonly #processor: UpdateProcessor;
  #inbox: M[] = [];
  #refCount = 0;
  #closed = false;
  /** Run once by `close()` (unsubscribe the topic, unregister from refreshes, …). */
  protected readonly cleanup: Array<() => void> = [];

  constructor(topic: string, initial: S, processor: UpdateProcessor) {
    super(initial);
    this.topic = topic;
    this.#processor = processor;
  }

  get refCount(): number {
    return this.#refCount;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds one holder. */
  retain(): void {
    this.#refCount++;
  }

  /** Drops one holder; true when it was the last (the caller then closes the store). */
  releaseOne(): boolean {
    this.#refCount = Math.max(0, this.#refCount - 1);
    return this.#refCount === 0;
  }

  /** Buffers one inbound message; it is applied in the next frame. */
  enqueue(message: M): void {
    if (this.#closed) return;
    this.#inbox.push(message);
    this.#processor.schedule(this);
  }

  /** Applies everything buffered since the last frame (one notification at most). */
  flushFrame(): void {
    if (this.#closed) return;
    const inbox = this.#inbox;
    this.#inbox = [];
    this.applyFrame(inbox);
  }

  /** Stops for good: runs the clean-ups, then hands what was still buffered to `onClose`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const unapplied = this.#inbox;
    this.#inbox = [];
    for (const fn of this.cleanup.splice(0)) fn();
    this.onClose(unapplied);
  }

  protected abstract applyFrame(inbox: M[]): void;

  /** Called once the store is closed, with the messages it never applied. */
  protected onClose(_unapplied: M[]): void {}
}
