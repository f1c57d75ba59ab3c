import type { Dashboard } from './schema.js';

/**
 * One line saying what a mutation does, in words a person reads in a history list or an
 * undo tooltip: `moved “CPU”`, `set the thresholds of “CPU”`, `changed columns to 6`.
 * `doc` is the document the mutation ran on (for the widget's current name).
 */
export function summarizeMutation(doc: Pick<Dashboard, 'widgets'>, name: string, args: unknown): string {
  const a = (args ?? {}) as Record<string, unknown>;
  const widgetName = (id: unknown, fallback?: { title?: unknown; type?: unknown }): string => {
    const key = typeof id === 'string' ? id : '';
    const widget = Object.hasOwn(doc.widgets, key) ? doc.widgets[key] : undefined;
    const title = widget?.title || (typeof fallback?.title === 'string' ? fallback.title : '');
    const type = widget?.type ?? (typeof fallback?.type === 'string' ? fallback.type : 'widget');
    return title ? `“${title}”` : `the ${type} widget`;
  };
  const at = typeof a.breakpoint === 'string' && a.breakpoint !== 'lg' ? ` (${a.breakpoint} layout)` : '';
  switch (name) {
    case 'addWidget': {
      const w = (a.widget ?? {}) as { title?: unknown; type?: unknown };
      return `added ${typeof w.title === 'string' && w.title ? `“${w.title}”` : `a ${String(w.type ?? '')} widget`}`;
    }
    case 'restoreWidget': {
      const w = (a.widget ?? {}) as { title?: unknown; type?: unknown };
      return `brought back ${typeof w.title === 'string' && w.title ? `“${w.title}”` : `the ${String(w.type ?? '')} widget`}`;
    }
    case 'removeWidget':
      return `removed ${widgetName(a.id)}`;
    case 'moveWidget':
      return `moved ${widgetName(a.id)}${at}`;
    case 'resizeWidget':
      return `resized ${widgetName(a.id)}${at}`;
    case 'setLayout':
      return `changed the layout of ${widgetName(a.id)}${at}`;
    case 'updateWidget': {
      const set = (a.set ?? {}) as { title?: unknown; type?: unknown; stream?: unknown; options?: Record<string, unknown> };
      const parts: string[] = [];
      if (typeof set.title === 'string') parts.push(`renamed ${widgetName(a.id)} to “${set.title}”`);
      if (set.type !== undefined) parts.push(`made ${widgetName(a.id)} a ${String(set.type)}`);
      if (set.stream !== undefined) parts.push(set.stream === null ? `detached ${widgetName(a.id)} from its stream` : `pointed ${widgetName(a.id)} at ${String(set.stream)}`);
      const options = Object.keys(set.options ?? {});
      if (options.length > 0) parts.push(`set the ${options.join(', ')} of ${widgetName(a.id)}`);
      return parts.join('; ') || `edited ${widgetName(a.id)}`;
    }
    case 'setDashboardMeta': {
      const set = (a.set ?? {}) as { title?: unknown; description?: unknown; columns?: unknown };
      const parts: string[] = [];
      if (typeof set.title === 'string') parts.push(`renamed the dashboard to “${set.title}”`);
      if (set.description !== undefined) parts.push('changed the description');
      if (set.columns !== undefined) parts.push(`changed columns to ${String(set.columns)}`);
      return parts.join('; ') || 'edited the dashboard';
    }
    default:
      return name;
  }
}
