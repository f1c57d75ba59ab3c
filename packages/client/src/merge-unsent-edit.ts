/**
 * The outgoing merge rule: a new edit rides on an unsent one when sending the merged edit
 * gives the same result as sending both (the queue asks it on every enqueue).
 */

/** An outgoing edit waiting in the queue, as the merge rule sees it. */
export interface UnsentEdit {
  mutationId: number;
  dashboardId: string;
  name: string;
  args: unknown;
  /** False once the edit has left (sent over the socket or HTTP). */
  unsent: boolean;
}

/** The widget an edit targets (null for dashboard-level edits). */
function targetWidget(name: string, args: unknown): string | null {
  if (typeof args !== 'object' || args === null) return null;
  const a = args as { id?: unknown; widget?: { id?: unknown } };
  if (name === 'addWidget') return typeof a.widget?.id === 'string' ? a.widget.id : null;
  return typeof a.id === 'string' ? a.id : null;
}

/**
 * Outgoing side: merges a new edit into an unsent one when the result is the same as
 * sending both, and returns the merged args (or null when it cannot merge):
 * - `moveWidget`/`resizeWidget` of the same widget, and a `setDashboardMeta` that changes
 *   `columns`, when the unsent one is the last edit of that dashboard (layout compaction makes
 *   them order-sensitive, so only the tail merges);
 * - `updateWidget` of the same widget (per-field `set`, options merged per key) and
 *   `setDashboardMeta`, when no later edit touches that widget (or the meta).
 * `expect` is kept from the first edit: it is what the author saw before starting.
 */
export function mergeUnsentEdit(queue: readonly UnsentEdit[], edit: { dashboardId: string; name: string; args: unknown }): { mutationId: number; args: unknown } | null {
  const widget = targetWidget(edit.name, edit.args);
  for (let i = queue.length - 1; i >= 0; i--) {
    const candidate = queue[i]!;
    if (candidate.dashboardId !== edit.dashboardId) continue;
    const sameTarget = targetWidget(candidate.name, candidate.args) === widget;
    if (!candidate.unsent) return null;
    if (candidate.name === edit.name && sameTarget) {
      const merged = mergeArgs(edit.name, candidate.args, edit.args);
      return merged === null ? null : { mutationId: candidate.mutationId, args: merged };
    }
    // Layout edits (a column change included: it re-compacts the grid) only merge with the
    // very last edit of the dashboard.
    if (edit.name === 'moveWidget' || edit.name === 'resizeWidget' || setsColumns(edit.name, edit.args)) return null;
    // A later edit of the same target (or any layout change) blocks merging past it.
    if (sameTarget || candidate.name === 'removeWidget' || candidate.name === 'addWidget') return null;
  }
  return null;
}

function setsColumns(name: string, args: unknown): boolean {
  return name === 'setDashboardMeta' && (args as { set?: { columns?: unknown } } | null)?.set?.columns !== undefined;
}

function mergeArgs(name: string, previous: unknown, next: unknown): unknown {
  const p = previous as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  switch (name) {
    case 'moveWidget':
    case 'resizeWidget':
      return { ...n, ...(p.expect === undefined ? {} : { expect: p.expect }) };
    case 'updateWidget':
    case 'setDashboardMeta': {
      const ps = (p.set ?? {}) as Record<string, unknown>;
      const ns = (n.set ?? {}) as Record<string, unknown>;
      const set: Record<string, unknown> = { ...ps, ...ns };
      if (ps.options !== undefined || ns.options !== undefined) {
        set.options = { ...((ps.options ?? {}) as object), ...((ns.options ?? {}) as object) };
      }
      const expect = p.expect === undefined && n.expect === undefined ? undefined : { ...(n.expect as object), ...(p.expect as object) };
      return { ...p, set, ...(expect === undefined ? {} : { expect }) };
    }
    default:
      return null;
  }
}
