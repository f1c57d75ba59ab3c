import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { applyMutation, inverseMutation, summarizeMutation, type Dashboard, type MutatorArgs, type MutatorName } from '@pulseboard/model';
import type { EditOptions } from '@pulseboard/client';
import type { DashboardActions } from '@pulseboard/react';
import { UndoHistory, type UndoStep } from './undo-history';

/** What the undo/redo buttons and the page need. */
export interface UndoRedo {
  /** The page's edit functions; each edit made through them can be undone. */
  actions: DashboardActions;
  undo(): void;
  redo(): void;
  /** The edit Undo would revert (`moved “CPU”`), or null. */
  undoLabel: string | null;
  redoLabel: string | null;
  /** Why the last undo/redo was not applied, naming who changed what; null when none. */
  refusal: string | null;
  dismissRefusal(): void;
}

function localStore(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Text fields keep their own Ctrl+Z (the browser's per-field undo). */
function isTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

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

/**
 * Per-person undo and redo for one dashboard (as in Figma or Google Docs): undo reverts MY
 * last edit as a new mutation through the same exactly-once path; if someone else has changed
 * the same field since, it is not applied and `refusal` names them. Ctrl/Cmd+Z undoes,
 * Ctrl/Cmd+Shift+Z and Ctrl+Y redo (outside text fields). The stacks survive a reload.
 */
export function useUndoRedo(base: DashboardActions, dashboard: Dashboard | null, clientId: string, dashboardId: string, enabled: boolean): UndoRedo {
  const history = useMemo(() => new UndoHistory(clientId, dashboardId, localStore()), [clientId, dashboardId]);
  const [, setTick] = useState(0);
  const changed = useCallback(() => setTick((t) => t + 1), []);
  const [refusal, setRefusal] = useState<string | null>(null);
  const doc = useRef(dashboard);
  doc.current = dashboard;

  /** Runs the call on the current view locally first: what it would do, and its inverse. */
  const preview = useCallback(
    (name: string, args: unknown) => {
      const before = doc.current;
      if (!before) return null;
      const out = applyMutation(before, name, args, { clientId, mutationId: Number.MAX_SAFE_INTEGER });
      return { before, out, inverse: out.status === 'applied' || out.status === 'conflict' ? inverseMutation(before, out.doc, name, args) : null };
    },
    [clientId],
  );

  const mutate = useCallback(
    <N extends MutatorName>(name: N, args: MutatorArgs<N>, options?: EditOptions): number | null => {
      const full = (options?.expect ? { ...(args as object), expect: options.expect } : args) as Record<string, unknown>;
      const seen = preview(name, full);
      const id = base.mutate(name, args, options);
      if (id !== null && seen?.inverse) {
        history.record({ label: summarizeMutation(seen.before, name, full), revert: seen.inverse, at: Date.now(), ...keyOf(name, full) });
        changed();
      }
      return id;
    },
    [base, preview, history, changed],
  );

  const step = useCallback(
    (direction: 'undo' | 'redo') => {
      const taken = direction === 'undo' ? history.popUndo() : history.popRedo();
      if (!taken) return;
      const { name, args } = taken.revert;
      const seen = preview(name, args);
      if (seen && seen.out.status === 'rejected') {
        setRefusal(seen.out.error?.code === 'stale' ? refusalText(taken.label, seen.out.conflicts) : `Cannot ${direction} “${taken.label}”: ${seen.out.error?.message ?? 'it no longer applies'}.`);
        changed();
        return;
      }
      base.mutate(name as MutatorName, args as MutatorArgs<MutatorName>);
      setRefusal(null);
      if (seen?.inverse) {
        const back: UndoStep = { label: taken.label, revert: seen.inverse, at: Date.now() };
        if (direction === 'undo') history.pushRedo(back);
        else history.pushUndo(back);
      }
      changed();
    },
    [base, preview, history, changed],
  );
  const undo = useCallback(() => step('undo'), [step]);
  const redo = useCallback(() => step('redo'), [step]);

  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTextField(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) undo();
      else if ((key === 'z' && event.shiftKey) || (key === 'y' && event.ctrlKey)) redo();
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled, undo, redo]);

  const actions = useMemo<DashboardActions>(
    () => ({
      ...base,
      mutate,
      addWidget: (widget) => mutate('addWidget', { widget }),
      moveWidget: (id, x, y, options) => mutate('moveWidget', { id, x, y }, options),
      resizeWidget: (id, w, h, options) => mutate('resizeWidget', { id, w, h }, options),
      updateWidget: (id, set, options) => mutate('updateWidget', { id, set }, options),
      removeWidget: (id, options) => mutate('removeWidget', { id }, options),
      setMeta: (set, options) => mutate('setDashboardMeta', { set }, options),
    }),
    [base, mutate],
  );

  return {
    actions,
    undo,
    redo,
    undoLabel: history.nextUndo?.label ?? null,
    redoLabel: history.nextRedo?.label ?? null,
    refusal,
    dismissRefusal: useCallback(() => setRefusal(null), []),
  };
}

function keyOf(name: string, args: Record<string, unknown>): { key?: string } {
  const key = coalesceKey(name, args);
  return key === undefined ? {} : { key };
}
