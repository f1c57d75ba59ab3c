import { dashboardTooLarge } from './dashboard-size.js';
import { diffDashboards, type DashboardPatch } from './patch.js';
import { fieldKey, type Dashboard, type Widget, type Writer } from './schema.js';

/** How a mutation ended. `rejected` results never change the document. */
export type MutationStatus = 'applied' | 'conflict' | 'superseded' | 'rejected';

/** One expectation that no longer held when the mutation ran. */
export interface FieldConflict {
  field: string;
  expected: unknown;
  actual: unknown;
  /** Who wrote the value that was overwritten, when known. */
  by?: Writer;
}

/** Who runs a mutation: its client, its id, and the author's display name. */
export interface MutationContext {
  clientId: string;
  mutationId: number;
  /** Display name of the author (token name), recorded as the field's writer. */
  actor?: string;
}

/** The result of running a mutator. */
export interface MutationOutcome {
  status: MutationStatus;
  /** The document after the mutation (the input, unchanged, unless applied or conflict). */
  doc: Dashboard;
  /** Field keys (see `fieldKey`) whose value the author set on purpose. */
  touched: string[];
  conflicts: FieldConflict[];
  /** Set when status is `rejected` or `superseded`. */
  error?: { code: string; message: string };
  /** What changed (applied and conflict only): receivers apply it instead of re-running the mutator. */
  patch?: DashboardPatch;
}

/** A `rejected` outcome: the document unchanged, with a stable code and a sentence. */
export function reject(doc: Dashboard, code: string, message: string): MutationOutcome {
  return { status: 'rejected', doc, touched: [], conflicts: [], error: { code, message } };
}

function superseded(doc: Dashboard, id: string): MutationOutcome {
  return {
    status: 'superseded',
    doc,
    touched: [],
    conflicts: [],
    error: { code: 'widget_deleted', message: `widget "${id}" was deleted` },
  };
}

/** Looks up the target widget, or says why the mutation cannot apply to it. */
export function target(doc: Dashboard, id: string): Widget | MutationOutcome {
  if (Object.hasOwn(doc.widgets, id)) return doc.widgets[id]!;
  if (Object.hasOwn(doc.tombstones, id)) return superseded(doc, id);
  return reject(doc, 'widget_not_found', `widget "${id}" does not exist on dashboard "${doc.id}"`);
}

/** Reads a widget field named as in `expect` (`title`, `layout.x`, `options.unit`, …). */
export function readField(widget: Widget, field: string): unknown {
  if (field.startsWith('options.')) {
    const key = field.slice('options.'.length);
    return Object.hasOwn(widget.options, key) ? widget.options[key] : undefined;
  }
  switch (field) {
    case 'title':
      return widget.title;
    case 'type':
      return widget.type;
    case 'stream':
      return widget.stream;
    case 'layout':
      return widget.layout;
    case 'layout.x':
      return widget.layout.x;
    case 'layout.y':
      return widget.layout.y;
    case 'layout.w':
      return widget.layout.w;
    case 'layout.h':
      return widget.layout.h;
    default:
      return undefined;
  }
}

/** Reads a dashboard field named as in `expect` (`title`, `description`, `columns`). */
export function readMeta(doc: Dashboard, field: string): unknown {
  if (field === 'title') return doc.title;
  if (field === 'description') return doc.description;
  if (field === 'columns') return doc.columns;
  return undefined;
}

/** Structural equality for JSON values (expect checks). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The expectations of `expect` that no longer hold, with who wrote the current values. */
export function checkExpect(
  doc: Dashboard,
  widgetId: string | null,
  expect: Record<string, unknown> | undefined,
  read: (field: string) => unknown,
  ctx: MutationContext,
): FieldConflict[] {
  if (!expect) return [];
  const conflicts: FieldConflict[] = [];
  for (const [field, expected] of Object.entries(expect)) {
    const actual = read(field);
    // JSON has no `undefined`: an expected `null` means "not set".
    if (jsonEqual(actual, expected) || (expected === null && actual === undefined)) continue;
    const writerKey = fieldKey(widgetId, field.startsWith('layout.') ? 'layout' : field);
    const by = Object.hasOwn(doc.writers, writerKey) ? doc.writers[writerKey] : undefined;
    // A value this same client wrote (quick successive edits of one field) is no conflict.
    if (by?.clientId === ctx.clientId) continue;
    conflicts.push({ field, expected, actual, ...(by ? { by } : {}) });
  }
  return conflicts;
}

function writer(ctx: MutationContext): Writer {
  return { clientId: ctx.clientId, mutationId: ctx.mutationId, ...(ctx.actor ? { name: ctx.actor } : {}) };
}

/**
 * The outcome of a mutator that changes the document: `next` with the touched fields'
 * writers set (over `doc`'s writers), `applied` or `conflict`, and its patch. A document
 * that would grow past MAX_DASHBOARD_BYTES is `rejected` with `dashboard_too_large` instead
 * (one already past it, stored before the limit existed, may still shrink).
 */
export function done(
  original: Dashboard,
  doc: Dashboard,
  next: Omit<Dashboard, 'writers'>,
  touched: string[],
  conflicts: FieldConflict[],
  ctx: MutationContext,
): MutationOutcome {
  const tooLarge = dashboardTooLarge(next, original);
  if (tooLarge) return reject(original, 'dashboard_too_large', tooLarge);
  const writers = { ...doc.writers };
  for (const key of touched) writers[key] = writer(ctx);
  const after = { ...next, writers };
  return {
    status: conflicts.length > 0 ? 'conflict' : 'applied',
    doc: after,
    touched,
    conflicts,
    patch: diffDashboards(original, after),
  };
}

/**
 * Runs a named mutator on a document: the model's `applyMutation`, or that same function
 * handed over later (a viewer's web bundle leaves the mutators and zod out until it edits).
 */
export type MutationRunner = (doc: Dashboard, name: string, args: unknown, ctx: MutationContext) => MutationOutcome;
