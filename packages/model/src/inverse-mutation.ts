import { layoutsFor, sameLayout, widgetBreakpointLayouts } from './breakpoints.js';
import type { MutatorName } from './mutators.js';
import type { Breakpoint, Dashboard, Layout, Widget } from './schema.js';

/** A mutation to send: a mutator name and its args. */
export interface MutationCall {
  name: MutatorName;
  args: Record<string, unknown>;
}

/**
 * The mutation that undoes `name(args)`, given the document before and after it ran.
 * It carries `expect` (the values the edit left) and `ifUnchanged: true`, so if someone else
 * has changed one of those fields since, the server rejects it as `stale` naming them instead
 * of overwriting their change. Works for every mutator, also for its own output (so the
 * inverse of an undo is the redo). Null when the edit changed nothing.
 */
export function inverseMutation(before: Dashboard, after: Dashboard, name: string, args: unknown): MutationCall | null {
  const a = (args ?? {}) as Record<string, unknown>;
  switch (name as MutatorName) {
    case 'addWidget':
    case 'restoreWidget': {
      const id = (a.widget as { id?: string } | undefined)?.id;
      const widget = id !== undefined && Object.hasOwn(after.widgets, id) ? after.widgets[id]! : undefined;
      if (!widget || (id !== undefined && Object.hasOwn(before.widgets, id))) return null;
      return { name: 'removeWidget', args: { id: widget.id, ...rippleArg(after, before, 'lg', widget.id), expect: identityOf(widget), ifUnchanged: true } };
    }
    case 'removeWidget': {
      const id = a.id as string;
      const widget = Object.hasOwn(before.widgets, id) ? before.widgets[id]! : undefined;
      if (!widget || Object.hasOwn(after.widgets, id)) return null;
      const layouts = widgetBreakpointLayouts(before.layouts, id);
      return {
        name: 'restoreWidget',
        args: { widget, ...(Object.keys(layouts).length > 0 ? { layouts } : {}), ...rippleArg(after, before, 'lg', id) },
      };
    }
    case 'moveWidget':
    case 'resizeWidget':
    case 'setLayout': {
      const id = a.id as string;
      const breakpoint = (a.breakpoint as Breakpoint | undefined) ?? 'lg';
      const was = layoutsFor(before, breakpoint)[id];
      const now = layoutsFor(after, breakpoint)[id];
      if (!was || !now) return null;
      const field = breakpoint === 'lg' ? 'layout' : `layout@${breakpoint}`;
      const ripple = rippleArg(after, before, breakpoint, id);
      if (sameLayout(was, now) && !ripple.ripple) return null;
      return {
        name: 'setLayout',
        args: { id, layout: was, ...(breakpoint === 'lg' ? {} : { breakpoint }), ...ripple, expect: { [field]: now }, ifUnchanged: true },
      };
    }
    case 'updateWidget': {
      const id = a.id as string;
      const was = Object.hasOwn(before.widgets, id) ? before.widgets[id]! : undefined;
      const now = Object.hasOwn(after.widgets, id) ? after.widgets[id]! : undefined;
      if (!was || !now) return null;
      const set = (a.set ?? {}) as { title?: unknown; type?: unknown; stream?: unknown; options?: Record<string, unknown> };
      const back: Record<string, unknown> = {};
      const expect: Record<string, unknown> = {};
      if (set.title !== undefined) [back.title, expect.title] = [was.title, now.title];
      if (set.type !== undefined) [back.type, expect.type] = [was.type, now.type];
      if (set.stream !== undefined) [back.stream, expect.stream] = [was.stream ?? null, now.stream ?? null];
      const options = Object.keys(set.options ?? {});
      if (options.length > 0) {
        const backOptions: Record<string, unknown> = {};
        for (const key of options) {
          backOptions[key] = Object.hasOwn(was.options, key) ? was.options[key] : null;
          expect[`options.${key}`] = Object.hasOwn(now.options, key) ? now.options[key] : null;
        }
        back.options = backOptions;
      }
      if (Object.keys(back).length === 0) return null;
      return { name: 'updateWidget', args: { id, set: back, expect, ifUnchanged: true } };
    }
    case 'setDashboardMeta': {
      const set = (a.set ?? {}) as { title?: unknown; description?: unknown; columns?: unknown };
      const back: Record<string, unknown> = {};
      const expect: Record<string, unknown> = {};
      if (set.title !== undefined) [back.title, expect.title] = [before.title, after.title];
      if (set.description !== undefined) [back.description, expect.description] = [before.description ?? null, after.description ?? null];
      if (set.columns !== undefined) [back.columns, expect.columns] = [before.columns, after.columns];
      if (Object.keys(back).length === 0) return null;
      return { name: 'setDashboardMeta', args: { set: back, expect, ifUnchanged: true } };
    }
    default:
      return null;
  }
}

/** What identifies a widget the user added (undoing the add conflicts if someone changed it). */
function identityOf(widget: Widget): Record<string, unknown> {
  return { title: widget.title, type: widget.type, stream: widget.stream ?? null };
}

/** `{ripple}`: the other widgets an edit pushed at `breakpoint` (from where it left them back to where they were). */
function rippleArg(after: Dashboard, before: Dashboard, breakpoint: Breakpoint, except: string): { ripple?: Record<string, { from: Layout; to: Layout }> } {
  const was = layoutsFor(before, breakpoint);
  const now = layoutsFor(after, breakpoint);
  let ripple: Record<string, { from: Layout; to: Layout }> | undefined;
  for (const id of Object.keys(now)) {
    if (id === except || !Object.hasOwn(was, id) || sameLayout(was[id]!, now[id]!)) continue;
    (ripple ??= {})[id] = { from: now[id]!, to: was[id]! };
  }
  return ripple ? { ripple } : {};
}
