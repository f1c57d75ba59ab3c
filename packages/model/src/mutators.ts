import { z } from 'zod';
import { PulseboardError } from './errors.js';
import { breakpointColumns, changeColumns, compactLayouts, layoutsFor, sameLayout, withBreakpointLayout, withoutWidgetLayouts } from './breakpoints.js';
import { compact, findFreeSlot } from './grid.js';
import { diffDashboards, type DashboardPatch } from './patch.js';
import {
  BREAKPOINTS,
  MAX_COLUMNS,
  MAX_WIDGETS,
  MAX_WIDGET_ROWS,
  WIDGET_TYPES,
  describeZodError,
  fieldKey,
  optionsSchema,
  streamKeySchema,
  widgetIdSchema,
  widgetSchema,
  type Breakpoint,
  type Dashboard,
  type Layout,
  type Widget,
  type Writer,
} from './schema.js';

/**
 * `expect`: the values the author saw when making the edit, keyed by field
 * (`title`, `stream`, `type`, `layout`, `options.<key>`; for meta `title`, `description`,
 * `columns`). When one no longer holds, the edit still wins (last writer wins) but the
 * result is marked `conflict`, naming the fields and who wrote them.
 */
const expectSchema = z.record(z.string().min(1).max(100), z.unknown()).optional();
/**
 * `ifUnchanged: true` (undo and redo send it): when an expectation no longer holds, the
 * mutation is NOT applied; it is rejected with code `stale` and its `conflicts` name who
 * changed what since.
 */
const ifUnchangedSchema = z.boolean().optional();
const breakpointSchema = z.enum(BREAKPOINTS).optional();

const layoutInput = z.object({
  x: z.number().int().min(0).max(MAX_COLUMNS - 1),
  y: z.number().int().min(0).max(100_000),
  w: z.number().int().min(1).max(MAX_COLUMNS),
  h: z.number().int().min(1).max(MAX_WIDGET_ROWS),
});

const argsSchemas = {
  addWidget: z.object({
    widget: z.object({
      id: widgetIdSchema,
      type: z.enum(WIDGET_TYPES),
      title: z.string().max(200).default(''),
      layout: layoutInput.partial({ x: true, y: true }).optional(),
      stream: streamKeySchema.optional(),
      options: optionsSchema.default({}),
    }),
  }),
  removeWidget: z.object({
    id: widgetIdSchema,
    /** Other widgets to put back where they were before this one pushed them (undo of an add). */
    ripple: z.record(widgetIdSchema, z.object({ from: layoutInput, to: layoutInput })).optional(),
    expect: expectSchema,
    ifUnchanged: ifUnchangedSchema,
  }),
  /** Puts a removed widget back as it was (undo of a removal, redo of an add). */
  restoreWidget: z.object({
    widget: widgetSchema,
    /** Its stored layouts at the small breakpoints, with the column count each was stored at. */
    layouts: z.partialRecord(z.enum(['md', 'sm', 'xs']), z.object({ columns: z.number().int().min(1).max(MAX_COLUMNS), layout: layoutInput })).optional(),
    ripple: z.record(widgetIdSchema, z.object({ from: layoutInput, to: layoutInput })).optional(),
  }),
  moveWidget: z.object({
    id: widgetIdSchema,
    x: layoutInput.shape.x,
    y: layoutInput.shape.y,
    breakpoint: breakpointSchema,
    expect: expectSchema,
  }),
  resizeWidget: z.object({
    id: widgetIdSchema,
    w: layoutInput.shape.w,
    h: layoutInput.shape.h,
    breakpoint: breakpointSchema,
    expect: expectSchema,
  }),
  /**
   * Sets one widget's whole layout (at `breakpoint`, default lg) and puts back other widgets
   * an earlier edit had pushed (`ripple`: each goes `to` only if it is still at `from`).
   * What undo of a move or resize sends.
   */
  setLayout: z.object({
    id: widgetIdSchema,
    layout: layoutInput,
    breakpoint: breakpointSchema,
    ripple: z.record(widgetIdSchema, z.object({ from: layoutInput, to: layoutInput })).optional(),
    expect: expectSchema,
    ifUnchanged: ifUnchangedSchema,
  }),
  updateWidget: z.object({
    id: widgetIdSchema,
    set: z
      .object({
        title: z.string().max(200).optional(),
        type: z.enum(WIDGET_TYPES).optional(),
        /** `null` detaches the widget from its stream. */
        stream: streamKeySchema.nullable().optional(),
        /** Merged per key; a `null` value removes that option. */
        options: optionsSchema.optional(),
      })
      .strict(),
    expect: expectSchema,
    ifUnchanged: ifUnchangedSchema,
  }),
  setDashboardMeta: z.object({
    set: z
      .object({
        title: z.string().min(1).max(200).optional(),
        /** `null` removes the description. */
        description: z.string().max(2000).nullable().optional(),
        columns: z.number().int().min(1).max(MAX_COLUMNS).optional(),
      })
      .strict(),
    expect: expectSchema,
    ifUnchanged: ifUnchangedSchema,
  }),
} as const;

/** The named mutators; server and client run the same code. */
export type MutatorName = keyof typeof argsSchemas;
export const MUTATOR_NAMES = Object.keys(argsSchemas) as MutatorName[];
export type MutatorArgs<N extends MutatorName> = z.input<(typeof argsSchemas)[N]>;

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

export interface MutationContext {
  clientId: string;
  mutationId: number;
  /** Display name of the author (token name), recorded as the field's writer. */
  actor?: string;
}

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

function readField(widget: Widget, field: string, doc?: Dashboard): unknown {
  if (field.startsWith('layout@') && doc) {
    const bp = field.slice('layout@'.length) as Breakpoint;
    return (BREAKPOINTS as readonly string[]).includes(bp) ? layoutsFor(doc, bp)[widget.id] : undefined;
  }
  if (field.startsWith('options.')) return widget.options[field.slice('options.'.length)];
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
    case 'layout.y':
    case 'layout.w':
    case 'layout.h':
      return widget.layout[field.slice(7) as 'x' | 'y' | 'w' | 'h'];
    default:
      return undefined;
  }
}

function readMeta(doc: Dashboard, field: string): unknown {
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
  return ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function checkExpect(
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
    const writerKey = fieldKey(widgetId, field.startsWith('layout.') || field === 'layout@lg' ? 'layout' : field);
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

function withWriters(doc: Dashboard, keys: string[], ctx: MutationContext): Record<string, Writer> {
  const writers = { ...doc.writers };
  for (const key of keys) writers[key] = writer(ctx);
  return writers;
}

function reject(doc: Dashboard, code: string, message: string): MutationOutcome {
  return { status: 'rejected', doc, touched: [], conflicts: [], error: { code, message } };
}

/** An `ifUnchanged` mutation whose expectations no longer hold: not applied, conflicts named. */
function stale(doc: Dashboard, conflicts: FieldConflict[]): MutationOutcome {
  const fields = conflicts.map((c) => c.field).join(', ');
  const who = [...new Set(conflicts.map((c) => c.by?.name ?? 'someone else'))].join(' and ');
  return { status: 'rejected', doc, touched: [], conflicts, error: { code: 'stale', message: `${who} changed ${fields} since; nothing was changed` } };
}

/** The writer key of a layout field at a breakpoint (`layout` for lg). */
function layoutField(breakpoint: Breakpoint | undefined): string {
  return breakpoint === undefined || breakpoint === 'lg' ? 'layout' : `layout@${breakpoint}`;
}

/**
 * Sets widget `id` to `layout` at `breakpoint`, puts back `ripple` widgets still where the
 * earlier edit left them, and compacts with `id` first. Returns the changed document parts.
 */
function placeLayout(
  doc: Dashboard,
  id: string,
  layout: Layout,
  breakpoint: Breakpoint | undefined,
  ripple: Record<string, { from: Layout; to: Layout }> | undefined,
): Pick<Dashboard, 'widgets' | 'layouts'> {
  if (breakpoint === undefined || breakpoint === 'lg') {
    const widgets = { ...doc.widgets, [id]: { ...doc.widgets[id]!, layout } };
    for (const [other, move] of Object.entries(ripple ?? {})) {
      const w = Object.hasOwn(widgets, other) && other !== id ? widgets[other]! : undefined;
      if (w && sameLayout(w.layout, move.from)) widgets[other] = { ...w, layout: move.to };
    }
    return { widgets: compact(widgets, doc.columns, id), layouts: doc.layouts };
  }
  const items = { ...layoutsFor(doc, breakpoint), [id]: layout };
  for (const [other, move] of Object.entries(ripple ?? {})) {
    if (Object.hasOwn(items, other) && other !== id && sameLayout(items[other]!, move.from)) items[other] = move.to;
  }
  const columns = breakpointColumns(doc.columns, breakpoint);
  return { widgets: doc.widgets, layouts: withBreakpointLayout(doc, breakpoint, compactLayouts(items, columns, id)) };
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
function target(doc: Dashboard, id: string): Widget | MutationOutcome {
  if (Object.hasOwn(doc.widgets, id)) return doc.widgets[id]!;
  if (Object.hasOwn(doc.tombstones, id)) return superseded(doc, id);
  return reject(doc, 'widget_not_found', `widget "${id}" does not exist on dashboard "${doc.id}"`);
}

function done(
  original: Dashboard,
  doc: Dashboard,
  next: Omit<Dashboard, 'writers'>,
  touched: string[],
  conflicts: FieldConflict[],
  ctx: MutationContext,
): MutationOutcome {
  const after = { ...next, writers: withWriters(doc, touched, ctx) };
  return {
    status: conflicts.length > 0 ? 'conflict' : 'applied',
    doc: after,
    touched,
    conflicts,
    patch: diffDashboards(original, after),
  };
}

/**
 * Runs the named mutator on `doc`. Pure and deterministic: the same document, name, args
 * and context always give the same outcome. Invalid input is never thrown: it comes back
 * as a `rejected` outcome with an error naming the problem, and the document is unchanged.
 * The caller sets `version` and `updatedAt`.
 */
export function applyMutation(doc: Dashboard, name: string, args: unknown, ctx: MutationContext): MutationOutcome {
  if (!(name in argsSchemas)) {
    return reject(doc, 'unknown_mutator', `unknown mutator "${name}"; expected one of ${MUTATOR_NAMES.join(', ')}`);
  }
  const parsed = argsSchemas[name as MutatorName].safeParse(args);
  if (!parsed.success) return reject(doc, 'invalid_args', `${name}: ${describeZodError(parsed.error, 'args')}`);
  const a = parsed.data;

  switch (name as MutatorName) {
    case 'addWidget': {
      const { widget: input } = a as z.output<typeof argsSchemas.addWidget>;
      if (Object.hasOwn(doc.widgets, input.id)) return reject(doc, 'widget_exists', `widget "${input.id}" already exists`);
      if (Object.hasOwn(doc.tombstones, input.id)) return reject(doc, 'widget_exists', `widget id "${input.id}" was used by a deleted widget`);
      if (Object.keys(doc.widgets).length >= MAX_WIDGETS) {
        return reject(doc, 'too_many_widgets', `a dashboard holds at most ${MAX_WIDGETS} widgets`);
      }
      const size = { w: input.layout?.w ?? 3, h: input.layout?.h ?? 2 };
      const layout =
        input.layout?.x !== undefined && input.layout.y !== undefined
          ? { x: input.layout.x, y: input.layout.y, ...size }
          : findFreeSlot(doc.widgets, doc.columns, size.w, size.h);
      const widget: Widget = {
        id: input.id,
        type: input.type,
        title: input.title,
        layout,
        ...(input.stream === undefined ? {} : { stream: input.stream }),
        options: input.options,
      };
      const widgets = compact({ ...doc.widgets, [widget.id]: widget }, doc.columns, widget.id);
      const touched = ['title', 'type', 'stream', 'layout'].map((f) => fieldKey(widget.id, f));
      return done(doc, doc, { ...doc, widgets }, touched, [], ctx);
    }
    case 'removeWidget': {
      const { id, ripple, expect, ifUnchanged } = a as z.output<typeof argsSchemas.removeWidget>;
      const found = target(doc, id);
      if (!('layout' in found)) return found;
      const conflicts = checkExpect(doc, id, expect, (f) => readField(found, f, doc), ctx);
      if (ifUnchanged && conflicts.length > 0) return stale(doc, conflicts);
      const rest = { ...doc.widgets };
      delete rest[id];
      for (const [other, move] of Object.entries(ripple ?? {})) {
        const w = Object.hasOwn(rest, other) ? rest[other]! : undefined;
        if (w && sameLayout(w.layout, move.from)) rest[other] = { ...w, layout: move.to };
      }
      const writers = Object.fromEntries(Object.entries(doc.writers).filter(([k]) => !k.startsWith(`w:${id}:`)));
      const next = { ...doc, widgets: compact(rest, doc.columns), tombstones: { ...doc.tombstones, [id]: doc.version + 1 } };
      const layouts = withoutWidgetLayouts(doc.layouts, id);
      if (layouts) next.layouts = layouts;
      return done(doc, { ...doc, writers }, next, [fieldKey(id, 'deleted')], conflicts, ctx);
    }
    case 'restoreWidget': {
      const { widget, layouts, ripple } = a as z.output<typeof argsSchemas.restoreWidget>;
      if (Object.hasOwn(doc.widgets, widget.id)) return reject(doc, 'widget_exists', `widget "${widget.id}" already exists`);
      if (Object.keys(doc.widgets).length >= MAX_WIDGETS) {
        return reject(doc, 'too_many_widgets', `a dashboard holds at most ${MAX_WIDGETS} widgets`);
      }
      const tombstones = { ...doc.tombstones };
      delete tombstones[widget.id];
      const placed = placeLayout({ ...doc, widgets: { ...doc.widgets, [widget.id]: widget } }, widget.id, widget.layout, 'lg', ripple);
      let nextLayouts = placed.layouts;
      for (const [bp, item] of Object.entries(layouts ?? {}) as Array<[keyof NonNullable<Dashboard['layouts']>, { columns: number; layout: Layout }]>) {
        const stored = nextLayouts?.[bp];
        // Only where that breakpoint is still stored: otherwise it derives the widget from the wider one.
        if (stored && stored.columns === item.columns) nextLayouts = { ...nextLayouts, [bp]: { ...stored, items: { ...stored.items, [widget.id]: item.layout } } };
      }
      const next: Omit<Dashboard, 'writers'> = { ...doc, widgets: placed.widgets, tombstones };
      if (nextLayouts) next.layouts = nextLayouts;
      const touched = ['title', 'type', 'stream', 'layout'].map((f) => fieldKey(widget.id, f));
      return done(doc, doc, next, touched, [], ctx);
    }
    case 'moveWidget':
    case 'resizeWidget': {
      const change = a as { id: string; breakpoint?: Breakpoint; expect?: Record<string, unknown>; x?: number; y?: number; w?: number; h?: number };
      const { id, expect, breakpoint } = change;
      const found = target(doc, id);
      if (!('layout' in found)) return found;
      const conflicts = checkExpect(doc, id, expect, (f) => readField(found, f, doc), ctx);
      const current = breakpoint === undefined || breakpoint === 'lg' ? found.layout : layoutsFor(doc, breakpoint)[id]!;
      const layout = {
        x: change.x ?? current.x,
        y: change.y ?? current.y,
        w: change.w ?? current.w,
        h: change.h ?? current.h,
      };
      const placed = placeLayout(doc, id, layout, breakpoint, undefined);
      return done(doc, doc, withParts(doc, placed), [fieldKey(id, layoutField(breakpoint))], conflicts, ctx);
    }
    case 'setLayout': {
      const { id, layout, breakpoint, ripple, expect, ifUnchanged } = a as z.output<typeof argsSchemas.setLayout>;
      const found = target(doc, id);
      if (!('layout' in found)) return found;
      const conflicts = checkExpect(doc, id, expect, (f) => readField(found, f, doc), ctx);
      if (ifUnchanged && conflicts.length > 0) return stale(doc, conflicts);
      const placed = placeLayout(doc, id, layout, breakpoint, ripple);
      return done(doc, doc, withParts(doc, placed), [fieldKey(id, layoutField(breakpoint))], conflicts, ctx);
    }
    case 'updateWidget': {
      const { id, set, expect, ifUnchanged } = a as z.output<typeof argsSchemas.updateWidget>;
      const found = target(doc, id);
      if (!('layout' in found)) return found;
      const conflicts = checkExpect(doc, id, expect, (f) => readField(found, f, doc), ctx);
      if (ifUnchanged && conflicts.length > 0) return stale(doc, conflicts);
      const next: Widget = { ...found, options: { ...found.options } };
      const touched: string[] = [];
      if (set.title !== undefined) {
        next.title = set.title;
        touched.push(fieldKey(id, 'title'));
      }
      if (set.type !== undefined) {
        next.type = set.type;
        touched.push(fieldKey(id, 'type'));
      }
      if (set.stream !== undefined) {
        if (set.stream === null) delete next.stream;
        else next.stream = set.stream;
        touched.push(fieldKey(id, 'stream'));
      }
      const optionChanges = Object.entries(set.options ?? {});
      if (optionChanges.some(([key]) => key === '__proto__')) {
        return reject(doc, 'invalid_args', `${name}: args.set.options: the key "__proto__" is not allowed`);
      }
      for (const [key, value] of optionChanges) {
        if (value === null) delete next.options[key];
        else next.options[key] = value;
        touched.push(fieldKey(id, `options.${key}`));
      }
      return done(doc, doc, { ...doc, widgets: { ...doc.widgets, [id]: next } }, touched, conflicts, ctx);
    }
    case 'setDashboardMeta': {
      const { set, expect, ifUnchanged } = a as z.output<typeof argsSchemas.setDashboardMeta>;
      const conflicts = checkExpect(doc, null, expect, (f) => readMeta(doc, f), ctx);
      if (ifUnchanged && conflicts.length > 0) return stale(doc, conflicts);
      const next: Omit<Dashboard, 'writers'> = { ...doc };
      const touched: string[] = [];
      if (set.title !== undefined) {
        next.title = set.title;
        touched.push(fieldKey(null, 'title'));
      }
      if (set.description !== undefined) {
        if (set.description === null) delete next.description;
        else next.description = set.description;
        touched.push(fieldKey(null, 'description'));
      }
      if (set.columns !== undefined && set.columns !== doc.columns) {
        const changed = changeColumns(doc, set.columns);
        next.columns = set.columns;
        next.widgets = changed.widgets;
        next.columnStash = changed.columnStash;
      }
      if (set.columns !== undefined) touched.push(fieldKey(null, 'columns'));
      return done(doc, doc, next, touched, conflicts, ctx);
    }
  }
}

/** The document with the widgets and small-breakpoint layouts of a placement. */
function withParts(doc: Dashboard, parts: Pick<Dashboard, 'widgets' | 'layouts'>): Omit<Dashboard, 'writers'> {
  const next: Omit<Dashboard, 'writers'> = { ...doc, widgets: parts.widgets };
  if (parts.layouts) next.layouts = parts.layouts;
  return next;
}

/** Throws a PulseboardError when `name`/`args` would be rejected; handy at API edges. */
export function assertMutationShape(name: string, args: unknown): void {
  if (!(name in argsSchemas)) throw new PulseboardError('unknown_mutator', `unknown mutator "${name}"`);
  const parsed = argsSchemas[name as MutatorName].safeParse(args);
  if (!parsed.success) throw new PulseboardError('invalid_args', `${name}: ${describeZodError(parsed.error, 'args')}`);
}
