import { useEffect } from 'react';
import type { ConnectionError } from '@pulseboard/client';
import { CloseCode } from '@pulseboard/protocol';
import { usePulseboardClient } from '@pulseboard/react';
import { endIdentity, type TokenEndReason } from './keyring';

/**
 * Why the server refused the token, from a fatal connection error (contract C2: close
 * 4001 with reason `token_revoked`, `token_expired` or `unauthorized`, which the client
 * reports as its error code); null when the error is not about the token.
 */
export function tokenEndReason(error: ConnectionError | null): TokenEndReason | null {
  if (!error) return null;
  if (error.code === 'token_revoked' || error.code === 'token_expired' || error.code === 'unauthorized') return error.code;
  if (error.closeCode !== CloseCode.UNAUTHORIZED) return null;
  // A client that reports the close reason only in its message (`fatal_close`).
  if (/token_revoked|\brevoked\b/.test(error.message)) return 'token_revoked';
  return /token_expired|\bexpired\b/.test(error.message) ? 'token_expired' : 'unauthorized';
}

/** Marks the identity ended once its socket is refused for good: the app then shows why, not the editor. */
export function useTokenEndWatch(identityId: string): void {
  const { connection } = usePulseboardClient();
  useEffect(() => {
    const check = () => {
      const snapshot = connection.getSnapshot();
      if (snapshot.state !== 'fatal') return;
      const reason = tokenEndReason(snapshot.lastError);
      if (reason) endIdentity(identityId, reason);
    };
    check();
    return connection.subscribe(check);
  }, [connection, identityId]);
}
