import { PulseboardError } from '@pulseboard/model';
import type { Principal } from './auth.js';
import type { Storage } from './storage/storage.js';

/** The error code for a clientId that belongs to another token (HTTP 409; WebSocket close 4003 with this reason). */
export const CLIENT_ID_IN_USE = 'client_id_in_use';

/** `client_id_in_use` (409): the clientId was claimed by another token identity. */
export function clientIdInUse(clientId: string): PulseboardError {
  return new PulseboardError(CLIENT_ID_IN_USE, `clientId "${clientId}" is in use by another token; use a clientId of your own`, { status: 409 });
}

/**
 * Binds the clientId to the caller's token identity (the first use claims it) and throws
 * `client_id_in_use` when another identity owns it: a client's exactly-once state (its
 * lastMutationId and stored results) is only ever read or advanced by its own token.
 */
export async function bindClientId(storage: Storage, clientId: string, principal: Principal, now = Date.now()): Promise<void> {
  const owner = await storage.claimClientId(clientId, principal.tokenId, now);
  if (owner !== principal.tokenId) throw clientIdInUse(clientId);
}
