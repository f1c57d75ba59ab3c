/** What the background sync and the performance monitor report, and their handles. */
import type { ExternalStore } from './types.js';

export interface BackgroundSyncSnapshot {
  /** True while at least one HTTP refresh is in flight. */
  refreshing: boolean;
  lastSyncedAt: number | null;
  /** Mutations not yet confirmed (all dashboards). */
  queueLength: number;
  lastError: { code: string; message: string } | null;
  /** True while mutations go over HTTP because the socket cannot connect. */
  httpFallback: boolean;
}

export interface BackgroundSyncHandle extends ExternalStore<BackgroundSyncSnapshot> {
  /** Refreshes every held dashboard and stream over HTTP now (de-duplicated per key). */
  refreshNow(): Promise<void>;
}

export interface PerformanceSnapshot {
  /** Server commit time → applied locally, over the recent sample window. */
  updateLatencyMs: { last: number | null; avg: number | null; p95: number | null };
  /** Remote events applied per second over the last few seconds. */
  eventsPerSecond: number;
  eventsApplied: number;
  /** Frames in which incoming events were applied (one notification each). */
  framesFlushed: number;
  pendingCount: number;
  reconnects: number;
  cacheHits: number;
  cacheMisses: number;
  /** hits / (hits + misses), or null before any conditional request. */
  cacheHitRate: number | null;
}

export interface PerformanceMonitorHandle extends ExternalStore<PerformanceSnapshot> {
  reset(): void;
}
