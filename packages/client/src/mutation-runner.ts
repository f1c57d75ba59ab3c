import type { MutationRunner } from '@pulseboard/model';
import { Subscribable } from './subscribable.js';

/**
 * Where the client finds the model's mutators (`applyMutation`), which it re-runs to show
 * pending edits on top of the confirmed document. `createPulseboardClient` installs them as it
 * starts; a core client (`createPulseboardClientCore`) gets them when its app installs them,
 * so an app whose viewers never edit keeps them, and zod, out of what those viewers download.
 * The mutators are pure and the same for every client, so one installation serves them all.
 */
class MutationRunnerSlot extends Subscribable {
  #runner: MutationRunner | null = null;

  get runner(): MutationRunner | null {
    return this.#runner;
  }

  /** Installs the mutators (the first installation stays) and tells the clients waiting for them. */
  install(runner: MutationRunner): void {
    if (this.#runner) return;
    this.#runner = runner;
    this.notify();
  }
}

/** The one slot of this page (or process). */
export const mutationRunnerSlot = new MutationRunnerSlot();

/** Installs the model's `applyMutation` for every client of this page; see `createPulseboardClientCore`. */
export function installMutationRunner(runner: MutationRunner): void {
  mutationRunnerSlot.install(runner);
}
