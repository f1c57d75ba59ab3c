import { useBackgroundSync, useWebSocket } from '@pulseboard/react';
import { useNow } from '../widgets/useNow';
import { plural } from './format';
import { useOnline } from './useOnline';

/** How long a first connection may take before the banner says so. */
export const CONNECTING_GRACE_MS = 4000;

/**
 * A banner under the top bar while the app cannot talk to the server live: offline,
 * reconnecting, or refused. Says what happens to edits meanwhile, and offers a retry.
 */
export function OfflineBanner() {
  const connection = useWebSocket();
  const sync = useBackgroundSync();
  const now = useNow();
  const online = useOnline();
  const state = online ? connection.state : 'offline';
  const waiting = sync.queueLength > 0 ? ` ${plural(sync.queueLength, 'edit')} waiting to sync.` : '';
  let tone: 'offline' | 'error' | 'info';
  let message: string;
  // A retry's own `connecting` phase counts as still lost, so the banner does not flicker
  // between two messages on every attempt.
  const retrying = (state === 'reconnecting' || state === 'connecting') && connection.attempt > 0;
  if (state === 'offline' || retrying || state === 'closed') {
    tone = 'offline';
    const retry = connection.nextRetryAt && connection.nextRetryAt > now ? ` Retrying in ${Math.ceil((connection.nextRetryAt - now) / 1000)} s.` : '';
    message = `${state === 'offline' ? 'You are offline.' : connection.connectedAt === null ? 'Cannot reach the server.' : 'Connection to the server lost.'} Edits are saved on this device and sync when the connection returns.${waiting}${sync.httpFallback && online ? ' Sending edits over HTTP meanwhile.' : ''}${retry}`;
  } else if (state === 'fatal') {
    tone = 'error';
    message = `The server refused the connection: ${connection.lastError?.message ?? 'unknown error'}.${waiting}`;
  } else if ((state === 'connecting' || state === 'idle') && connection.connectedAt === null && performance.now() > CONNECTING_GRACE_MS) {
    tone = 'info';
    message = 'Still connecting to the server…';
  } else {
    return null;
  }
  return (
    <div className={`pb-banner pb-banner--${tone}`} role="alert" data-testid="offline-banner" data-state={state}>
      <span className="pb-banner__icon" aria-hidden="true" />
      <span className="pb-banner__message">{message}</span>
      <button className="pb-btn pb-btn--sm" type="button" onClick={connection.reconnectNow} data-testid="banner-reconnect">
        Reconnect now
      </button>
    </div>
  );
}
