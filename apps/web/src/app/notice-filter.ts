/**
 * Which sync notices the page shows at all. Apart from notice-text.ts (their words), so the
 * page decides without loading the toasts' code: most views never show a notice.
 */
import type { SyncNotice } from '@pulseboard/client';

/**
 * The notices worth showing: without conflicts with this client's own earlier edits, and
 * without an "overwritten" notice for an edit the server later applied anyway (its
 * `conflict` notice then tells the true outcome: mine replaced theirs).
 */
export function visibleNotices(notices: readonly SyncNotice[], clientId: string): SyncNotice[] {
  const concluded = new Set(notices.filter((n) => n.kind === 'conflict' && n.mutation).map((n) => n.mutation!.mutationId));
  return notices.filter((n) => !isSelfConflict(n, clientId) && !(n.kind === 'overwritten' && n.mutation && concluded.has(n.mutation.mutationId)));
}

/**
 * True for a conflict whose other writer is this very client: typing into a field sends
 * several merged edits, and a later one can "expect" a value an earlier one already
 * replaced. Nobody else was overwritten, so there is nothing to tell.
 */
export function isSelfConflict(notice: SyncNotice, clientId: string): boolean {
  if (notice.kind !== 'conflict' && notice.kind !== 'overwritten') return false;
  const writers = [notice.by?.clientId, ...(notice.conflicts ?? []).map((c) => c.by?.clientId)].filter(Boolean);
  return writers.length > 0 && writers.every((id) => id === clientId);
}
