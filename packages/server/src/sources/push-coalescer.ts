import type { PointValue } from '@pulseboard/model';

/** Points for several streams, as SyncService.push takes them. */
export type PointBatch = Array<{ key: string; points: Array<{ ts?: number; value: PointValue }> }>;

/**
 * Joins the pushes of source runs that finish in the same turn of the event loop into one
 * push (one storage transaction, one commit): a thousand sources at 1 s otherwise cost a
 * thousand commits a second. Each caller's promise settles with the shared push.
 */
export class PushCoalescer {
  readonly #push: (batch: PointBatch) => Promise<unknown>;
  #pending: Array<{ batch: PointBatch; resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(push: (batch: PointBatch) => Promise<unknown>) {
    this.#push = push;
  }

  /** Queues `batch` for the next flush (after the current turn's other runs had their say). */
  push(batch: PointBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) setImmediate(() => void this.#flush());
      this.#pending.push({ batch, resolve, reject });
    });
  }

  async #flush(): Promise<void> {
    const items = this.#pending;
    this.#pending = [];
    try {
      await this.#push(items.flatMap((item) => item.batch));
      for (const item of items) item.resolve();
    } catch (error) {
      for (const item of items) item.reject(error);
    }
  }
}
