import { Subscribable } from './subscribable.js';
import type { NoticesHandle, SyncNotice } from './types.js';

let noticeCounter = 0;

/** What a caller gives to record a notice (the log adds its id, time and dashboard). */
export type NoticeInput = Omit<SyncNotice, 'id' | 'at' | 'dashboardId'>;

/**
 * A bounded, immutable list of notices (oldest dropped past `max`): each dashboard's state
 * keeps one, and the client one more for dashboards nobody holds. Ids are unique per page.
 */
export class NoticeLog {
  readonly #max: number;
  readonly #now: () => number;
  #list: readonly SyncNotice[] = [];

  constructor(options: { max: number; now: () => number }) {
    this.#max = options.max;
    this.#now = options.now;
  }

  /** The notices, oldest first (a new array whenever it changed). */
  get list(): readonly SyncNotice[] {
    return this.#list;
  }

  /** Records a notice about `dashboardId`; returns it. */
  add(dashboardId: string, input: NoticeInput): SyncNotice {
    const notice: SyncNotice = { ...input, id: `n${++noticeCounter}`, dashboardId, at: this.#now() };
    const list = [...this.#list, notice];
    this.#list = list.length > this.#max ? list.slice(list.length - this.#max) : list;
    return notice;
  }

  /** True when a notice of `kind` about this mutation exists already. */
  has(mutationId: number, kind: SyncNotice['kind']): boolean {
    return this.#list.some((n) => n.kind === kind && n.mutation?.mutationId === mutationId);
  }

  /** Drops one notice; false when there was none with that id. */
  dismiss(id: string): boolean {
    const next = this.#list.filter((n) => n.id !== id);
    if (next.length === this.#list.length) return false;
    this.#list = next;
    return true;
  }
}

/**
 * The client's own notices: about edits whose dashboard no handle held when their result
 * arrived (a held dashboard's notices are in its snapshot). `getSnapshot()` is the list.
 */
export class ClientNotices extends Subscribable implements NoticesHandle {
  readonly #log: NoticeLog;

  constructor(options: { max: number; now: () => number }) {
    super();
    this.#log = new NoticeLog(options);
  }

  getSnapshot = (): readonly SyncNotice[] => this.#log.list;

  /** Records a notice and notifies. */
  add(dashboardId: string, input: NoticeInput): SyncNotice {
    const notice = this.#log.add(dashboardId, input);
    this.notify();
    return notice;
  }

  dismiss = (id: string): void => {
    if (this.#log.dismiss(id)) this.notify();
  };
}
