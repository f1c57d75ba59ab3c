/**
 * The model's mutators (and zod, their argument schemas), installed for the page's client as
 * this chunk runs. The editor's chunk imports it, so they are there before the first edit; the
 * client loads it itself when it holds an edit first (a persisted offline queue). A viewer or a
 * wallboard never downloads it (apps/web/README.md, "What loads when").
 */
import { installMutationRunner } from '@pulseboard/client';
import { applyMutation } from '@pulseboard/model';

installMutationRunner(applyMutation);

export { applyMutation };
