import { useEffect } from 'react';
import { createPulseboardApi } from '@pulseboard/client';
import { isPulseboardError } from '@pulseboard/model';
import { endIdentity, setIdentityMe, setIdentityMeMissing, type KeyringState, type TokenEndReason } from './keyring';
import { useOnline } from './useOnline';

const END_CODES: ReadonlySet<string> = new Set<TokenEndReason>(['token_revoked', 'token_expired', 'unauthorized']);
/** Identities asked once this page load (an answer or a failure each), by local id. */
const asked = new Set<string>();

/**
 * Asks the server who each identity of the keyring is (`GET /api/me`), once per page load
 * and identity, while online: the answer says what it may do, and a 401 says the token was
 * revoked or expired (contract C2). Not while offline: the request could only fail, and the
 * browser logs every failed request as a console error.
 */
export function useResolveIdentities(keyring: KeyringState): void {
  const online = useOnline();
  useEffect(() => {
    if (!online) return;
    for (const identity of keyring.identities) {
      if (identity.ended || asked.has(identity.id)) continue;
      asked.add(identity.id);
      createPulseboardApi({ url: location.origin, token: identity.token })
        .me()
        .then((me) => setIdentityMe(identity.id, me))
        .catch((error: unknown) => {
          if (isPulseboardError(error) && error.status === 401 && END_CODES.has(error.code)) endIdentity(identity.id, error.code as TokenEndReason);
          // A server older than GET /api/me: behave as the app did then.
          else if (isPulseboardError(error) && error.status === 404) setIdentityMeMissing(identity.id);
          // Anything else (network): asked again on the next page load or when back online.
          else if (isPulseboardError(error) && error.status === 0) asked.delete(identity.id);
        });
    }
  }, [keyring.identities, online]);
}
