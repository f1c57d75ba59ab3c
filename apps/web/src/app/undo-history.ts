/**
 * One person's undo and redo stacks for one dashboard, kept in localStorage so they survive
 * a reload. Each step holds the mutation that reverts it (built by the model's
 * `inverseMutation`, with `expect` + `ifUnchanged`) and a label naming the edit for tooltips.
 * Pure bookkeeping: sending mutations and checking conflicts is `useUndoRedo`'s job.
 */
import type { MutationCall } from '@pulseboard/model';

/** One undoable (or redoable) step. */
export interface UndoStep {
  /** What the step did, in words: `moved “CPU”`. */
  label: string;
  /** The mutation that reverts it. */
  revert: MutationCall;
  /** Steps with the same key within UNDO_COALESCE_MS merge (typing into one field). */
  key?: string;
  /** When it was recorded, ms. */
  at: number;
}

/** Edits of the same field closer together than this are one undo step (typing). */
export const UNDO_COALESCE_MS = 1500;
/** Most steps kept per stack. */
export const MAX_UNDO_STEPS = 100;

interface Stacks {
  undo: UndoStep[];
  redo: UndoStep[];
}

/** Where stacks are kept (localStorage in the app; a Map in tests). */
export interface UndoStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The stacks of one client on one dashboard. */
export class UndoHistory {
  readonly #storage: UndoStorage | null;
  readonly #key: string;
  #stacks: Stacks;

  constructor(clientId: string, dashboardId: string, storage: UndoStorage | null) {
    this.#storage = storage;
    this.#key = `pulseboard.undo.v1:${clientId}:${dashboardId}`;
    this.#stacks = this.#load();
  }

  /** The step Undo would revert, if any. */
  get nextUndo(): UndoStep | undefined {
    return this.#stacks.undo.at(-1);
  }

  /** The step Redo would re-apply, if any. */
  get nextRedo(): UndoStep | undefined {
    return this.#stacks.redo.at(-1);
  }

  /**
   * Records a new edit (clears the redo stack). An edit with the same `key` as the last step,
   * within UNDO_COALESCE_MS, merges into it: the step still reverts to the value before the
   * first of them, but now expects the latest value.
   */
  record(step: UndoStep): void {
    const last = this.#stacks.undo.at(-1);
    if (last && step.key !== undefined && last.key === step.key && step.at - last.at < UNDO_COALESCE_MS) {
      this.#stacks.undo[this.#stacks.undo.length - 1] = { ...step, revert: mergeReverts(last.revert, step.revert) };
    } else {
      this.#stacks.undo.push(step);
    }
    this.#stacks.redo = [];
    this.#save();
  }

  /** Takes the step to undo off its stack. */
  popUndo(): UndoStep | undefined {
    const step = this.#stacks.undo.pop();
    this.#save();
    return step;
  }

  /** Takes the step to redo off its stack. */
  popRedo(): UndoStep | undefined {
    const step = this.#stacks.redo.pop();
    this.#save();
    return step;
  }

  /** Puts an undone step on the redo stack (with the mutation that re-applies it). */
  pushRedo(step: UndoStep): void {
    this.#stacks.redo.push(step);
    this.#save();
  }

  /** Puts a redone step back on the undo stack, keeping the redo stack. */
  pushUndo(step: UndoStep): void {
    this.#stacks.undo.push(step);
    this.#save();
  }

  #load(): Stacks {
    try {
      const raw = this.#storage?.getItem(this.#key);
      const parsed = raw ? (JSON.parse(raw) as Partial<Stacks>) : null;
      if (parsed && Array.isArray(parsed.undo) && Array.isArray(parsed.redo)) return { undo: parsed.undo, redo: parsed.redo };
    } catch {
      // A corrupt or unreadable entry starts empty: losing undo steps loses no data.
    }
    return { undo: [], redo: [] };
  }

  #save(): void {
    this.#stacks.undo = this.#stacks.undo.slice(-MAX_UNDO_STEPS);
    this.#stacks.redo = this.#stacks.redo.slice(-MAX_UNDO_STEPS);
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(this.#stacks));
    } catch {
      // Storage full or blocked (private mode): undo still works for this tab.
    }
  }
}

/** `earlier` reverts to the values before the first edit; `later` expects the newest values. */
function mergeReverts(earlier: MutationCall, later: MutationCall): MutationCall {
  if (earlier.name !== later.name) return later;
  const a = earlier.args as { set?: Record<string, unknown> };
  const b = later.args as { set?: Record<string, unknown> };
  if (!a.set || !b.set) return later;
  const set: Record<string, unknown> = { ...b.set, ...a.set };
  const options = (a.set.options || b.set.options) as Record<string, unknown> | undefined;
  if (options) set.options = { ...(b.set.options as object | undefined), ...(a.set.options as object | undefined) };
  return { name: later.name, args: { ...later.args, set } };
}
