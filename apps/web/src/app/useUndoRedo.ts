import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Dashboard, MutatorArgs, MutatorName } from '@pulseboard/model';
import type { EditOptions } from '@pulseboard/client';
import type { DashboardActions } from '@pulseboard/react';
import { loadUndoEngine } from './lazy-parts';
import { localStorageOrNull } from './local-storage';
import type { UndoEngine } from './undo-engine';

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

/** Text fields keep their own Ctrl+Z (the browser's per-field undo). */
function isTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** The undo engine of this client on this dashboard, loaded (with the editor) once the person may edit. */
function useUndoEngine(clientId: string, dashboardId: string, mayEdit: boolean): UndoEngine | null {
  const key = `${clientId}\n${dashboardId}`;
  const [loaded, setLoaded] = useState<{ key: string; engine: UndoEngine } | null>(null);
  useEffect(() => {
    if (!mayEdit) return;
    let live = true;
    loadUndoEngine()
      .then((Engine) => {
        if (live) setLoaded({ key, engine: new Engine(clientId, dashboardId, localStorageOrNull()) });
      })
      // Offline before the editor ever loaded: edits still go through, they just cannot be undone.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [key, clientId, dashboardId, mayEdit]);
  return mayEdit && loaded?.key === key ? loaded.engine : null;
}

/**
 * Per-person undo and redo for one dashboard (as in Figma or Google Docs): undo reverts MY
 * last edit as a new mutation through the same exactly-once path; if someone else has changed
 * the same field since, it is not applied and `refusal` names them. Ctrl/Cmd+Z undoes,
 * Ctrl/Cmd+Shift+Z and Ctrl+Y redo (outside text fields). The stacks survive a reload. The
 * engine (undo-engine.ts) loads with the editor's chunk once `mayEdit`; edits made before it
 * arrived are sent but not undoable.
 */
export function useUndoRedo(base: DashboardActions, dashboard: Dashboard | null, clientId: string, dashboardId: string, enabled: boolean, mayEdit: boolean): UndoRedo {
  const engine = useUndoEngine(clientId, dashboardId, mayEdit);
  const [, setTick] = useState(0);
  const changed = useCallback(() => setTick((t) => t + 1), []);
  const [refusal, setRefusal] = useState<string | null>(null);
  const doc = useRef(dashboard);
  doc.current = dashboard;

  const mutate = useCallback(
    <N extends MutatorName>(name: N, args: MutatorArgs<N>, options?: EditOptions): number | null => {
      if (!engine) return base.mutate(name, args, options);
      const id = engine.mutate(base, doc.current, name, args, options);
      changed();
      return id;
    },
    [base, engine, changed],
  );

  const step = useCallback(
    (direction: 'undo' | 'redo') => {
      if (!engine) return;
      setRefusal(engine.step(direction, base, doc.current));
      changed();
    },
    [base, engine, changed],
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
    undoLabel: engine?.history.nextUndo?.label ?? null,
    redoLabel: engine?.history.nextRedo?.label ?? null,
    refusal,
    dismissRefusal: useCallback(() => setRefusal(null), []),
  };
}
