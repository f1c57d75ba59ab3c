import { jsonByteLength, jsonStringBytes } from './json-bounds.js';
import { MAX_DASHBOARD_BYTES } from './limits.js';
import type { Dashboard, Widget } from './schema.js';

/** What an export file holds of a dashboard, and what its size limit counts. */
export type DashboardContent = Pick<Dashboard, 'id' | 'title' | 'description' | 'columns' | 'widgets'>;

/** Widgets are never changed in place (mutators copy what they change), so a widget's size can be kept. */
const widgetBytes = new WeakMap<Widget, number>();

function sizeOfWidget(widget: Widget): number {
  let bytes = widgetBytes.get(widget);
  if (bytes === undefined) {
    bytes = jsonByteLength(widget);
    widgetBytes.set(widget, bytes);
  }
  return bytes;
}

/**
 * UTF-8 bytes of a dashboard's content as JSON: id, title, description, columns and widgets,
 * exactly what an export file's `dashboard` holds. Unchanged widgets are measured once.
 */
export function dashboardContentBytes(doc: DashboardContent): number {
  const meta = { id: doc.id, title: doc.title, ...(doc.description === undefined ? {} : { description: doc.description }), columns: doc.columns, widgets: {} };
  let bytes = jsonByteLength(meta);
  const ids = Object.keys(doc.widgets);
  for (const id of ids) bytes += jsonStringBytes(id) + 1 + sizeOfWidget(doc.widgets[id] as Widget);
  return bytes + Math.max(0, ids.length - 1);
}

/**
 * Null when `doc` fits in MAX_DASHBOARD_BYTES (or, given `before`, is no larger than it),
 * else a sentence saying how large it is and what is allowed.
 */
export function dashboardTooLarge(doc: DashboardContent, before?: DashboardContent): string | null {
  const bytes = dashboardContentBytes(doc);
  if (bytes <= MAX_DASHBOARD_BYTES || (before !== undefined && bytes <= dashboardContentBytes(before))) return null;
  return `the dashboard would be ${bytes} bytes as JSON; at most ${MAX_DASHBOARD_BYTES} are allowed`;
}
