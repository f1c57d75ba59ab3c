import { useSyncStatus, useWebSocket } from '@pulseboard/react';
import { useNow } from '../widgets/useNow';
import { formatSince } from './format';
import { describeSync } from './SyncIndicator';
import { useOnline } from './useOnline';

/**
 * The wallboard's only chrome: a small dot in a corner, green while live, amber while
 * reconnecting, red when refused; its label says since when the data is fresh (and which
 * dashboard of a playlist this is).
 */
export function KioskStatusDot({ dashboardId, position }: { dashboardId: string; position: string | null }) {
  const online = useOnline();
  const status = useSyncStatus(dashboardId);
  const { nextRetryAt, connectedAt } = useWebSocket();
  const now = useNow();
  const info = online ? status : { ...status, connection: 'offline' as const, live: false, status: 'offline' as const };
  const { tone, label } = describeSync(info, nextRetryAt, now);
  const synced = info.lastSyncedAt ?? (info.live ? connectedAt : null);
  const text = `${label}${info.live ? '' : ` · data from ${formatSince(synced, now)}`}${position ? ` · dashboard ${position}` : ''}`;
  return (
    <span className={`pb-kiosk__dot pb-sync--${tone}`} role="img" aria-label={text} title={text} data-testid="kiosk-dot" data-state={info.connection}>
      <span className="pb-sync__dot" aria-hidden="true" />
    </span>
  );
}
