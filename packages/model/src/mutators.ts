import { z } from 'zod';
import { PulseboardError } from './errors.js';
import { compact, findFreeSlot } from './grid.js';
import { checkJsonBounds } from './json-bounds.js';
import { MAX_COLUMNS, MAX_MUTATION_ARGS_BYTES, MAX_MUTATION_ARGS_DEPTH, MAX_ROW, MAX_WIDGET_OPTIONS_BYTES, MAX_WIDGET_ROWS, MAX_WIDGETS } from './limits.js';
import { checkExpect, done, readField, readMeta, reject, target, type MutationContext, type MutationOutcome } from './mutation-outcome.js';
import { describeZodError, fieldKey, optionsSchema, streamKeySchema, widgetIdSchema, WIDGET_TYPES, type Dashboard, type Widget } from './schema.js';

/**
 * `expect`: the values the author saw when making the edit, keyed by field
 * (`title`, `stream`, `type`, `layout`, `options.<key>`; for meta `title`, `description`,
 * `columns`). When one no longer holds, the edit still wins (last writer wins) but the
 * result is marked `conflict`, naming the fields and who wrote them.
 */
const expectSchema = z.record(z.string().min(1).max(100), z.unknown()).optional();

const layoutInput = z.object({
  x: z.number().int().min(0).max(MAX_COLUMNS - 1),
  y: z.number().int().min(0).max(MAX_ROW),
  w: z.number().int().min(1).max(MAX_COLUMNS),
  h: z.number().int().min(1).max(MAX_WIDGET_ROWS),
});

/** One named mutator: its args schema and the pure function it runs on valid args. */
export interface Mutator<S extends z.ZodType = z.ZodType> {
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

function register<S extends z.ZodType>(mutator: Mutator<S>): Mutator<S> & RegisteredMutator {
  return {
    ...mutator,
    check(name, args) {
      const parsed = mutator.args.safeParse(args);
      return parsed.success ? argsOutOfBounds(name, args) : `${name}: ${describeZodError(parsed.error, 'args')}`;
    },
    apply(doc, name, args, ctx) {
      const parsed = mutator.args.safeParse(args);
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
      title: z.string().max(200).default(''),
      layout: layoutInput.partial({ x: true, y: true }).optional(),
      stream: streamKeySchema.optional(),
      options: optionsSchema.default({}),
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
  args: z.object({ id: widgetIdSchema, expect: expectSchema }),
  run(doc, { id, expect }, ctx) {
    const found = target(doc, id);
    if (!('layout' in found)) return found;
    const conflicts = checkExpect(doc, id, expect, (f) => readField(found, f), ctx);
    const rest = { ...doc.widgets };
    delete rest[id];
    const writers = Object.fromEntries(Object.entries(doc.writers).filter(([k]) => !k.startsWith(`w:${id}:`)));
    const next = { ...doc, widgets: compact(rest, doc.columns), tombstones: { ...doc.tombstones, [id]: doc.version + 1 } };
    return done(doc, { ...doc, writers }, next, [fieldKey(id, 'deleted')], conflicts, ctx);
  },
});

/** Moves or resizes a widget: the layout fields given replace the current ones, then the grid compacts. */
function relayout(doc: Dashboard, id: string, change: Partial<Widget['layout']>, expect: Record<string, unknown> | undefined, ctx: MutationContext): MutationOutcome {
  const found = target(doc, id);
  if (!('layout' in found)) return found;
  const conflicts = checkExpect(doc, id, expect, (f) => readField(found, f), ctx);
  const layout = { ...found.layout, ...change };
  const widgets = compact({ ...doc.widgets, [id]: { ...found, layout } }, doc.columns, id);
  return done(doc, doc, { ...doc, widgets }, [fieldKey(id, 'layout')], conflicts, ctx);
}

const moveWidget = register({
  args: z.object({ id: widgetIdSchema, x: layoutInput.shape.x, y: layoutInput.shape.y, expect: expectSchema }),
  run: (doc, { id, x, y, expect }, ctx) => relayout(doc, id, { x, y }, expect, ctx),
});

const resizeWidget = register({
  args: z.object({ id: widgetIdSchema, w: layoutInput.shape.w, h: layoutInput.shape.h, expect: expectSchema }),
  run: (doc, { id, w, h, expect }, ctx) => relayout(doc, id, { w, h }, expect, ctx),
});

const updateWidget = register({
  args: z.object({
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
  }),
  run(doc, { id, set, expect }, ctx) {
    const found = target(doc, id);
    if (!('layout' in found)) return found;
    const conflicts = checkExpect(doc, id, expect, (f) => readField(found, f), ctx);
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
    set: z
      .object({
        title: z.string().min(1).max(200).optional(),
        description: z.string().max(2000).optional(),
        columns: z.number().int().min(1).max(MAX_COLUMNS).optional(),
      })
      .strict(),
    expect: expectSchema,
  }),
  run(doc, { set, expect }, ctx) {
    const conflicts = checkExpect(doc, null, expect, (f) => readMeta(doc, f), ctx);
    const next: Omit<Dashboard, 'writers'> = { ...doc };
    const touched: string[] = [];
    if (set.title !== undefined) {
      next.title = set.title;
      touched.push(fieldKey(null, 'title'));
    }
    if (set.description !== undefined) {
      next.description = set.description;
      touched.push(fieldKey(null, 'description'));
    }
    if (set.columns !== undefined) {
      next.columns = set.columns;
      next.widgets = compact(doc.widgets, set.columns);
      touched.push(fieldKey(null, 'columns'));
    }
    return done(doc, doc, next, touched, conflicts, ctx);
  },
});

/**
 * The named mutators; server and client run the same code. Adding a mutator is one entry
 * here (its args schema and its pure `run`), plus a line in docs/protocol.md.
 */
const MUTATORS = { addWidget, removeWidget, moveWidget, resizeWidget, updateWidget, setDashboardMeta };

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
