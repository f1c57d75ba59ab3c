/**
 * The page's client: the client core with the realtime defaults (no zod) and the mutators
 * installed by their own chunk (mutation-runner.ts), so what a viewer or a wallboard downloads
 * first holds neither.
 */
import { createPulseboardClientCore, IndexedDbOfflineStore, type PulseboardClient } from '@pulseboard/client';
import type { MutationRunner } from '@pulseboard/model';
import { loadDisplayName } from './display-name';
import { fetchWithEarlyRead, rememberEarlyRead } from './early-read';
import { getKeyring, identityFor, type Identity } from './keyring';
import { parseHash, routeDashboard } from './routing';
import { preloadRenderers } from '../widgets/renderer-chunks';

/** Imports the mutators' chunk (which installs them); the module cache keeps it. */
export function loadMutationRunner(): Promise<MutationRunner> {
  return import('./mutation-runner').then((m) => m.applyMutation);
}

/** A client for `identity`: its own clientId, its offline queue in IndexedDB (edits survive a closed tab). */
export function createAppClient(identity: Pick<Identity, 'token' | 'storeKey' | 'clientId'>, url: string): PulseboardClient {
  const store = typeof indexedDB === 'undefined' ? undefined : new IndexedDbOfflineStore();
  return createPulseboardClientCore({
    url,
    token: identity.token,
    name: loadDisplayName(),
    storeKey: identity.storeKey,
    ...(identity.clientId ? { clientId: identity.clientId } : {}),
    ...(store ? { store } : {}),
    ...(typeof window === 'undefined' ? {} : { fetch: fetchWithEarlyRead() }),
    loadMutations: loadMutationRunner,
  });
}

/** How long the boot client holds the route's dashboard by itself (the page takes its own handle long before). */
export const BOOT_HOLD_MS = 10_000;

type ClientIdentity = Pick<Identity, 'token' | 'storeKey' | 'clientId'>;

const sameIdentity = (a: ClientIdentity, b: ClientIdentity) => a.token === b.token && a.storeKey === b.storeKey && a.clientId === b.clientId;

let booted: { client: PulseboardClient; identity: ClientIdentity; url: string } | null = null;

/**
 * Makes the client the app will use for the route's dashboard before React has even been
 * evaluated (boot.ts runs first in the page's script), and holds that dashboard with its
 * widgets' streams for BOOT_HOLD_MS: its one live read (`GET /api/dashboards/:id/live`), the
 * offline store and the socket start at once, and the page's first render finds the values
 * already there (`peekDashboard`, `peekStream`). Nothing when the route has no dashboard or
 * the keyring no usable identity for it.
 */
export function startBootClient(loc: Pick<Location, 'hash' | 'origin'> = location): void {
  const dashboardId = routeDashboard(parseHash(loc.hash));
  if (dashboardId === null) return;
  const identity = identityFor(getKeyring(), dashboardId);
  if (!identity || identity.ended) return;
  rememberEarlyRead(dashboardId, identity.id);
  const client = createAppClient(identity, loc.origin);
  const handle = client.dashboard(dashboardId, { streams: true });
  // The renderers of its widgets that load on demand (line charts, text) start loading with
  // the document, not when the first render finds them missing.
  const preload = (): boolean => {
    const view = handle.getSnapshot().view;
    if (view) preloadRenderers(new Set(Object.values(view.widgets).map((w) => w.type)));
    return view !== null;
  };
  const unsubscribe = preload() ? null : handle.subscribe(() => preload() && unsubscribe?.());
  setTimeout(() => {
    unsubscribe?.();
    handle.release();
  }, BOOT_HOLD_MS);
  booted = { client, identity, url: loc.origin };
}

/**
 * The client for `identity`: the boot client when it was made for this identity and URL
 * (once: a later call makes a new one), else a new client; a boot client nobody takes is closed.
 */
export function clientFor(identity: ClientIdentity, url: string): PulseboardClient {
  const taken = booted;
  booted = null;
  if (taken && sameIdentity(taken.identity, identity) && taken.url === url) return taken.client;
  if (taken) void taken.client.close().catch((error: unknown) => console.error('closing the boot client failed', error));
  return createAppClient(identity, url);
}
