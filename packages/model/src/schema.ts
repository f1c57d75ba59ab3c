import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { checkJsonBounds, type JsonBounds } from './json-bounds.js';
import { intBetween } from './schema-helpers.js';
import { DEFAULT_COLUMNS, MAX_COLUMNS, MAX_JSON_DEPTH, MAX_POINT_VALUE_BYTES, MAX_ROW, MAX_WIDGET_OPTIONS_BYTES, MAX_WIDGET_ROWS } from './limits.js';

// `/* @__PURE__ */` marks each `.check()` and `z.int()` call side-effect-free (zod/mini's other
// builders are marked already), so a bundle drops the schemas it does not use.

/**
 * `schema` refined to values within `bounds` (checked without recursion); a violation is an
 * issue at the path where it happened, so the error names the field.
 */
/* @__NO_SIDE_EFFECTS__ */
export function boundedJson<T extends z.ZodMiniType>(schema: T, bounds: JsonBounds): T {
  return schema.check(
    z.superRefine((value, ctx) => {
      const violation = checkJsonBounds(value, bounds);
      if (violation) ctx.addIssue({ code: 'custom', message: violation.message, path: violation.path });
    }),
  );
}

/** The widget types the web app renders. */
export const WIDGET_TYPES = ['stat', 'line', 'gauge', 'table', 'text', 'status'] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];

/** Dashboard ids are URL-safe slugs. */
export const slugSchema = /* @__PURE__ */ z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a slug: lowercase letters, digits, "-" and "_"'));

/** A slug made from a title (`"Sales – Q4 (EU)"` → `sales-q4-eu`); `dashboard` when nothing is left. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || 'dashboard';
}

/** Widget ids are chosen by the client that adds the widget (so optimistic ids hold). */
export const widgetIdSchema = /* @__PURE__ */ z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "-" and "_"'),
    z.refine((id) => id !== '__proto__', 'must not be "__proto__"'),
  );

/** Stream keys: dotted names such as `cpu.load` or `sales.eu-west`. */
export const streamKeySchema = /* @__PURE__ */ z
  .string()
  .check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", "_", ":" and "-"'));

export const layoutSchema = z.object({
  x: intBetween(0, MAX_COLUMNS - 1),
  y: intBetween(0, MAX_ROW),
  w: intBetween(1, MAX_COLUMNS),
  h: intBetween(1, MAX_WIDGET_ROWS),
});
export type Layout = z.infer<typeof layoutSchema>;

/**
 * Type-specific options (unit, decimals, thresholds, min/max, …): a JSON map of at most
 * MAX_WIDGET_OPTIONS_BYTES, nested at most MAX_JSON_DEPTH levels (the map itself is level 1).
 */
export const optionsSchema = boundedJson(
  z.record(
    /* @__PURE__ */ z.string().check(z.minLength(1), z.maxLength(64), z.refine((key) => key !== '__proto__', 'must not be "__proto__"')),
    z.unknown(),
  ),
  { maxDepth: MAX_JSON_DEPTH, maxBytes: MAX_WIDGET_OPTIONS_BYTES },
);
export type WidgetOptions = Record<string, unknown>;

export const widgetSchema = z.object({
  id: widgetIdSchema,
  type: z.enum(WIDGET_TYPES),
  title: /* @__PURE__ */ z.string().check(z.maxLength(200)),
  layout: layoutSchema,
  stream: z.optional(streamKeySchema),
  options: optionsSchema,
});
export type Widget = z.infer<typeof widgetSchema>;

// Defined in breakpoints.ts, which imports no zod: a viewer's bundle lays out the grid with it.
export { BREAKPOINTS, type Breakpoint, type SmallBreakpoint } from './breakpoints.js';

/** The layout one breakpoint was edited to, at the column count it was edited at. */
export const breakpointLayoutSchema = z.object({
  columns: intBetween(1, MAX_COLUMNS),
  items: z.record(widgetIdSchema, layoutSchema),
});
export type BreakpointLayout = z.infer<typeof breakpointLayoutSchema>;

/**
 * The `lg` layouts as they were before the last column-count change, and what that change
 * turned them into: changing back restores every widget nobody moved since, exactly.
 */
export const columnStashSchema = z.object({
  columns: intBetween(1, MAX_COLUMNS),
  items: z.record(widgetIdSchema, layoutSchema),
  produced: z.record(widgetIdSchema, layoutSchema),
});
export type ColumnStash = z.infer<typeof columnStashSchema>;

/** Who last wrote a field: lets a client say who overwrote an edit. */
export const writerSchema = z.object({
  clientId: z.string(),
  mutationId: /* @__PURE__ */ z.int(),
  name: z.optional(z.string()),
});
export type Writer = z.infer<typeof writerSchema>;

export const dashboardSchema = z.object({
  id: slugSchema,
  title: /* @__PURE__ */ z.string().check(z.minLength(1), z.maxLength(200)),
  description: z.optional(/* @__PURE__ */ z.string().check(z.maxLength(2000))),
  /** Offset of the last event applied to this document. */
  version: /* @__PURE__ */ z.int().check(z.gte(0)),
  columns: intBetween(1, MAX_COLUMNS),
  widgets: z.record(widgetIdSchema, widgetSchema),
  /** Edited layouts of the smaller breakpoints; a missing one is derived from the next wider. */
  layouts: z.optional(z.partial(z.object({ md: breakpointLayoutSchema, sm: breakpointLayoutSchema, xs: breakpointLayoutSchema }))),
  columnStash: z.optional(columnStashSchema),
  /** Deleted widget ids (value: the version that deleted them); edits to them are no-ops. */
  tombstones: z.record(z.string(), /* @__PURE__ */ z.int()),
  /** Field key (see `fieldKey`) → the last writer of that field. */
  writers: z.record(z.string(), writerSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

/**
 * A point pushed to a stream: a number or a JSON object (merged into the latest value) of at
 * most MAX_POINT_VALUE_BYTES, nested at most MAX_JSON_DEPTH levels.
 */
export const pointValueSchema = boundedJson(
  z.union([z.number(), z.record(z.string(), z.unknown())], {
    error: 'must be a finite number or a JSON object',
  }),
  { maxDepth: MAX_JSON_DEPTH, maxBytes: MAX_POINT_VALUE_BYTES },
);
export type PointValue = z.infer<typeof pointValueSchema>;

export const streamPointSchema = z.object({
  ts: /* @__PURE__ */ z.int().check(z.gte(0)),
  value: pointValueSchema,
});
export type StreamPoint = z.infer<typeof streamPointSchema>;

/** A fresh, empty dashboard document. */
export function createDashboard(input: { id: string; title: string; description?: string; columns?: number; now: string }): Dashboard {
  return {
    id: input.id,
    title: input.title,
    ...(input.description === undefined ? {} : { description: input.description }),
    version: 0,
    columns: input.columns ?? DEFAULT_COLUMNS,
    widgets: {},
    tombstones: {},
    writers: {},
    createdAt: input.now,
    updatedAt: input.now,
  };
}

/** The key under which a field's last writer is kept: `meta:title`, `w:<id>:layout`, `w:<id>:options.unit`. */
export function fieldKey(widgetId: string | null, field: string): string {
  return widgetId === null ? `meta:${field}` : `w:${widgetId}:${field}`;
}

/** English issue messages, made on first use; zod/mini loads no locale, and a host app's zod config is not ours to change. */
let englishMessages: z.core.$ZodErrorMap | undefined;

/**
 * `schema.safeParse(input)` with English issue messages whatever zod's global config (zod/mini
 * says only "Invalid input" without a locale). Every check whose message reaches a person
 * (through `describeZodError`) parses with this.
 */
export function safeParseWithMessages<T extends z.core.$ZodType>(schema: T, input: unknown): z.core.util.SafeParseResult<z.output<T>> {
  englishMessages ??= en().localeError;
  return z.safeParse(schema, input, { error: englishMessages });
}

/** Turns the first zod issue into one sentence naming the field, for error messages. */
export function describeZodError(error: z.core.$ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
