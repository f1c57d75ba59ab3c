import { PulseboardError, type Dashboard } from '@pulseboard/model';
import type { VersionResponse, VersionSummary } from '@pulseboard/protocol';
import { rebuildVersion } from './storage/storage-rules.js';
import type { Storage } from './storage/storage.js';
import type { SyncService } from './sync-service.js';

/** Every version of the last 30 days is kept; older ones thin out to the last of each day. */
export const DEFAULT_HISTORY_KEEP_ALL_MS = 30 * 24 * 60 * 60 * 1000;
/** How often the server thins every dashboard's history. */
export const HISTORY_THIN_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Versions read per page while thinning. */
const THIN_PAGE_SIZE = 1_000;

/** The document at `version` with its history entry; null when that version is not retained. */
export async function readVersion(storage: Storage, dashboardId: string, version: number): Promise<VersionResponse | null> {
  const chain = await storage.readVersionChain(dashboardId, version);
  const doc = rebuildVersion(chain, version);
  const entry = chain.at(-1);
  if (!doc || !entry) return null;
  return { version: entry.version, ts: entry.ts, actor: entry.actor, summary: entry.summary, doc };
}

/**
 * Makes `version` the current state as a NEW version (a replace event every subscriber
 * applies live); history is never rewritten. Rejects `version_not_found` (404).
 */
export async function restoreVersion(sync: SyncService, dashboardId: string, version: number, actor: string): Promise<Dashboard> {
  const found = await readVersion(sync.storage, dashboardId, version);
  if (!found) throw versionNotFound(dashboardId, version);
  const restored: Dashboard = { ...found.doc, id: dashboardId, writers: {} };
  return sync.replaceDashboard(restored, undefined, { actor, summary: `restored version ${version}` });
}

/** `version_not_found` (404). */
export function versionNotFound(dashboardId: string, version: number): PulseboardError {
  return new PulseboardError('version_not_found', `dashboard "${dashboardId}" has no retained version ${version}`, { status: 404 });
}

/**
 * Which versions retention keeps: every version at or after `cutoffTs`, and of older ones the
 * last of each UTC day (those become snapshots, since the patches before them go).
 * `versions` in any order. Pure, so the rule is tested without a clock.
 */
export function thinningPlan(versions: readonly VersionSummary[], cutoffTs: number): { keep: number[]; drop: number[] } {
  const lastOfDay = new Map<number, VersionSummary>();
  for (const v of versions) {
    if (v.ts >= cutoffTs) continue;
    const day = Math.floor(v.ts / DAY_MS);
    const seen = lastOfDay.get(day);
    if (!seen || v.version > seen.version) lastOfDay.set(day, v);
  }
  const keep = new Set([...lastOfDay.values()].map((v) => v.version));
  const drop = versions.filter((v) => v.ts < cutoffTs && !keep.has(v.version)).map((v) => v.version);
  return { keep: [...keep].sort((a, b) => a - b), drop: drop.sort((a, b) => a - b) };
}

/** Applies retention to one dashboard's history (see `thinningPlan`). */
export async function thinHistory(storage: Storage, dashboardId: string, keepAllMs: number, now: number): Promise<void> {
  const cutoff = now - keepAllMs;
  const versions: VersionSummary[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await storage.listVersions(dashboardId, { limit: THIN_PAGE_SIZE, ...(before === undefined ? {} : { beforeVersion: before }) });
    versions.push(...page);
    const last = page.at(-1);
    if (!last || page.length < THIN_PAGE_SIZE) break;
    before = last.version;
  }
  const plan = thinningPlan(versions, cutoff);
  if (plan.drop.length === 0) return;
  const keep: Array<{ version: number; doc: Dashboard }> = [];
  for (const version of plan.keep) {
    const chain = await storage.readVersionChain(dashboardId, version);
    if (chain.length === 1 && chain[0]!.version === version) continue; // already a snapshot
    const doc = rebuildVersion(chain, version);
    if (doc) keep.push({ version, doc });
  }
  await storage.thinVersions(dashboardId, keep, plan.drop);
}

/** Thins every dashboard's history; a failure on one dashboard does not stop the others. */
export async function thinAllHistory(storage: Storage, keepAllMs: number, now: number, onError: (error: unknown) => void): Promise<void> {
  for (const { id } of await storage.listDashboards()) {
    try {
      await thinHistory(storage, id, keepAllMs, now);
    } catch (error) {
      onError(error);
    }
  }
}
