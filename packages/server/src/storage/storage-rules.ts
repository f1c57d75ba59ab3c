import { createHash, randomBytes } from 'node:crypto';
import { mergePointValue, PulseboardError, type Dashboard, type MutationOutcome } from '@pulseboard/model';
import { parseTopic, type DashboardEventData, type ParsedTopic, type StreamPointEvent, type StreamSnapshot } from '@pulseboard/protocol';
import type { DashboardSummary, MutationInput, MutationRecord, StreamLimits } from './storage.js';

/**
 * Rules every Storage implementation shares, so memory, SQLite and PostgreSQL cannot drift:
 * retention constants, epochs, error constructors, the mutation record and trim bounds.
 */

/** Events kept per `dashboard:<id>` topic for replay; older ones are trimmed. */
export const DASHBOARD_LOG_RETAIN = 1_000;
/** Stored mutation results kept per client (the newest ones), for duplicate answers. */
export const MUTATION_RESULTS_RETAIN = 1_000;

/** A fresh random epoch (16 hex chars). */
export function newEpoch(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The epoch of a stream topic that has no log yet: what subscribers are told before the first
 * push, and what that push creates the log with, so reading a stream never has to write it.
 * Derived from the database's own random id, so a new database gives new epochs.
 */
export function pendingStreamEpoch(instanceId: string, topic: string): string {
  return createHash('sha256').update(`${instanceId}\0${topic}`).digest('hex').slice(0, 16);
}

/** `token_revoked` (401): a token may not be created on behalf of a revoked one. */
export function creatorRevoked(createdBy: string): PulseboardError {
  return new PulseboardError('token_revoked', `token "${createdBy}" is revoked; it cannot create tokens`, { status: 401 });
}

/**
 * The tokens revoked with `id`: itself and, transitively, every live token it created
 * (`createdBy`), given every stored token. The given id comes first.
 */
export function tokensToRevoke(tokens: ReadonlyArray<{ id: string; createdBy: string | null; revokedAt: number | null }>, id: string): string[] {
  const revoked = [id];
  for (let i = 0; i < revoked.length; i++) {
    for (const t of tokens) if (t.createdBy === revoked[i] && t.revokedAt === null && !revoked.includes(t.id)) revoked.push(t.id);
  }
  return revoked;
}

/** Parses a topic or rejects it as `invalid_topic` (400). */
export function requireTopic(topic: string): ParsedTopic {
  const parsed = parseTopic(topic);
  if (!parsed) throw new PulseboardError('invalid_topic', `topic "${topic}" must be "dashboard:<id>" or "stream:<key>"`, { status: 400 });
  return parsed;
}

/** `not_found` (404) for a dashboard id. */
export function notFound(id: string): PulseboardError {
  return new PulseboardError('not_found', `dashboard "${id}" does not exist`, { status: 404 });
}

/** `already_exists` (409) for a dashboard id. */
export function alreadyExists(id: string): PulseboardError {
  return new PulseboardError('already_exists', `dashboard "${id}" already exists`, { status: 409 });
}

/** `version_mismatch` (412): an `ifVersion` that no longer holds. */
export function versionMismatch(id: string, expected: number, actual: number): PulseboardError {
  return new PulseboardError('version_mismatch', `dashboard "${id}" is at version ${actual}, not ${expected}`, {
    status: 412,
    details: { expected, actual },
  });
}

/** `out_of_order` (409): the mutation skips ahead; `details.expected` is the id the server wants next. */
export function outOfOrder(input: MutationInput, last: number): PulseboardError {
  return new PulseboardError(
    'out_of_order',
    `mutation ${input.mutationId} of client "${input.clientId}" is out of order; expected ${last + 1}`,
    { status: 409, details: { expected: last + 1 } },
  );
}

/** Rejects a mutation id that is not a positive integer (`bad_message`, 400). */
export function assertMutationId(mutationId: number): void {
  if (!Number.isInteger(mutationId) || mutationId < 1) {
    throw new PulseboardError('bad_message', `mutationId must be a positive integer, got ${String(mutationId)}`, { status: 400 });
  }
}

/** Rejects limits that would keep nothing (`bad_limits`, 400). */
export function assertStreamLimits(limits: StreamLimits): void {
  if (!Number.isInteger(limits.maxPoints) || limits.maxPoints < 1 || !(limits.maxAgeMs > 0)) {
    throw new PulseboardError('bad_limits', 'stream limits need maxPoints >= 1 and maxAgeMs > 0', { status: 400 });
  }
}

/** The answer to a duplicate whose stored result was already trimmed (older than the retained window). */
export function expiredDuplicate(input: MutationInput): MutationRecord {
  return {
    dashboardId: input.dashboardId,
    mutationId: input.mutationId,
    status: 'superseded',
    conflicts: [],
    error: { code: 'result_expired', message: `mutation ${input.mutationId} was already processed; its result is no longer kept` },
    duplicate: true,
  };
}

/** The result stored for a mutation on a dashboard that does not exist. */
export function unknownDashboardRecord(input: MutationInput): MutationRecord {
  return {
    dashboardId: input.dashboardId,
    mutationId: input.mutationId,
    status: 'rejected',
    conflicts: [],
    error: { code: 'not_found', message: `dashboard "${input.dashboardId}" does not exist` },
    duplicate: false,
  };
}

/** The document to store after an applied/conflict outcome: version = the event's offset. */
export function nextDocument(outcome: MutationOutcome, offset: number, now: number): Dashboard {
  return { ...outcome.doc, version: offset, updatedAt: new Date(now).toISOString() };
}

/** The `mutation` event data of an applied/conflict outcome. */
export function mutationEventData(input: MutationInput, outcome: MutationOutcome): DashboardEventData {
  return {
    kind: 'mutation',
    clientId: input.clientId,
    mutationId: input.mutationId,
    name: input.name,
    args: input.args,
    status: outcome.status as 'applied' | 'conflict',
    touched: outcome.touched,
    conflicts: outcome.conflicts,
    ...(input.actor === undefined ? {} : { actor: input.actor }),
    ...(outcome.patch ? { patch: outcome.patch } : {}),
  };
}

/** The record of a processed mutation (without its event; the caller adds it). */
export function outcomeRecord(input: MutationInput, outcome: MutationOutcome, offset: number | undefined): MutationRecord {
  return {
    dashboardId: input.dashboardId,
    mutationId: input.mutationId,
    status: outcome.status,
    ...(offset === undefined ? {} : { offset }),
    conflicts: outcome.conflicts,
    ...(outcome.error ? { error: outcome.error } : {}),
    duplicate: false,
  };
}

/** What is stored for later duplicates: the record without its event. */
export function storedRecord(record: MutationRecord): Omit<MutationRecord, 'event' | 'duplicate'> {
  const { event: _event, duplicate: _duplicate, ...rest } = record;
  return rest;
}

/** The list entry of a dashboard. */
export function summarize(doc: Dashboard): DashboardSummary {
  return {
    id: doc.id,
    title: doc.title,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    version: doc.version,
    widgetCount: Object.keys(doc.widgets).length,
    updatedAt: doc.updatedAt,
  };
}

/**
 * A stream's `latestTs` after a point stamped `ts`: the newest timestamp seen, so a
 * backfilled old point never moves it backwards (the age limit counts back from it).
 * The latest *value* still follows arrival order, the order every subscriber applies.
 */
export function newestTs(latestTs: number, ts: number): number {
  return Math.max(latestTs, ts);
}

/** Points older than this are dropped: the age limit counts back from the newest point. */
export function ageCutoff(latestTs: number, limits: StreamLimits): number {
  return latestTs - limits.maxAgeMs;
}

/** Lowest offset the count limit keeps. */
export function countBound(head: number, limits: StreamLimits): number {
  return head - limits.maxPoints + 1;
}

/**
 * Appends the point of the stream event at `offset` to a snapshot, in place, and trims its
 * history as storage trims the log: what a snapshot read after that push would return. The
 * caller checks `offset` follows the snapshot's. The trim rule (keep the newest `maxPoints`,
 * then drop the ones before the first point within `maxAgeMs` of the newest) gives the same
 * result whether points are trimmed one by one or per batch, which lets a cache follow it.
 */
export function appendToStreamSnapshot(snapshot: StreamSnapshot, point: StreamPointEvent, offset: number, limits: StreamLimits): void {
  snapshot.latest = mergePointValue(snapshot.latest ?? undefined, point.value);
  snapshot.latestTs = newestTs(snapshot.latestTs ?? 0, point.ts);
  snapshot.history.push({ ts: point.ts, value: point.value, offset });
  const cutoff = ageCutoff(snapshot.latestTs, limits);
  const inCount = countBound(offset, limits);
  const drop = snapshot.history.findIndex((p) => p.offset >= inCount && p.ts >= cutoff);
  if (drop === -1) snapshot.history.length = 0;
  else if (drop > 0) snapshot.history.splice(0, drop);
}

/** `not_found` (404) for a source id. */
export function sourceNotFound(id: string): PulseboardError {
  return new PulseboardError('not_found', `source "${id}" does not exist`, { status: 404 });
}

/** `already_exists` (409) for a source id. */
export function sourceAlreadyExists(id: string): PulseboardError {
  return new PulseboardError('already_exists', `source "${id}" already exists`, { status: 409 });
}
