import type { Dashboard, FieldConflict, MutationStatus } from '@pulseboard/model';
import type { Position } from '@pulseboard/protocol';
import type { MutationQueue, QueueEntry } from './mutation-queue.js';
import type { ClientNotices, NoticeInput } from './notice-log.js';

/** A mutation's result as the server reports it: a socket `ack`, or one HTTP mutation result. */
export interface MutationResult {
  dashboardId: string;
  mutationId: number;
  status: MutationStatus;
  offset?: number;
  conflicts?: FieldConflict[];
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

/** How a held dashboard takes part in settlement: its confirmed position, and its notices. */
export interface SettlementTarget {
  /** The confirmed position (null before the first snapshot). */
  readonly position: Position | null;
  /** The edit was refused or no longer applies: it is rolled back; tell its author why. */
  refused(entry: QueueEntry, status: 'rejected' | 'superseded', error?: { code: string; message: string }): void;
  /** The edit was applied over someone else's change (told once per mutation). */
  conflicted(entry: QueueEntry, conflicts: FieldConflict[]): void;
}

/**
 * The one home of mutation settlement: when a queued mutation is done with (confirmed,
 * rolled back, or renumbered), whatever told us — a socket `ack`, an HTTP result, the
 * `welcome`'s `lastMutationId`, my own event, or a snapshot that replaced the confirmed
 * state. The queue owns its entries; this module only calls its operations.
 *
 * The rule for results: a mutation the server processed is only dropped once its result
 * is known. When the ack was lost (a cut connection, a reload, a first subscribe that
 * never completed), the queue sends it again on the next connection and the server answers
 * the duplicate with its stored result, so a refusal is reported with the server's own
 * reason (`widget_not_found`) and an applied edit waits until its event is confirmed.
 *
 * Client-wide rules live here (welcome, out-of-order renumbering, results for dashboards
 * nobody holds: refusals become client notices); each held dashboard gets a
 * `DashboardSettlement` (from `attach`) for the rules that depend on its confirmed state.
 */
export class MutationSettlement {
  readonly #queue: MutationQueue;
  readonly #notices: ClientNotices;
  readonly #held = new Map<string, DashboardSettlement>();
  /** The `expected` of the last renumbering, so one burst of out_of_order answers renumbers once. */
  #resyncExpected: number | null = null;

  constructor(options: { queue: MutationQueue; notices: ClientNotices }) {
    this.#queue = options.queue;
    this.#notices = options.notices;
  }

  /** A dashboard is held: its results are settled against `target` until `detach()`. */
  attach(dashboardId: string, target: SettlementTarget): DashboardSettlement {
    const settlement = new DashboardSettlement(dashboardId, target, this.#queue, () => {
      if (this.#held.get(dashboardId) === settlement) this.#held.delete(dashboardId);
    });
    this.#held.set(dashboardId, settlement);
    return settlement;
  }

  /**
   * A new connection's `welcome`: everything up to `lastMutationId` is processed. On this
   * connection the queue sends again what the server has not processed, and asks for the
   * stored result of what it processed without our knowing the result.
   */
  welcome(lastMutationId: number): void {
    this.#resyncExpected = null;
    this.#queue.serverProcessedUpTo(lastMutationId);
    this.#queue.newGeneration();
  }

  /**
   * A socket ack arrived. A held dashboard settles it in its next frame (with the events
   * around it: `deliver`), any other is settled now.
   */
  received(ack: MutationResult, deliver: ((ack: MutationResult) => void) | null): void {
    // The server took something: a later out_of_order with the same `expected` is a new one.
    this.#resyncExpected = null;
    if (deliver && this.#held.has(ack.dashboardId)) deliver(ack);
    else this.settle(ack);
  }

  /** Settles one result (an ack in its dashboard's frame, or an HTTP result). */
  settle(result: MutationResult): void {
    const held = this.#held.get(result.dashboardId);
    if (held) {
      held.settle(result);
      return;
    }
    // Nobody holds that dashboard: the queue is settled, and a refusal is told through the client.
    if (result.error?.code === 'out_of_order') return;
    const entry = this.#queue.remove(result.mutationId);
    const refusal = entry && refusalOf(result);
    if (refusal) this.#notices.add(entry.dashboardId, refusalNotice(entry, refusal.status, refusal.error, null));
  }

  /** The results of one HTTP mutations request, and the client's `lastMutationId` it reported. */
  httpResults(dashboardId: string, results: readonly Omit<MutationResult, 'dashboardId'>[], lastMutationId: number): void {
    for (const result of results) {
      if (result.error?.code === 'out_of_order') {
        const expected = result.error.details?.expected;
        if (typeof expected === 'number') this.outOfOrder(expected);
        continue;
      }
      this.settle({ ...result, dashboardId, conflicts: result.conflicts ?? [] });
    }
    this.#queue.serverProcessedUpTo(lastMutationId);
  }

  /**
   * The server dropped mutations (rate limited; `ranges` of ids, inclusive): from the lowest
   * one on, everything it has not accepted is sent again after `retryAfterMs`.
   */
  dropped(ranges: ReadonlyArray<readonly [number, number]>, retryAfterMs: number): void {
    const lowest = Math.min(...ranges.map(([from]) => from));
    if (Number.isFinite(lowest)) this.#queue.resendFrom(lowest, Math.max(0, retryAfterMs));
  }

  /**
   * The server expects mutation `expected` next but got a later one: an id was refused
   * without being recorded (e.g. forbidden). Renumber what it has not accepted and resend.
   */
  outOfOrder(expected: number): void {
    if (this.#resyncExpected === expected) return;
    this.#resyncExpected = expected;
    this.#queue.renumberFrom(expected);
    // Everything before `expected` reached the server; the rest goes again (after any pause it asked for).
    this.#queue.resendFrom(expected, 0);
  }
}

/**
 * Settlement of one held dashboard: results are checked against its confirmed position,
 * refusals and conflicts become its notices, and a snapshot that passes the event of an
 * applied mutation settles it.
 */
export class DashboardSettlement {
  readonly dashboardId: string;
  readonly #target: SettlementTarget;
  readonly #queue: MutationQueue;
  readonly #detach: () => void;

  constructor(dashboardId: string, target: SettlementTarget, queue: MutationQueue, detach: () => void) {
    this.dashboardId = dashboardId;
    this.#target = target;
    this.#queue = queue;
    this.#detach = detach;
  }

  /** The dashboard is no longer held. */
  detach(): void {
    this.#detach();
  }

  /** Applies one result (socket ack, stored result asked for, or HTTP result). */
  settle(result: MutationResult): void {
    const queue = this.#queue;
    const entry = queue.get(result.mutationId);
    if (!entry || result.error?.code === 'out_of_order') return;
    const refusal = refusalOf(result);
    if (refusal || result.status === 'rejected' || result.status === 'superseded') {
      queue.remove(result.mutationId);
      if (refusal) this.#target.refused(entry, refusal.status, refusal.error);
      return;
    }
    if (result.status === 'conflict' && result.conflicts?.length) this.#target.conflicted(entry, result.conflicts);
    const position = this.#target.position;
    if (result.offset !== undefined && position && result.offset <= position.offset) queue.remove(result.mutationId);
    else queue.markProcessed(result.mutationId, result.offset ?? null);
  }

  /** My event arrived: that mutation is confirmed. */
  ownEvent(mutationId: number): void {
    this.#queue.remove(mutationId);
  }

  /**
   * A document at `version` (socket snapshot or HTTP) replaced the confirmed state: the
   * applied mutations whose event it holds are confirmed. One whose result is unknown stays
   * until the server's stored result says what happened to it (it may have been refused).
   */
  replaced(version: number): void {
    this.#queue.removeWhere((e) => e.dashboardId === this.dashboardId && e.processed && e.ackOffset !== null && e.ackOffset <= version);
  }
}

/**
 * The refusal a result reports (rolled back, and the author told why), or null. A result
 * the server no longer keeps (`result_expired`) is no refusal: the document shows what
 * happened, so nothing is claimed.
 */
function refusalOf(result: MutationResult): { status: 'rejected' | 'superseded'; error?: { code: string; message: string } } | null {
  if (result.status !== 'rejected' && result.status !== 'superseded') return null;
  if (result.error?.code === 'result_expired') return null;
  return { status: result.status, ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}) };
}

/** The notice telling the author that an edit was refused or no longer applies (naming who deleted its widget, when `doc` says). */
export function refusalNotice(entry: QueueEntry, status: 'rejected' | 'superseded', error: { code: string; message: string } | undefined, doc: Dashboard | null): NoticeInput {
  const target = (entry.args as { id?: unknown } | null)?.id;
  const deleter = typeof target === 'string' ? doc?.writers[`w:${target}:deleted`] : undefined;
  const who = deleter ? (deleter.name ?? deleter.clientId) : null;
  return {
    kind: status,
    message:
      status === 'superseded'
        ? `your ${entry.name} no longer applies${who ? `: ${who} deleted the widget` : ''}`
        : `your ${entry.name} was refused: ${error?.message ?? 'rejected by the server'}`,
    mutation: { mutationId: entry.mutationId, name: entry.name, args: entry.args },
    ...(deleter ? { by: { clientId: deleter.clientId, ...(deleter.name ? { name: deleter.name } : {}) } } : {}),
    fields: typeof target === 'string' ? [`w:${target}:*`] : [],
    ...(error ? { error } : {}),
  };
}
