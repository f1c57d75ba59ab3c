import type { Dashboard, PointValue } from '@pulseboard/model';

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

/** One entry of `GET /api/dashboards/:id/versions` (`{versions: VersionSummary[]}`, newest first). */
export interface VersionSummary {
  /** The dashboard's version (its event offset) this entry is. */
  version: number;
  /** Server time of the change, ms since the epoch. */
  ts: number;
  /** Display name of who made it (token or hello name); null when unknown. */
  actor: string | null;
  /** One line saying what changed: `moved “CPU”`, `restored version 12`. */
  summary: string;
}

/** `GET /api/dashboards/:id/versions/:v`: the entry and the whole document at that version. */
export interface VersionResponse extends VersionSummary {
  doc: Dashboard;
}
