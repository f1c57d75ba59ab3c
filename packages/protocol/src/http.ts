import type { PointValue } from '@pulseboard/model';

/** One entry of `GET /api/dashboards` (`{dashboards: DashboardSummary[]}`). */
export interface DashboardSummary {
  id: string;
  title: string;
  description?: string;
  version: number;
  widgetCount: number;
  updatedAt: string;
}

/** One entry of `GET /api/streams` (`{streams: StreamSummary[]}`). */
export interface StreamSummary {
  key: string;
  offset: number;
  latest: PointValue | null;
  latestTs: number | null;
}

/** Most stream points one push request (`POST /api/streams`, `POST /api/streams/:key`) may carry. */
export const MAX_POINTS_PER_REQUEST = 10_000;
