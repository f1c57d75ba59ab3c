/**
 * Response (and request) shapes of the HTTP API under /api: the one home for them, used by
 * the server's routes, the client core's HTTP layer and the web app. docs/api.md describes
 * every route.
 */
import type { FieldConflict, MutationStatus, PointValue } from '@pulseboard/model';

/** Every non-2xx answer: `{error: {code, message, details?}}`. */
export interface HttpErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** One entry of `GET /api/dashboards` (`{dashboards: DashboardSummary[]}`). */
export interface DashboardSummary {
  id: string;
  title: string;
  description?: string;
  version: number;
  widgetCount: number;
  updatedAt: string;
}

/** `GET /api/dashboards`. */
export interface DashboardListResponse {
  dashboards: DashboardSummary[];
}

/** Body of `POST /api/dashboards` (widgets are typed by the model; the app sends none). */
export interface CreateDashboardRequest {
  id: string;
  title: string;
  description?: string;
  columns?: number;
}

/** One entry of `GET /api/streams` (`{streams: StreamSummary[]}`). */
export interface StreamSummary {
  key: string;
  offset: number;
  latest: PointValue | null;
  latestTs: number | null;
}

/** `GET /api/streams`. */
export interface StreamListResponse {
  streams: StreamSummary[];
}

/** `GET /api/streams/:key`: latest value, retained history and the topic position. */
export interface HttpStreamSnapshot {
  key: string;
  latest: PointValue | null;
  latestTs: number | null;
  history: Array<{ ts: number; value: PointValue; offset: number }>;
  epoch: string;
  offset: number;
}

/** One result of `POST /api/dashboards/:id/mutations`. */
export interface HttpMutationResult {
  mutationId: number;
  status: MutationStatus;
  offset?: number;
  conflicts?: FieldConflict[];
  /** `out_of_order` carries `details.expected`: the next mutationId the server takes. */
  error?: { code: string; message: string; details?: { expected?: number } & Record<string, unknown> };
  duplicate?: boolean;
}

/** `POST /api/dashboards/:id/mutations`. */
export interface HttpMutationsResponse {
  dashboardId: string;
  clientId: string;
  lastMutationId: number;
  results: HttpMutationResult[];
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

/** The lifetimes the share dialog offers; the API also takes any duration string (`12h`). */
export const SHARE_EXPIRY_CHOICES = ['1h', '1d', '7d', '30d', 'never'] as const;
export type ShareExpiry = (typeof SHARE_EXPIRY_CHOICES)[number];

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

/** One active (not revoked, not expired) link of `GET /api/dashboards/:id/shares`. */
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

/** Body of `POST /api/tokens` (admin only). */
export interface CreateTokenRequest {
  name: string;
  role?: 'admin' | 'scoped';
  scopes?: MeResponse['scopes'];
  /** `7d`, `24h` or milliseconds; omitted with no `expiresAt`: never expires. */
  expiresIn?: string | number;
  expiresAt?: number | null;
}

/** `POST /api/tokens` (201): the stored token and its secret, shown this once. */
export interface CreateTokenResponse {
  token: string;
  id: string;
  name: string;
  role: 'admin' | 'scoped';
  scopes: MeResponse['scopes'];
  createdAt: number;
  expiresAt: number | null;
}
