/**
 * Words for sync notices: what was reverted or overwritten, on which widget, and by whom.
 * Pure functions over the client's `SyncNotice` and the dashboard, unit-tested directly.
 */
import type { Dashboard } from '@pulseboard/model';
import type { SyncNotice } from '@pulseboard/client';
import { restoreEditOf } from './notice-restore';

/** A notice as shown: title, sentence, tone and whether Retry makes sense. */
export interface NoticeText {
  title: string;
  message: string;
  tone: 'warning' | 'error' | 'conflict';
  canRetry: boolean;
}

const FIELD_WORDS: Record<string, string> = {
  title: 'title',
  stream: 'stream',
  type: 'type',
  layout: 'position',
  description: 'description',
  columns: 'column count',
};

/** "title", "unit", "position" for a field key like `w:cpu:options.unit` or `meta:title`. */
export function fieldWord(key: string): string {
  const field = key.startsWith('w:') ? key.split(':').slice(2).join(':') : key.replace(/^meta:/, '');
  if (field.startsWith('options.')) return field.slice('options.'.length);
  return FIELD_WORDS[field] ?? field;
}

function widgetName(dashboard: Dashboard | null, id: string | undefined): string {
  if (!id) return 'a widget';
  const widget = dashboard?.widgets[id];
  return widget?.title ? `“${widget.title}”` : 'a widget';
}

function list(words: string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

/** "moving “CPU”", "renaming the dashboard": the edit a mutation made, as words. */
export function describeMutation(name: string, args: unknown, dashboard: Dashboard | null): string {
  const a = (args ?? {}) as { id?: string; widget?: { id?: string; title?: string; type?: string }; set?: Record<string, unknown> };
  switch (name) {
    case 'addWidget':
      return `adding ${a.widget?.title ? `“${a.widget.title}”` : `a ${a.widget?.type ?? ''} widget`.replace('  ', ' ')}`;
    case 'removeWidget':
      return `deleting ${widgetName(dashboard, a.id)}`;
    case 'moveWidget':
      return `moving ${widgetName(dashboard, a.id)}`;
    case 'resizeWidget':
      return `resizing ${widgetName(dashboard, a.id)}`;
    case 'updateWidget': {
      const set = a.set ?? {};
      const fields = Object.keys(set).flatMap((k) => (k === 'options' ? Object.keys((set.options ?? {}) as object) : [FIELD_WORDS[k] ?? k]));
      return `changing the ${list(fields) || 'settings'} of ${widgetName(dashboard, a.id)}`;
    }
    case 'setDashboardMeta': {
      const set = a.set ?? {};
      return 'title' in set ? 'renaming the dashboard' : `changing the dashboard’s ${list(Object.keys(set).map((k) => FIELD_WORDS[k] ?? k))}`;
    }
    default:
      return `your “${name}” edit`;
  }
}

/** “Gauge by B” or 42: a short scalar value worth quoting in a sentence; null otherwise. */
function quoted(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value === '' || value.length > 40) return null;
  return `“${value}”`;
}

/** The one conflicting value, quoted, when a notice is about a single field. */
function singleValue(notice: SyncNotice, which: 'actual' | 'expected'): string | null {
  const conflicts = notice.conflicts ?? [];
  return conflicts.length === 1 ? quoted(conflicts[0]![which]) : null;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Who made the other change: their name, or "someone else". */
export function whoOf(notice: Pick<SyncNotice, 'by' | 'conflicts'>): string {
  const name = notice.by?.name ?? notice.conflicts?.find((c) => c.by?.name)?.by?.name;
  return name ?? 'someone else';
}

function mutationWidgetId(args: unknown): string | undefined {
  const a = args as { id?: unknown; widget?: { id?: unknown } } | null | undefined;
  const id = a?.id ?? a?.widget?.id;
  return typeof id === 'string' ? id : undefined;
}

/** Title, message, tone and retry-ability of a notice. */
export function describeNotice(notice: SyncNotice, dashboard: Dashboard | null): NoticeText {
  const what = notice.mutation ? describeMutation(notice.mutation.name, notice.mutation.args, dashboard) : 'your edit';
  const fields = list(notice.fields.map(fieldWord));
  const widgetId = notice.fields.map((f) => /^w:([^:]+):/.exec(f)?.[1]).find(Boolean) ?? mutationWidgetId(notice.mutation?.args);
  const target = widgetId ? ` of ${widgetName(dashboard, widgetId)}` : '';
  const who = whoOf(notice);
  // A widget named by its title reads wrong when the title is what changed ("the title of “B” to “B”").
  const titleOnly = notice.fields.length > 0 && notice.fields.every((f) => fieldWord(f) === 'title');
  switch (notice.kind) {
    case 'rejected':
      return {
        title: 'Edit reverted',
        message: `${capitalise(what)} was rejected by the server and undone${notice.error ? `: ${notice.error.message}` : '.'}`,
        tone: 'error',
        canRetry: Boolean(notice.mutation) && notice.error?.code !== 'bad_request' && notice.error?.code !== 'forbidden',
      };
    case 'overwritten': {
      const mine = singleValue(notice, 'actual');
      const stillThere = !widgetId || Boolean(dashboard?.widgets[widgetId]);
      return {
        title: 'Your change was overwritten',
        message: `${capitalise(who)} changed the ${fields || 'same field'}${mine && titleOnly ? '' : target} after you, so ${what}${mine ? ` (${mine})` : ''} was overwritten.`,
        tone: 'conflict',
        // Resend the pending edit, or put the overwritten value back.
        canRetry: notice.mutation ? stillThere : restoreEditOf(notice, dashboard) !== null,
      };
    }
    case 'conflict': {
      const theirs = singleValue(notice, 'actual');
      return {
        title: 'Edited at the same time',
        message: `${capitalise(who)} had just changed the ${fields || 'same field'}${theirs && titleOnly ? '' : target}${theirs ? ` to ${theirs}` : ''}; your change replaced theirs.`,
        tone: 'conflict',
        canRetry: false,
      };
    }
    case 'superseded':
      return {
        title: 'Edit dropped',
        message: `${capitalise(what)} no longer applies: the widget was deleted${notice.by ? ` by ${who}` : ''}.`,
        tone: 'warning',
        canRetry: false,
      };
    case 'deleted':
      return { title: 'Dashboard deleted', message: `This dashboard was deleted${notice.by ? ` by ${who}` : ''}.`, tone: 'error', canRetry: false };
    case 'reset':
      return {
        title: 'Dashboard replaced',
        message: notice.message || 'The whole dashboard was replaced (import or API write); unsaved edits were re-applied on top.',
        tone: 'warning',
        canRetry: false,
      };
  }
}
