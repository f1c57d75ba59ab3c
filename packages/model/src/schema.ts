import { z } from 'zod';
import { checkJsonBounds, type JsonBounds } from './json-bounds.js';
import { DEFAULT_COLUMNS, MAX_COLUMNS, MAX_JSON_DEPTH, MAX_POINT_VALUE_BYTES, MAX_ROW, MAX_WIDGET_OPTIONS_BYTES, MAX_WIDGET_ROWS } from './limits.js';

/**
 * `schema` refined to values within `bounds` (checked without recursion); a violation is an
 * issue at the path where it happened, so the error names the field.
 */
export function boundedJson<T extends z.ZodType>(schema: T, bounds: JsonBounds): T {
  return schema.superRefine((value, ctx) => {
    const violation = checkJsonBounds(value, bounds);
    if (violation) ctx.addIssue({ code: 'custom', message: violation.message, path: violation.path });
  });
}

/** The widget types the web app renders. */
export const WIDGET_TYPES = ['stat', 'line', 'gauge', 'table', 'text', 'status'] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];

/** Dashboard ids are URL-safe slugs. */
export const slugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a slug: lowercase letters, digits, "-" and "_"');

/** Widget ids are chosen by the client that adds the widget (so optimistic ids hold). */
export const widgetIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "-" and "_"')
  .refine((id) => id !== '__proto__', 'must not be "__proto__"');

/** Stream keys: dotted names such as `cpu.load` or `sales.eu-west`. */
export const streamKeySchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", "_", ":" and "-"');

export const layoutSchema = z.object({
  x: z.number().int().min(0).max(MAX_COLUMNS - 1),
  y: z.number().int().min(0).max(MAX_ROW),
  w: z.number().int().min(1).max(MAX_COLUMNS),
  h: z.number().int().min(1).max(MAX_WIDGET_ROWS),
});
export type Layout = z.infer<typeof layoutSchema>;

/**
 * Type-specific options (unit, decimals, thresholds, min/max, …): a JSON map of at most
 * MAX_WIDGET_OPTIONS_BYTES, nested at most MAX_JSON_DEPTH levels (the map itself is level 1).
 */
export const optionsSchema = boundedJson(
  z.record(
    z.string().min(1).max(64).refine((key) => key !== '__proto__', 'must not be "__proto__"'),
    z.unknown(),
  ),
  { maxDepth: MAX_JSON_DEPTH, maxBytes: MAX_WIDGET_OPTIONS_BYTES },
);
export type WidgetOptions = Record<string, unknown>;

export const widgetSchema = z.object({
  id: widgetIdSchema,
  type: z.enum(WIDGET_TYPES),
  title: z.string().max(200),
  layout: layoutSchema,
  stream: streamKeySchema.optional(),
  options: optionsSchema,
});
export type Widget = z.infer<typeof widgetSchema>;

/** Who last wrote a field: lets a client say who overwrote an edit. */
export const writerSchema = z.object({
  clientId: z.string(),
  mutationId: z.number().int(),
  name: z.string().optional(),
});
export type Writer = z.infer<typeof writerSchema>;

export const dashboardSchema = z.object({
  id: slugSchema,
  title: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  /** Offset of the last event applied to this document. */
  version: z.number().int().min(0),
  columns: z.number().int().min(1).max(MAX_COLUMNS),
  widgets: z.record(widgetIdSchema, widgetSchema),
  /** Deleted widget ids (value: the version that deleted them); edits to them are no-ops. */
  tombstones: z.record(z.string(), z.number().int()),
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
  z.union([z.number().finite(), z.record(z.string(), z.unknown())], {
    error: 'must be a finite number or a JSON object',
  }),
  { maxDepth: MAX_JSON_DEPTH, maxBytes: MAX_POINT_VALUE_BYTES },
);
export type PointValue = z.infer<typeof pointValueSchema>;

export const streamPointSchema = z.object({
  ts: z.number().int().min(0),
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

/** Turns the first zod issue into one sentence naming the field, for error messages. */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
