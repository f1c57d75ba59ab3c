import type { ColumnStash, Dashboard, Layout, Widget, Writer } from './schema.js';

/**
 * What one mutation changed in a dashboard, in a form a receiver can apply without
 * re-running the mutator (and its grid compaction): changed widgets (null = removed),
 * layout-only changes, new tombstones and changed meta fields. Field writers are not in it:
 * they follow from the event's `touched` keys and author (see `applyPatch`).
 * Events carry it so that applying 1,000 confirmed events is cheap on every client.
 */
export interface DashboardPatch {
  widgets?: Record<string, Widget | null>;
  /** Widgets whose only change is their layout (most of a move's compaction ripple). */
  layouts?: Record<string, Layout>;
  tombstones?: Record<string, number>;
  /** Changed meta fields; `null` removes an optional one (description, layouts, columnStash). */
  meta?: {
    title?: string;
    description?: string | null;
    columns?: number;
    layouts?: Dashboard['layouts'] | null;
    columnStash?: ColumnStash | null;
  };
}

/** Keys whose value differs by identity (mutators share unchanged objects), and removed keys as null. */
function diffRecord<T>(before: Record<string, T>, after: Record<string, T>): Record<string, T | null> | undefined {
  if (before === after) return undefined;
  let out: Record<string, T | null> | undefined;
  for (const key in after) {
    if (before[key] !== after[key]) (out ??= {})[key] = after[key]!;
  }
  for (const key in before) {
    if (!Object.hasOwn(after, key)) (out ??= {})[key] = null;
  }
  return out;
}

function onlyLayoutChanged(prev: Widget, next: Widget): boolean {
  return prev.id === next.id && prev.type === next.type && prev.title === next.title && prev.stream === next.stream && prev.options === next.options;
}

/** The patch that turns `before` into `after` (both outputs of the same mutator run). */
export function diffDashboards(before: Dashboard, after: Dashboard): DashboardPatch {
  const patch: DashboardPatch = {};
  const widgets = diffRecord(before.widgets, after.widgets);
  if (widgets) {
    for (const id in widgets) {
      const next = widgets[id];
      const prev = before.widgets[id];
      if (next && prev && onlyLayoutChanged(prev, next)) {
        (patch.layouts ??= {})[id] = next.layout;
        delete widgets[id];
      }
    }
    if (Object.keys(widgets).length > 0) patch.widgets = widgets;
  }
  const tombstones = diffRecord(before.tombstones, after.tombstones);
  if (tombstones) patch.tombstones = tombstones as Record<string, number>;
  const meta: NonNullable<DashboardPatch['meta']> = {};
  if (before.title !== after.title) meta.title = after.title;
  if (before.description !== after.description) meta.description = after.description ?? null;
  if (before.columns !== after.columns) meta.columns = after.columns;
  if (before.layouts !== after.layouts) meta.layouts = after.layouts ?? null;
  if (before.columnStash !== after.columnStash) meta.columnStash = after.columnStash ?? null;
  if (Object.keys(meta).length > 0) patch.meta = meta;
  return patch;
}

function patchRecord<T>(target: Record<string, T>, changes: Record<string, T | null>): void {
  for (const key in changes) {
    const value = changes[key];
    if (value === null || value === undefined) delete target[key];
    else target[key] = value;
  }
}

/** The mutation a patch came from: its author and the field keys it set (the event's `touched`). */
export interface PatchSource {
  writer: Writer;
  touched: readonly string[];
}

/**
 * Applies a patch, recording `source.writer` as the writer of every touched field (and
 * forgetting the writers of removed widgets), as the mutator did. By default returns a new
 * document sharing what did not change. With `inPlace`, mutates `doc` and its widget, writer
 * and tombstone maps: only for a document the caller owns outright (a private draft), which
 * makes a long run of patches cost O(changes) instead of O(document) each.
 */
export function applyPatch(doc: Dashboard, patch: DashboardPatch, source: PatchSource, options: { inPlace?: boolean } = {}): Dashboard {
  const out = options.inPlace ? doc : { ...doc };
  if (patch.widgets) {
    if (!options.inPlace) out.widgets = { ...doc.widgets };
    patchRecord(out.widgets, patch.widgets);
  }
  if (patch.layouts) {
    if (!options.inPlace && !patch.widgets) out.widgets = { ...doc.widgets };
    for (const id in patch.layouts) {
      const widget = out.widgets[id];
      if (widget) out.widgets[id] = { ...widget, layout: patch.layouts[id]! };
    }
  }
  const removed = patch.widgets ? Object.keys(patch.widgets).filter((id) => patch.widgets![id] === null) : [];
  if (removed.length > 0 || source.touched.length > 0) {
    if (!options.inPlace) out.writers = { ...doc.writers };
    for (const id of removed) {
      const prefix = `w:${id}:`;
      for (const key in out.writers) if (key.startsWith(prefix)) delete out.writers[key];
    }
    for (const key of source.touched) out.writers[key] = source.writer;
  }
  if (patch.tombstones) {
    if (!options.inPlace) out.tombstones = { ...doc.tombstones };
    patchRecord(out.tombstones, patch.tombstones);
  }
  if (patch.meta) {
    if (patch.meta.title !== undefined) out.title = patch.meta.title;
    const { description, layouts, columnStash } = patch.meta;
    if (description === null) delete out.description;
    else if (description !== undefined) out.description = description;
    if (patch.meta.columns !== undefined) out.columns = patch.meta.columns;
    if (layouts === null) delete out.layouts;
    else if (layouts !== undefined) out.layouts = layouts;
    if (columnStash === null) delete out.columnStash;
    else if (columnStash !== undefined) out.columnStash = columnStash;
  }
  return out;
}

/** A copy of `doc` whose maps may be patched in place (see `applyPatch`). */
export function draftOf(doc: Dashboard): Dashboard {
  return { ...doc, widgets: { ...doc.widgets }, writers: { ...doc.writers }, tombstones: { ...doc.tombstones } };
}
