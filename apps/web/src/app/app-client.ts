/**
 * The page's client: the client core with the realtime defaults (no zod) and the mutators
 * installed by their own chunk (mutation-runner.ts), so what a viewer or a wallboard downloads
 * first holds neither.
 */
import { createPulseboardClientCore, IndexedDbOfflineStore, type PulseboardClient } from '@pulseboard/client';
import type { MutationRunner } from '@pulseboard/model';
import { loadDisplayName } from './display-name';
import { earlyFetch } from './early-fetch';
import type { Identity } from './keyring';

/** Imports the mutators' chunk (which installs them); the module cache keeps it. */
export function loadMutationRunner(): Promise<MutationRunner> {
  return import('./mutation-runner').then((m) => m.applyMutation);
}

/** A client for `identity`: its own clientId, its offline queue in IndexedDB (edits survive a closed tab), the page's early first read (early-fetch.ts). */
export function createAppClient(identity: Pick<Identity, 'token' | 'storeKey' | 'clientId'>, url: string): PulseboardClient {
  const store = typeof indexedDB === 'undefined' ? undefined : new IndexedDbOfflineStore();
  return createPulseboardClientCore({
    url,
    token: identity.token,
    name: loadDisplayName(),
    fetch: earlyFetch,
    storeKey: identity.storeKey,
    ...(identity.clientId ? { clientId: identity.clientId } : {}),
    ...(store ? { store } : {}),
    loadMutations: loadMutationRunner,
  });
}
