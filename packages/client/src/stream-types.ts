/** A stream's public shapes: its points, snapshot and handle. */
import type { PointValue } from '@pulseboard/model';
import type { ExternalStore } from './types.js';

export interface StreamPoint {
  ts: number;
  value: PointValue;
  offset: number;
}

export interface StreamSnapshot {
  key: string;
  latest: PointValue | null;
  latestTs: number | null;
  /** Retained points, oldest first (bounded by `streamHistoryLimit`). */
  history: readonly StreamPoint[];
  /** When the last point was applied locally (ms since epoch). */
  lastUpdatedAt: number | null;
  /** Offset of the last applied point (0 before any). */
  offset: number;
  epoch: string | null;
  loaded: boolean;
}

/** One holder's view of one stream; subscribed while any handle for it is held. */
export interface StreamHandle extends ExternalStore<StreamSnapshot> {
  readonly key: string;
  release(): void;
}
