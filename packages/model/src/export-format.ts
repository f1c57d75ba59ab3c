import * as z from 'zod/mini';
import { PulseboardError } from './errors.js';
import { dashboardTooLarge } from './dashboard-size.js';
import { isValidLayout } from './grid.js';
import { dashboardSchema, describeZodError, safeParseWithMessages, type Dashboard } from './schema.js';

/** Identifies a Pulseboard export file. */
export const EXPORT_FORMAT = 'pulseboard-dashboard';
/** The export format version this build writes; it reads this version only. */
export const EXPORT_VERSION = 1;

/** The export file, as `parseExportFile` validates it (before its cross-field checks). */
export const exportFileSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  formatVersion: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  dashboard: z.omit(dashboardSchema, { version: true, writers: true, tombstones: true, columnStash: true, createdAt: true, updatedAt: true }),
});
export type ExportFile = z.infer<typeof exportFileSchema>;

/**
 * The export file format as a JSON Schema (draft 2020-12), generated from `exportFileSchema`;
 * published as `@pulseboard/model/export-file.schema.json`. Widget ids equal to their keys
 * and a non-overlapping layout are checked by `parseExportFile` only.
 */
export function exportFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(exportFileSchema, { target: 'draft-2020-12', io: 'input' }),
    title: 'Pulseboard dashboard export',
  };
}

/** The portable form of a dashboard (no version, no sync bookkeeping). */
export function exportDashboard(doc: Dashboard, now: string): ExportFile {
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_VERSION,
    exportedAt: now,
    dashboard: {
      id: doc.id,
      title: doc.title,
      ...(doc.description === undefined ? {} : { description: doc.description }),
      columns: doc.columns,
      widgets: doc.widgets,
      ...(doc.layouts === undefined ? {} : { layouts: doc.layouts }),
    },
  };
}

/**
 * Validates an export file and returns the dashboard it holds, ready to store.
 * Throws a PulseboardError (`invalid_import`) naming the first problem.
 */
export function parseExportFile(input: unknown, now: string): Dashboard {
  const parsed = safeParseWithMessages(exportFileSchema, input);
  if (!parsed.success) throw new PulseboardError('invalid_import', `invalid export file: ${describeZodError(parsed.error)}`);
  const d = parsed.data.dashboard;
  for (const [key, widget] of Object.entries(d.widgets)) {
    if (widget.id !== key) {
      throw new PulseboardError('invalid_import', `invalid export file: dashboard.widgets.${key}.id: must equal its key "${key}"`);
    }
  }
  const tooLarge = dashboardTooLarge(d);
  if (tooLarge) throw new PulseboardError('invalid_import', `invalid export file: dashboard: ${tooLarge}`);
  if (!isValidLayout(d.widgets, d.columns)) {
    throw new PulseboardError('invalid_import', 'invalid export file: dashboard.widgets: widgets overlap or lie outside the grid');
  }
  return { ...d, version: 0, tombstones: {}, writers: {}, createdAt: now, updatedAt: now };
}
