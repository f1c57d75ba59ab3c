import { applyPatch, type Dashboard, type MutationRunner } from '@pulseboard/model';
import type { DashboardEventData } from './messages.js';

/** The parts of a `dashboard:<id>` event that change the document. */
export interface DashboardEventLike {
  offset: number;
  /** Commit time (ms since the epoch): the document's `updatedAt`. */
  ts: number;
  data: DashboardEventData;
}

let lastTs = Number.NaN;
let lastIso = '';

/** `ts` as an ISO time; events of one burst share their millisecond, so the last one is kept. */
function isoTime(ts: number): string {
  if (ts !== lastTs) {
    lastIso = new Date(ts).toISOString();
    lastTs = ts;
  }
  return lastIso;
}

/** True for an event written before events carried patches: only re-running its mutator applies it. */
export function needsMutator(data: DashboardEventData): boolean {
  return data.kind === 'mutation' && !data.patch;
}

/**
 * The document after one confirmed event: the one rule the server's snapshot cache and every
 * client's confirmed state follow. `replace` resets to its document, `deleted` gives null, a
 * mutation applies its patch (or, for events written before patches, re-runs the mutator with
 * `runMutation`; see `needsMutator`). This module imports no mutator, so a bundle that never
 * meets such an event can leave them out; `applyDashboardEvent` passes the model's.
 * With `inPlace`, a patch is applied to `doc` itself: only for a private draft (see
 * `applyPatch`). The caller checks the event follows `doc` (same epoch, offset = version + 1).
 */
export function applyDashboardEventWith(
  doc: Dashboard | null,
  event: DashboardEventLike,
  runMutation: MutationRunner | null,
  options: { inPlace?: boolean } = {},
): Dashboard | null {
  const data = event.data;
  if (data.kind === 'replace') return { ...data.doc, version: event.offset };
  if (data.kind === 'deleted' || !doc) return null;
  const updatedAt = isoTime(event.ts);
  if (data.patch) {
    const writer = { clientId: data.clientId, mutationId: data.mutationId, ...(data.actor ? { name: data.actor } : {}) };
    const next = applyPatch(doc, data.patch, { writer, touched: data.touched }, options);
    next.version = event.offset;
    next.updatedAt = updatedAt;
    return next;
  }
  // A programmer error: the caller checks `needsMutator` first when it may have no runner.
  if (!runMutation) throw new TypeError(`event ${event.offset} carries no patch: applying it needs the mutators`);
  const outcome = runMutation(doc, data.name, data.args, {
    clientId: data.clientId,
    mutationId: data.mutationId,
    ...(data.actor === undefined ? {} : { actor: data.actor }),
  });
  return { ...outcome.doc, version: event.offset, updatedAt };
}
