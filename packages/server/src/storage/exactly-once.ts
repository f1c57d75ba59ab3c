import { applyMutation as runMutator, type Dashboard } from '@pulseboard/model';
import type { DashboardEventData } from '@pulseboard/protocol';
import {
  MUTATION_RESULTS_RETAIN,
  expiredDuplicate,
  mutationEventData,
  nextDocument,
  outOfOrder,
  outcomeRecord,
  storedRecord,
  unknownDashboardRecord,
} from './storage-rules.js';
import type { MutationInput, MutationRecord, StoredEvent } from './storage.js';

/** A value now (synchronous drivers: memory, SQLite) or later (PostgreSQL). */
export type MaybePromise<T> = T | Promise<T>;

/** The stored answer to a processed mutation: its record without the event. */
export type StoredMutationResult = Omit<MutationRecord, 'event' | 'duplicate'>;

/**
 * The few reads and writes the exactly-once step needs, all inside ONE storage transaction
 * the implementation has already opened (and will commit, or roll back if the step throws).
 */
export interface MutationTransaction {
  /** The client's last processed mutation id (0 for a new client). */
  lastMutationId(clientId: string): MaybePromise<number>;
  /** The stored result of an earlier mutation, or undefined when it was trimmed. */
  storedResult(clientId: string, mutationId: number): MaybePromise<StoredMutationResult | undefined>;
  /** The current document, or null when the dashboard does not exist. */
  dashboard(id: string): MaybePromise<Dashboard | null>;
  /** Appends an event to the dashboard's log at head + 1 (trimming it) and returns it. */
  appendDashboardEvent(id: string, data: DashboardEventData, now: number): MaybePromise<StoredEvent>;
  /** Stores the document (its version is the new event's offset). */
  writeDashboard(doc: Dashboard): MaybePromise<void>;
  /**
   * Stores the result, sets lastMutationId = mutationId and drops the client's results with
   * ids <= `trimThrough` (keeping the newest MUTATION_RESULTS_RETAIN).
   */
  recordResult(clientId: string, mutationId: number, result: StoredMutationResult, trimThrough: number): MaybePromise<void>;
}

function then<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * Applies one client mutation exactly once (DESIGN.md §4, docs/storage.md): a duplicate gets
 * its stored result, a gap is `out_of_order`, anything else runs the mutator and is recorded
 * whatever its outcome. Synchronous when the transaction is, so SQLite can run it inside its
 * synchronous `db.transaction`.
 */
export function applyExactlyOnce(tx: MutationTransaction, input: MutationInput, now: number): MaybePromise<MutationRecord> {
  return then(tx.lastMutationId(input.clientId), (last) => {
    if (input.mutationId <= last) {
      return then(tx.storedResult(input.clientId, input.mutationId), (stored): MutationRecord =>
        stored ? { ...stored, duplicate: true } : expiredDuplicate(input),
      );
    }
    if (input.mutationId > last + 1) throw outOfOrder(input, last);
    return then(runMutation(tx, input, now), (record) =>
      then(tx.recordResult(input.clientId, input.mutationId, storedRecord(record), input.mutationId - MUTATION_RESULTS_RETAIN), () => record),
    );
  });
}

/** Runs the mutator on the current document; applied/conflict outcomes write the document and an event. */
function runMutation(tx: MutationTransaction, input: MutationInput, now: number): MaybePromise<MutationRecord> {
  return then(tx.dashboard(input.dashboardId), (current) => {
    if (!current) return unknownDashboardRecord(input);
    const outcome = runMutator(current, input.name, input.args, {
      clientId: input.clientId,
      mutationId: input.mutationId,
      ...(input.actor === undefined ? {} : { actor: input.actor }),
    });
    if (outcome.status !== 'applied' && outcome.status !== 'conflict') return outcomeRecord(input, outcome, undefined);
    return then(tx.appendDashboardEvent(input.dashboardId, mutationEventData(input, outcome), now), (event) =>
      then(tx.writeDashboard(nextDocument(outcome, event.offset, now)), (): MutationRecord => ({ ...outcomeRecord(input, outcome, event.offset), event })),
    );
  });
}
