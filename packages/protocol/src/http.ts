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

/** Why a request or connection was refused for its token: HTTP 401 `error.code`, WebSocket 4001 close reason. */
export type AuthErrorCode = 'unauthorized' | 'token_revoked' | 'token_expired';

/** `GET /api/me`: who the token is and what it may do (docs/api.md). */
export interface MeResponse {
  /** The token identity (`admin` for the configured admin token); clientIds are bound to it. */
  tokenId: string;
  name: string;
  /** `admin`: the configured admin token; `share`: a share link; `token`: another stored token. */
  kind: 'admin' | 'token' | 'share';
  role: 'admin' | 'scoped';
  scopes: { push?: string[]; view?: string[]; edit?: string[]; read?: string[] };
  /** ms since the epoch; null: never. */
  expiresAt: number | null;
  can: {
    admin: boolean;
    /** Admin, or an edit scope containing `*`. */
    createDashboards: boolean;
  };
}

/** A share link's role: `view` (read only) or `edit`. */
export type ShareRole = 'view' | 'edit';

/** The body of `POST /api/dashboards/:id/share`. */
export interface CreateShareRequest {
  role?: ShareRole;
  /** `1h`, `1d`, `7d`, `30d`, another duration, or `never` (the server's maximum link lifetime). Default 7d. */
  expiresIn?: string | number;
  label?: string;
}

/** The answer (201) of `POST /api/dashboards/:id/share`; `token` is shown only here. */
export interface CreateShareResponse {
  url: string;
  token: string;
  tokenId: string;
  dashboardId: string;
  role: ShareRole;
  label: string | null;
  expiresAt: number | null;
}

/** One active share link of a dashboard. */
export interface ShareSummary {
  id: string;
  label: string | null;
  role: ShareRole;
  /** The creator's name. */
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

/** `GET /api/dashboards/:id/shares`: the dashboard's active links (not revoked, not expired). */
export interface SharesResponse {
  shares: ShareSummary[];
}
