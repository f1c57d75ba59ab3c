import type { FieldConflict, MutationStatus } from '@pulseboard/model';
import type { ClientMessage, Position } from '@pulseboard/protocol';
import type { MutationQueue, QueueEntry } from './mutation-queue.js';

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

/** What settlement needs of the connection: sending (to ask for a stored result) and its id. */
export interface SettlementConnection {
  send(message: ClientMessage): boolean;
  getSnapshot(): { connectionId: string | null };
}

const NOT_APPLIED = { code: 'not_applied', message: 'the server did not apply this edit' };

/**
 * The one home of mutation settlement: when a queued mutation is done with (confirmed,
 * rolled back, or renumbered), whatever told us — a socket `ack`, an HTTP result, the
 * `welcome`'s `lastMutationId`, my own event, or a snapshot that replaced the confirmed
 * state. The queue owns its entries; this module only calls its operations.
 *
 * Client-wide rules live here (welcome, out-of-order renumbering, results for dashboards
 * nobody holds); each held dashboard gets a `DashboardSettlement` (from `attach`) for the
 * rules that depend on its confirmed state.
 */
export class MutationSettlement {
  readonly #queue: MutationQueue;
  readonly #connection: SettlementConnection;
  readonly #held = new Map<string, DashboardSettlement>();
  /** The `expected` of the last renumbering, so one burst of out_of_order answers renumbers once. */
  #resyncExpected: number | null = null;

  constructor(options: { queue: MutationQueue; connection: SettlementConnection }) {
    this.#queue = options.queue;
    this.#connection = options.connection;
  }

  /** A dashboard is held: its results are settled against `target` until `detach()`. */
  attach(dashboardId: string, target: SettlementTarget): DashboardSettlement {
    const settlement = new DashboardSettlement(dashboardId, target, this.#queue, this.#connection, () => {
      if (this.#held.get(dashboardId) === settlement) this.#held.delete(dashboardId);
    });
    this.#held.set(dashboardId, settlement);
    return settlement;
  }

  /** A new connection's `welcome`: everything up to `lastMutationId` is processed; the rest is sent again. */
  welcome(lastMutationId: number): void {
    this.#resyncExpected = null;
    this.#queue.serverProcessedUpTo(lastMutationId);
    // Processed entries of dashboards nobody holds have nothing left to wait for.
    this.#queue.removeWhere((e) => e.processed && !this.#held.has(e.dashboardId));
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
    // Nobody holds that dashboard: the result only settles the queue.
    if (result.error?.code === 'out_of_order') return;
    this.#queue.remove(result.mutationId);
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
   * The server expects mutation `expected` next but got a later one: an id was refused
   * without being recorded (e.g. forbidden). Renumber what it has not accepted and resend.
   */
  outOfOrder(expected: number): void {
    if (this.#resyncExpected === expected) return;
    this.#resyncExpected = expected;
    this.#queue.renumberFrom(expected);
    this.#queue.newGeneration();
    this.#queue.flush();
  }
}

/**
 * Settlement of one held dashboard: results are checked against its confirmed position,
 * refusals and conflicts become its notices, and a snapshot or catch-up that passes a
 * processed mutation settles it.
 */
export class DashboardSettlement {
  readonly dashboardId: string;
  readonly #target: SettlementTarget;
  readonly #queue: MutationQueue;
  readonly #connection: SettlementConnection;
  readonly #detach: () => void;
  /**
   * Mutations of mine that were sent but had no known result when an HTTP document replaced
   * the confirmed state: their event may be inside it (so it will not be replayed), and
   * not seeing it proves nothing. Before one is rolled back as not applied, the server is
   * asked for its stored result (resent: a duplicate is answered with its original ack).
   */
  readonly #maybeCovered = new Set<number>();
  /** mutationId → the connection its result was asked for on (asked once per connection). */
  readonly #asked = new Map<number, string>();
  /** After a reconnect: the server's version, so leftovers of the welcome can be settled. */
  #catchUpTo: number | null = null;

  constructor(dashboardId: string, target: SettlementTarget, queue: MutationQueue, connection: SettlementConnection, detach: () => void) {
    this.dashboardId = dashboardId;
    this.#target = target;
    this.#queue = queue;
    this.#connection = connection;
    this.#detach = detach;
  }

  /** The dashboard is no longer held. */
  detach(): void {
    this.#detach();
  }

  /** Applies one result (socket ack or HTTP result). */
  settle(result: MutationResult): void {
    const queue = this.#queue;
    const entry = queue.get(result.mutationId);
    if (!entry) return;
    this.#forget(result.mutationId);
    if (result.status === 'rejected' || result.status === 'superseded') {
      if (result.error?.code === 'out_of_order') return;
      queue.remove(result.mutationId);
      // Processed, but its result is no longer kept: the document shows what happened; claim nothing.
      if (result.error?.code !== 'result_expired') this.#target.refused(entry, result.status, result.error && { code: result.error.code, message: result.error.message });
      return;
    }
    if (result.status === 'conflict' && result.conflicts?.length) this.#target.conflicted(entry, result.conflicts);
    const position = this.#target.position;
    if (result.offset !== undefined && position && result.offset <= position.offset) queue.remove(result.mutationId);
    else queue.markProcessed(result.mutationId, result.offset ?? null);
  }

  /**
   * My event arrived: drop that mutation, and settle any earlier entry of mine on this
   * dashboard that the server processed but that produced no event (my events come in
   * mutationId order).
   */
  ownEvent(mutationId: number): void {
    this.#queue.remove(mutationId);
    this.#forget(mutationId);
    this.#settleUnseen((e) => e.mutationId < mutationId);
  }

  /**
   * An HTTP document is about to replace the confirmed state: mutations sent without a
   * known result may be inside it, so they are not judged by the replay that follows.
   */
  httpDocument(): void {
    for (const e of this.#queue.entries) {
      if (e.dashboardId === this.dashboardId && e.transmitted && e.ackOffset === null) this.#maybeCovered.add(e.mutationId);
    }
  }

  /**
   * A document at `version` replaced the confirmed state: settle what it contains. A
   * socket snapshot (`complete`) contains every processed mutation; an HTTP one only those
   * whose event offset is known to be in it.
   */
  replaced(version: number, complete: boolean): void {
    this.#queue.removeWhere((e) => e.dashboardId === this.dashboardId && e.processed && (e.ackOffset === null ? complete : e.ackOffset <= version));
    this.#catchUpTo = null;
  }

  /** After a reconnect the server is at `version`: once the confirmed state reaches it, the welcome's leftovers are settled. */
  catchUpTo(version: number): void {
    this.#catchUpTo = version;
  }

  /** The confirmed state moved on (an event applied, a refresh seen): settle a finished catch-up. */
  settleCatchUp(): void {
    const position = this.#target.position;
    if (this.#catchUpTo === null || !position || position.offset < this.#catchUpTo) return;
    this.#catchUpTo = null;
    this.#queue.removeWhere((e) => e.dashboardId === this.dashboardId && e.processed && e.ackOffset !== null && e.ackOffset <= position.offset);
    this.#settleUnseen(() => true);
  }

  #forget(mutationId: number): void {
    this.#maybeCovered.delete(mutationId);
    this.#asked.delete(mutationId);
  }

  /**
   * Processed entries (welcome) matching `which` whose event the replay has passed without
   * showing them: rolled back as not applied, unless an HTTP document may hold their event
   * (then the server is asked for their result first).
   */
  #settleUnseen(which: (entry: QueueEntry) => boolean): void {
    const queue = this.#queue;
    const unseen = (e: QueueEntry) => e.dashboardId === this.dashboardId && e.processed && e.ackOffset === null && which(e);
    const connectionId = this.#connection.getSnapshot().connectionId;
    for (const entry of queue.entries.filter((e) => unseen(e) && this.#maybeCovered.has(e.mutationId))) {
      if (connectionId === null || this.#asked.get(entry.mutationId) === connectionId) continue;
      this.#asked.set(entry.mutationId, connectionId);
      this.#connection.send({ type: 'mutate', dashboardId: entry.dashboardId, mutationId: entry.mutationId, name: entry.name, args: entry.args });
    }
    const lost = queue.removeWhere((e) => unseen(e) && !this.#maybeCovered.has(e.mutationId));
    for (const entry of lost) this.#target.refused(entry, 'rejected', NOT_APPLIED);
  }
}
