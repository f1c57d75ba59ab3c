import { useCallback, useEffect, useState } from 'react';
import { usePerformance, usePulseboardClient, useSyncStatus, useWebSocket, type SyncStatusInfo } from '@pulseboard/react';
import { useNow } from '../widgets/useNow';
import { formatLatency, formatPercent, formatSince, formatTime, plural } from './format';
import { useOnline } from './useOnline';

/** How often the latency readout refreshes (the monitor changes with every event). */
export const LATENCY_SAMPLE_MS = 1000;

/** How often the server's cache hit rate is read (GET /api/cache/status). */
export const SERVER_CACHE_SAMPLE_MS = 10_000;

/** The cache line of the latency tooltip: the client's own hit rate, and the server's when known. */
export function describeCacheHits(clientRate: number | null, serverRate: number | null): string {
  return `cache hits ${formatPercent(clientRate)} (client)${serverRate === null ? '' : ` · server ${formatPercent(serverRate)}`}`;
}

/** The server's snapshot cache hit rate, read at most every SERVER_CACHE_SAMPLE_MS; null until read (or if refused). */
function useServerCacheHitRate(): number | null {
  const client = usePulseboardClient();
  const [rate, setRate] = useState<number | null>(null);
  useEffect(() => {
    let stopped = false;
    const read = () =>
      Promise.resolve()
        .then(() => client.request<{ hitRate?: unknown }>('GET', '/api/cache/status'))
        .then((status) => {
          if (!stopped) setRate(typeof status.hitRate === 'number' ? status.hitRate : null);
        })
        .catch(() => {});
    void read();
    const timer = setInterval(() => void read(), SERVER_CACHE_SAMPLE_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client]);
  return rate;
}

/** The indicator's look: one of the `.pb-sync--*` modifiers. */
export type SyncTone = 'synced' | 'pending' | 'connecting' | 'reconnecting' | 'offline' | 'error';

/** The label and tone for a sync status at `now`. */
export function describeSync(info: SyncStatusInfo, nextRetryAt: number | null, now: number): { tone: SyncTone; label: string } {
  switch (info.connection) {
    case 'idle':
    case 'connecting':
      return { tone: 'connecting', label: 'Connecting…' };
    case 'reconnecting': {
      const wait = nextRetryAt === null ? 0 : Math.ceil((nextRetryAt - now) / 1000);
      return { tone: 'reconnecting', label: wait > 0 ? `Reconnecting in ${wait} s` : 'Reconnecting…' };
    }
    case 'offline':
      return { tone: 'offline', label: 'Offline' };
    case 'closed':
      return { tone: 'offline', label: 'Disconnected' };
    case 'fatal':
      return { tone: 'error', label: 'Connection refused' };
    case 'open':
      if (info.status === 'error') return { tone: 'error', label: 'Sync error' };
      if (info.pendingCount > 0) return { tone: 'pending', label: 'Saving…' };
      return { tone: 'synced', label: 'Live' };
  }
}

/**
 * Always-visible sync status for the top bar: connection state, pending edit count, last
 * synced time and latency. With `dashboardId`, pending and last-synced are that dashboard's.
 */
export function SyncIndicator({ dashboardId }: { dashboardId?: string | undefined }) {
  const online = useOnline();
  const status = useSyncStatus(dashboardId);
  // The browser knows about a dead network before the socket's heartbeat does.
  const info: SyncStatusInfo = online ? status : { ...status, connection: 'offline', live: false, status: 'offline' };
  const { nextRetryAt, reconnectNow, attempt, connectedAt } = useWebSocket();
  const now = useNow();
  // Without a dashboard, "synced" means connected: nothing else is kept in sync.
  const lastSyncedAt = info.lastSyncedAt ?? (info.live ? connectedAt : null);
  const { tone, label } = describeSync(info, nextRetryAt, now);
  const perf = usePerformance({ sampleMs: LATENCY_SAMPLE_MS });
  const updateLatency = perf.updateLatencyMs.avg;
  const serverCacheHitRate = useServerCacheHitRate();
  const cacheHits = describeCacheHits(perf.cacheHitRate, serverCacheHitRate);
  // The clock time is only in the tooltip, so it is formatted once someone points at it: the
  // page's first date format loads the locale's and time zone's data (~100 ms of a cold load here).
  const [clockWanted, setClockWanted] = useState(false);
  const wantClock = useCallback(() => setClockWanted(true), []);
  const latencyTitle = `Server to screen: ${formatLatency(updateLatency)} on average, p95 ${formatLatency(perf.updateLatencyMs.p95)} · heartbeat round trip ${formatLatency(info.latencyMs)} · ${cacheHits}`;
  return (
    // Only the state is a live region: the latency and "synced … ago" change every few seconds and must not be announced.
    <div className="pb-syncbar">
      <span role="status" aria-live="polite" className={`pb-sync pb-sync--${tone}`} data-testid="sync-indicator" data-state={info.connection} data-status={info.status} title={info.lastError ? `${label}: ${info.lastError.message}` : label}>
        <span className="pb-sync__dot" aria-hidden="true" />
        <span data-testid="sync-state-label">{label}</span>
        {info.connection !== 'open' && info.connection !== 'connecting' && info.connection !== 'idle' ? (
          <button className="pb-sync__action" type="button" onClick={reconnectNow} data-testid="reconnect-now" title={attempt ? `Attempt ${attempt}` : undefined}>
            Retry now
          </button>
        ) : null}
      </span>
      <span
        className={`pb-badge ${info.pendingCount > 0 ? 'pb-badge--pending' : ''}`}
        data-testid="sync-pending"
        data-count={info.pendingCount}
        title={info.pendingCount > 0 ? `${plural(info.pendingCount, 'edit')} not yet confirmed by the server` : 'Every edit is saved'}
      >
        {info.pendingCount > 0 ? `${info.pendingCount} pending` : 'All saved'}
      </span>
      <span
        className="pb-syncbar__item"
        data-testid="sync-last-synced"
        data-ts={lastSyncedAt ?? ''}
        title={lastSyncedAt ? (clockWanted ? `Last synced ${formatTime(lastSyncedAt)}` : 'Last synced') : 'Not synced yet'}
        onPointerEnter={wantClock}
      >
        <ClockIcon />{' '}
        {lastSyncedAt
          ? info.live
            ? `synced ${info.pendingCount === 0 ? 'just now' : formatSince(lastSyncedAt, now)}`
            : `last synced ${formatSince(lastSyncedAt, now)}`
          : 'not synced yet'}
      </span>
      <span className="pb-syncbar__item pb-syncbar__latency" data-testid="sync-latency" data-cache-hits={cacheHits} title={latencyTitle}>
        <BoltIcon /> {formatLatency(updateLatency ?? info.latencyMs)}
      </span>
    </div>
  );
}

function ClockIcon() {
  return (
    <svg viewBox="0 0 24 24" width="13" height="13" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </svg>
  );
}

function BoltIcon() {
  return (
    <svg viewBox="0 0 24 24" width="13" height="13" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round">
      <path d="M13 3L5 14h6l-1 7 8-11h-6z" />
    </svg>
  );
}
