/**
 * The work behind per-person undo and redo (useUndoRedo is its React side): previews each
 * edit on the current view to record its inverse and label, and replays a step unless
 * someone else changed the same field since. Loaded with the editor's chunk: a viewer never
 * edits, so never needs it (nor the model's inverseMutation and summarizeMutation).
 */
import { applyMutation, inverseMutation, summarizeMutation, type Dashboard, type MutatorArgs, type MutatorName } from '@pulseboard/model';
import type { EditOptions } from '@pulseboard/client';
import type { DashboardActions } from '@pulseboard/react';
import { UndoHistory, type UndoStep, type UndoStorage } from './undo-history';

/** Typing into one field coalesces: edits of the same widget field(s) share a key. */
function coalesceKey(name: string, args: Record<string, unknown>): string | undefined {
  const set = args.set as Record<string, unknown> | undefined;
  if (!set || (name !== 'updateWidget' && name !== 'setDashboardMeta')) return undefined;
  const fields = Object.keys(set).flatMap((k) => (k === 'options' ? Object.keys(set.options as object).map((o) => `options.${o}`) : [k]));
  return `${name}:${String(args.id ?? '')}:${fields.sort().join(',')}`;
}

/** "Bob changed the title since" from a refused undo's conflicts. */
function refusalText(label: string, conflicts: ReadonlyArray<{ field: string; by?: { name?: string } }>): string {
  const who = [...new Set(conflicts.map((c) => c.by?.name ?? 'someone else'))].join(' and ');
  const fields = conflicts.map((c) => c.field.replace(/^options\./, '').replace(/^layout.*/, 'layout')).join(', ');
  return `Cannot undo “${label}”: ${who} changed the ${fields} since. Nothing was changed.`;
}

/** One client's undo and redo on one dashboard: the stacks and the rules for using them. */
export class UndoEngine {
  readonly history: UndoHistory;
  readonly #clientId: string;

  constructor(clientId: string, dashboardId: string, storage: UndoStorage | null) {
    this.#clientId = clientId;
    this.history = new UndoHistory(clientId, dashboardId, storage);
  }

  /** Runs the call on `before` locally first: what it would do, and its inverse. */
  #preview(before: Dashboard | null, name: string, args: unknown) {
    if (!before) return null;
    const out = applyMutation(before, name, args, { clientId: this.#clientId, mutationId: Number.MAX_SAFE_INTEGER });
    return { before, out, inverse: out.status === 'applied' || out.status === 'conflict' ? inverseMutation(before, out.doc, name, args) : null };
  }

  /** Sends an edit through `base` and, when it was queued, records the step that reverts it. */
  mutate<N extends MutatorName>(base: DashboardActions, doc: Dashboard | null, name: N, args: MutatorArgs<N>, options?: EditOptions): number | null {
    const full = (options?.expect ? { ...(args as object), expect: options.expect } : args) as Record<string, unknown>;
    const seen = this.#preview(doc, name, full);
    const id = base.mutate(name, args, options);
    if (id !== null && seen?.inverse) {
      const key = coalesceKey(name, full);
      this.history.record({ label: summarizeMutation(seen.before, name, full), revert: seen.inverse, at: Date.now(), ...(key === undefined ? {} : { key }) });
    }
    return id;
  }

  /**
   * Undoes or redoes the newest step through `base`. Returns why it was refused (someone
   * changed the same field since, or it no longer applies; nothing is sent), null when it
   * was applied or there was nothing to do.
   */
  step(direction: 'undo' | 'redo', base: DashboardActions, doc: Dashboard | null): string | null {
    const history = this.history;
    const taken = direction === 'undo' ? history.popUndo() : history.popRedo();
    if (!taken) return null;
    const { name, args } = taken.revert;
    const seen = this.#preview(doc, name, args);
    if (seen && seen.out.status === 'rejected') {
      return seen.out.error?.code === 'stale' ? refusalText(taken.label, seen.out.conflicts) : `Cannot ${direction} “${taken.label}”: ${seen.out.error?.message ?? 'it no longer applies'}.`;
    }
    base.mutate(name as MutatorName, args as MutatorArgs<MutatorName>);
    if (seen?.inverse) {
      const back: UndoStep = { label: taken.label, revert: seen.inverse, at: Date.now() };
      if (direction === 'undo') history.pushRedo(back);
      else history.pushUndo(back);
    }
    return null;
  }
}
