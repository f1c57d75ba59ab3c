import * as z from 'zod/mini';
import { PulseboardError } from './errors.js';
import { breakpointColumns, changeColumns, compactLayouts, layoutsFor, sameLayout, withBreakpointLayout, withoutWidgetLayouts } from './breakpoints.js';
import { compact, findFreeSlot } from './grid.js';
import { checkJsonBounds } from './json-bounds.js';
import { MAX_COLUMNS, MAX_MUTATION_ARGS_BYTES, MAX_MUTATION_ARGS_DEPTH, MAX_ROW, MAX_WIDGET_OPTIONS_BYTES, MAX_WIDGET_ROWS, MAX_WIDGETS } from './limits.js';
import { checkExpect, done, readField, readMeta, reject, target, type FieldConflict, type MutationContext, type MutationOutcome } from './mutation-outcome.js';
import {
  BREAKPOINTS,
  describeZodError,
  fieldKey,
  optionsSchema,
  safeParseWithMessages,
  streamKeySchema,
  widgetIdSchema,
  widgetSchema,
  WIDGET_TYPES,
  type Breakpoint,
  type Dashboard,
  type Layout,
  type Widget,
} from './schema.js';
import { intBetween } from './schema-helpers.js';

/**
 * `expect`: the values the author saw when making the edit, keyed by field
 * (`title`, `stream`, `type`, `layout`, `options.<key>`; for meta `title`, `description`,
 * `columns`). When one no longer holds, the edit still wins (last writer wins) but the
 * result is marked `conflict`, naming the fields and who wrote them.
 */
const expectSchema = z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(100)), z.unknown()));
/**
 * `ifUnchanged: true` (undo and redo send it): when an expectation no longer holds, the
 * mutation is NOT applied; it is rejected with code `stale` and its `conflicts` name who
 * changed what since.
 */
const ifUnchangedSchema = z.optional(z.boolean());
const breakpointSchema = z.optional(z.enum(BREAKPOINTS));

const layoutInput = z.object({
  x: intBetween(0, MAX_COLUMNS - 1),
  y: intBetween(0, MAX_ROW),
  w: intBetween(1, MAX_COLUMNS),
  h: intBetween(1, MAX_WIDGET_ROWS),
});

/** Other widgets to put back where they were (`to`) if they are still where an edit left them (`from`). */
const rippleSchema = z.optional(z.record(widgetIdSchema, z.object({ from: layoutInput, to: layoutInput })));

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

/** Reads a widget field for `expect`, including `layout@<bp>` (its layout at a breakpoint). */
function readWidgetField(doc: Dashboard, widget: Widget, field: string): unknown {
  if (!field.startsWith('layout@')) return readField(widget, field);
  const bp = field.slice('layout@'.length);
  return (BREAKPOINTS as readonly string[]).includes(bp) ? layoutsFor(doc, bp as Breakpoint)[widget.id] : undefined;
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

/** The document with the widgets and small-breakpoint layouts of a placement. */
function withParts(doc: Dashboard, parts: Pick<Dashboard, 'widgets' | 'layouts'>): Omit<Dashboard, 'writers'> {
  const next: Omit<Dashboard, 'writers'> = { ...doc, widgets: parts.widgets };
  if (parts.layouts) next.layouts = parts.layouts;
  return next;
}

/** One named mutator: its args schema and the pure function it runs on valid args. */
export interface Mutator<S extends z.core.$ZodType = z.core.$ZodType> {
  readonly args: S;
  run(doc: Dashboard, args: z.output<S>, ctx: MutationContext): MutationOutcome;
}

/** Runs a mutator on unchecked args: rejected `invalid_args` naming the field, or its outcome. */
interface RegisteredMutator {
  check(name: string, args: unknown): string | null;
  apply(doc: Dashboard, name: string, args: unknown, ctx: MutationContext): MutationOutcome;
}

/** The sentence saying why `args` are out of bounds (too deep, too large), or null. */
function argsOutOfBounds(name: string, args: unknown): string | null {
  const violation = checkJsonBounds(args, { maxDepth: MAX_MUTATION_ARGS_DEPTH, maxBytes: MAX_MUTATION_ARGS_BYTES });
  if (!violation) return null;
  return `${name}: ${['args', ...violation.path.map(String)].join('.')}: ${violation.message}`;
}

function register<S extends z.core.$ZodType>(mutator: Mutator<S>): Mutator<S> & RegisteredMutator {
  return {
    ...mutator,
    check(name, args) {
      const parsed = safeParseWithMessages(mutator.args, args);
      return parsed.success ? argsOutOfBounds(name, args) : `${name}: ${describeZodError(parsed.error, 'args')}`;
    },
    apply(doc, name, args, ctx) {
      const parsed = safeParseWithMessages(mutator.args, args);
      if (!parsed.success) return reject(doc, 'invalid_args', `${name}: ${describeZodError(parsed.error, 'args')}`);
      // The schema bounds options; this bounds the rest (`expect` values) and the whole.
      const outOfBounds = argsOutOfBounds(name, args);
      if (outOfBounds) return reject(doc, 'invalid_args', outOfBounds);
      return mutator.run(doc, parsed.data, ctx);
    },
  };
}

const addWidget = register({
  args: z.object({
    widget: z.object({
      id: widgetIdSchema,
      type: z.enum(WIDGET_TYPES),
      title: z._default(z.string().check(z.maxLength(200)), ''),
      layout: z.optional(z.partial(layoutInput, { x: true, y: true })),
      stream: z.optional(streamKeySchema),
      options: z._default(optionsSchema, {}),
    }),
  }),
  run(doc, { widget: input }, ctx) {
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
  },
});

const removeWidget = register({
  args: z.object({
    id: widgetIdSchema,
    /** Other widgets to put back where they were before this one pushed them (undo of an add). */
    ripple: rippleSchema,
    expect: expectSchema,
    ifUnchanged: ifUnchangedSchema,
  }),
  run(doc, { id, ripple, expect, ifUnchanged }, ctx) {
    const found = target(doc, id);
    if (!('layout' in found)) return found;
    const conflicts = checkExpect(doc, id, expect, (f) => readWidgetField(doc, found, f), ctx);
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
  },
});

/** Puts a removed widget back as it was, with its id (undo of a removal, redo of an add). */
const restoreWidget = register({
  args: z.object({
    widget: widgetSchema,
    /** Its stored layouts at the small breakpoints, with the column count each was stored at. */
    layouts: z.optional(z.partialRecord(z.enum(['md', 'sm', 'xs']), z.object({ columns: intBetween(1, MAX_COLUMNS), layout: layoutInput }))),
    ripple: rippleSchema,
  }),
  run(doc, { widget, layouts, ripple }, ctx) {
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
  },
});

/** Moves or resizes a widget at a breakpoint (default lg): the layout fields given replace the current ones, then that grid compacts. */
function relayout(
  doc: Dashboard,
  id: string,
  change: Partial<Widget['layout']>,
  breakpoint: Breakpoint | undefined,
  expect: Record<string, unknown> | undefined,
  ctx: MutationContext,
): MutationOutcome {
  const found = target(doc, id);
  if (!('layout' in found)) return found;
  const conflicts = checkExpect(doc, id, expect, (f) => readWidgetField(doc, found, f), ctx);
  const current = breakpoint === undefined || breakpoint === 'lg' ? found.layout : layoutsFor(doc, breakpoint)[id]!;
  const placed = placeLayout(doc, id, { ...current, ...change }, breakpoint, undefined);
  return done(doc, doc, withParts(doc, placed), [fieldKey(id, layoutField(breakpoint))], conflicts, ctx);
}

const moveWidget = register({
  args: z.object({ id: widgetIdSchema, x: layoutInput.shape.x, y: layoutInput.shape.y, breakpoint: breakpointSchema, expect: expectSchema }),
  run: (doc, { id, x, y, breakpoint, expect }, ctx) => relayout(doc, id, { x, y }, breakpoint, expect, ctx),
});

const resizeWidget = register({
  args: z.object({ id: widgetIdSchema, w: layoutInput.shape.w, h: layoutInput.shape.h, breakpoint: breakpointSchema, expect: expectSchema }),
  run: (doc, { id, w, h, breakpoint, expect }, ctx) => relayout(doc, id, { w, h }, breakpoint, expect, ctx),
});

/**
 * Sets one widget's whole layout (at `breakpoint`, default lg) and puts back other widgets
 * an earlier edit had pushed (`ripple`). What undo of a move or resize sends.
 */
const setLayout = register({
  args: z.object({ id: widgetIdSchema, layout: layoutInput, breakpoint: breakpointSchema, ripple: rippleSchema, expect: expectSchema, ifUnchanged: ifUnchangedSchema }),
  run(doc, { id, layout, breakpoint, ripple, expect, ifUnchanged }, ctx) {
    const found = target(doc, id);
    if (!('layout' in found)) return found;
    const conflicts = checkExpect(doc, id, expect, (f) => readWidgetField(doc, found, f), ctx);
    if (ifUnchanged && conflicts.length > 0) return stale(doc, conflicts);
    const placed = placeLayout(doc, id, layout, breakpoint, ripple);
    return done(doc, doc, withParts(doc, placed), [fieldKey(id, layoutField(breakpoint))], conflicts, ctx);
  },
});

const updateWidget = register({
  args: z.object({
    id: widgetIdSchema,
    set: z.strictObject({
      title: z.optional(z.string().check(z.maxLength(200))),
      type: z.optional(z.enum(WIDGET_TYPES)),
      /** `null` detaches the widget from its stream. */
      stream: z.optional(z.nullable(streamKeySchema)),
      /** Merged per key; a `null` value removes that option. */
      options: z.optional(optionsSchema),
    }),
    expect: expectSchema,
    ifUnchanged: ifUnchangedSchema,
  }),
  run(doc, { id, set, expect, ifUnchanged }, ctx) {
    const found = target(doc, id);
    if (!('layout' in found)) return found;
    const conflicts = checkExpect(doc, id, expect, (f) => readWidgetField(doc, found, f), ctx);
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
    for (const [key, value] of Object.entries(set.options ?? {})) {
      if (value === null) delete next.options[key];
      else next.options[key] = value;
      touched.push(fieldKey(id, `options.${key}`));
    }
    // Each update is within bounds; merged into the current options it may not be.
    const merged = checkJsonBounds(next.options, { maxDepth: Number.POSITIVE_INFINITY, maxBytes: MAX_WIDGET_OPTIONS_BYTES });
    if (merged) return reject(doc, 'options_too_large', `widget "${id}": options would be ${merged.message}`);
    return done(doc, doc, { ...doc, widgets: { ...doc.widgets, [id]: next } }, touched, conflicts, ctx);
  },
});

const setDashboardMeta = register({
  args: z.object({
    set: z.strictObject({
      title: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
      /** `null` removes the description. */
      description: z.optional(z.nullable(z.string().check(z.maxLength(2000)))),
      columns: z.optional(intBetween(1, MAX_COLUMNS)),
    }),
    expect: expectSchema,
    ifUnchanged: ifUnchangedSchema,
  }),
  run(doc, { set, expect, ifUnchanged }, ctx) {
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
  },
});

/**
 * The named mutators; server and client run the same code. Adding a mutator is one entry
 * here (its args schema and its pure `run`), plus a line in docs/protocol.md.
 */
const MUTATORS = { addWidget, removeWidget, restoreWidget, moveWidget, resizeWidget, setLayout, updateWidget, setDashboardMeta };

export type MutatorName = keyof typeof MUTATORS;
/** Every mutator name, in the order of the registry. */
export const MUTATOR_NAMES = Object.keys(MUTATORS) as MutatorName[];
/** What a caller passes as `args` to the named mutator. */
export type MutatorArgs<N extends MutatorName> = z.input<(typeof MUTATORS)[N]['args']>;

/** True when `name` is a registered mutator; only own entries count, so `constructor` or `__proto__` is none. */
export function isMutatorName(name: string): name is MutatorName {
  return Object.hasOwn(MUTATORS, name);
}

function lookup(name: string): RegisteredMutator | undefined {
  return isMutatorName(name) ? MUTATORS[name] : undefined;
}

function unknownMutator(name: string): string {
  return `unknown mutator "${name.slice(0, 64)}"; expected one of ${MUTATOR_NAMES.join(', ')}`;
}

/**
 * Runs the named mutator on `doc`. Pure and deterministic: the same document, name, args
 * and context always give the same outcome. Invalid input is never thrown: it comes back
 * as a `rejected` outcome with an error naming the problem (`unknown_mutator`,
 * `invalid_args`, …), and the document is unchanged. The caller sets `version` and `updatedAt`.
 */
export function applyMutation(doc: Dashboard, name: string, args: unknown, ctx: MutationContext): MutationOutcome {
  const mutator = lookup(name);
  if (!mutator) return reject(doc, 'unknown_mutator', unknownMutator(name));
  return mutator.apply(doc, name, args, ctx);
}

/** Throws a PulseboardError when `name`/`args` would be rejected; handy at API edges. */
export function assertMutationShape(name: string, args: unknown): void {
  const mutator = lookup(name);
  if (!mutator) throw new PulseboardError('unknown_mutator', unknownMutator(name));
  const problem = mutator.check(name, args);
  if (problem) throw new PulseboardError('invalid_args', problem);
}
