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

/** One entry of `GET /api/streams` (see StreamListResponse). */
export interface StreamSummary {
  key: string;
  offset: number;
  latest: PointValue | null;
  latestTs: number | null;
}

/**
 * `GET /api/streams?limit=&cursor=&prefix=`: one page of streams by key. `nextCursor` is
 * null on the last page; otherwise pass it as `cursor` for the next one. A page may hold
 * fewer than `limit` entries (streams the token may not read are left out).
 */
export interface StreamListResponse {
  streams: StreamSummary[];
  nextCursor: string | null;
}
