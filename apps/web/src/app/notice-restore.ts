/**
 * "Retry" for an overwritten value that has no pending mutation to resend: someone else's
 * edit replaced a value this client had already saved, and the notice carries that value
 * (`conflicts[].actual`), so putting it back is one new edit. Pure, unit-tested directly.
 */
import type { Dashboard } from '@pulseboard/model';
import type { DashboardMetaChanges, SyncNotice, WidgetChanges } from '@pulseboard/client';

/** The edit that puts overwritten values back: on one widget, or on the dashboard itself. */
export type RestoreEdit =
  | { target: 'widget'; id: string; set: WidgetChanges; expect: Record<string, unknown> }
  | { target: 'meta'; set: DashboardMetaChanges; expect: Record<string, unknown> };

const WIDGET_FIELDS = new Set(['title', 'type', 'stream']);
const META_FIELDS = new Set(['title', 'description', 'columns']);

/**
 * The edit restoring what `notice` says was overwritten, expecting today's values (so
 * whoever wrote them is told in turn); null when there is nothing restorable (a moved
 * widget, a widget since deleted, no values in the notice).
 */
export function restoreEditOf(notice: SyncNotice, dashboard: Dashboard | null): RestoreEdit | null {
  if (notice.kind !== 'overwritten' || notice.mutation || !notice.conflicts?.length || !dashboard) return null;
  const widgetId = notice.fields.map((f) => /^w:([^:]+):/.exec(f)?.[1]).find(Boolean);
  if (widgetId) {
    const widget = dashboard.widgets[widgetId];
    if (!widget) return null;
    const set: Record<string, unknown> = {};
    const expect: Record<string, unknown> = {};
    for (const { field, actual } of notice.conflicts) {
      if (field.startsWith('options.')) {
        const key = field.slice('options.'.length);
        set.options = { ...(set.options as object | undefined), [key]: actual ?? null };
        if (widget.options[key] !== undefined) expect[field] = widget.options[key];
      } else if (WIDGET_FIELDS.has(field) && (actual !== undefined || field === 'stream')) {
        set[field] = actual ?? null;
        const now = widget[field as 'title' | 'type' | 'stream'];
        if (now !== undefined) expect[field] = now;
      } else {
        return null;
      }
    }
    return { target: 'widget', id: widgetId, set: set as WidgetChanges, expect };
  }
  const set: Record<string, unknown> = {};
  const expect: Record<string, unknown> = {};
  for (const { field, actual } of notice.conflicts) {
    if (!META_FIELDS.has(field) || actual === undefined) return null;
    set[field] = actual;
    const now = dashboard[field as 'title' | 'description' | 'columns'];
    if (now !== undefined) expect[field] = now;
  }
  return { target: 'meta', set: set as DashboardMetaChanges, expect };
}
