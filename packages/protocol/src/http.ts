/**
 * Response (and request) shapes of the HTTP API under /api: the one home for them, used by
 * the server's routes, the client core's HTTP layer and the web app. docs/api.md describes
 * every route.
 */
import type { Dashboard, FieldConflict, MutationStatus, PointValue } from '@pulseboard/model';

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

/** One entry of `GET /api/streams` (see StreamListResponse). */
export interface StreamSummary {
  key: string;
  offset: number;
  latest: PointValue | null;
  latestTs: number | null;
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

/**
 * `GET /api/dashboards/:id/live`: the dashboard with its topic's epoch and, keyed by stream key, the snapshot of
 * each stream its widgets show (as `GET /api/streams/:key`; streams nothing was pushed to are
 * left out). One request for a viewer's first paint instead of one per stream.
 */
export interface HttpDashboardLive {
  dashboard: Dashboard;
  /** The dashboard topic's epoch: with `dashboard.version` (its offset), a position to subscribe from. */
  epoch: string;
  streams: Record<string, HttpStreamSnapshot>;
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

/**
 * `GET /api/streams?limit=&cursor=&prefix=`: one page of streams by key. `nextCursor` is
 * null on the last page; otherwise pass it as `cursor` for the next one. A page may hold
 * fewer than `limit` entries (streams the token may not read are left out).
 */
export interface StreamListResponse {
  streams: StreamSummary[];
  nextCursor: string | null;
}

/** The kinds of pull data source (docs/sources.md). */
export type SourceKind = 'http-json' | 'prometheus';

/** A request header of a source as the API shows it: a secret's value is never returned, only that it is set. */
export type SourceHeaderView = { name: string; secret: false; value: string } | { name: string; secret: true; set: boolean };

/** One http-json selector: a JMESPath expression over the answer and the stream its result feeds. */
export interface HttpJsonSelector {
  stream: string;
  path: string;
}

/** One prometheus query: a PromQL instant query feeding `stream` (one stream per series when it returns several). */
export interface PrometheusQuery {
  stream: string;
  query: string;
  /** Backfill the stream's history with a range query when the source is created. */
  backfill?: { rangeMs: number; stepMs: number };
}

/** Why a source's last run failed: a stable code and a sentence naming the cause. */
export interface SourceErrorView {
  /** dns | refused | timeout | http_status | not_json | too_large | too_many_redirects | selector_empty | bad_value | prometheus_error | host_not_allowed | network */
  code: string;
  message: string;
  at: number;
}

/** The runtime status of one source. */
export interface SourceStatusView {
  /** `ok` after a success, `failing` after a failure, `pending` before the first run, `disabled`, or `elsewhere` when another node runs it. */
  state: 'pending' | 'ok' | 'failing' | 'disabled' | 'elsewhere';
  running: boolean;
  lastRunAt: number | null;
  lastSuccessAt: number | null;
  /** The last run's answer was unchanged (304 or the same body): nothing was written. */
  lastUnchanged: boolean;
  lastError: SourceErrorView | null;
  consecutiveFailures: number;
  nextRunAt: number | null;
}

/** A source as `GET /api/sources` shows it (secret header values left out). */
export interface SourceView {
  id: string;
  name: string;
  kind: SourceKind;
  enabled: boolean;
  /** http-json: the URL fetched; prometheus: the server's base URL. */
  url: string;
  /** http-json only. */
  method?: 'GET' | 'POST';
  /** http-json POST only. */
  body?: string;
  headers: SourceHeaderView[];
  intervalMs: number;
  timeoutMs: number;
  selectors?: HttpJsonSelector[];
  queries?: PrometheusQuery[];
  /** Every stream key this source writes (series streams appear once seen). */
  streams: string[];
  createdAt: number;
  updatedAt: number;
  status: SourceStatusView;
}

/** One value a source pushes (or, in a test run, would push). */
export interface SourcePush {
  stream: string;
  value: PointValue;
  /** Which selector or query produced it. */
  from: string;
}

/** The answer of `POST /api/sources/test` and `POST /api/sources/:id/test`: one run, nothing pushed. */
export interface SourceTestResult {
  ok: boolean;
  durationMs: number;
  pushes: SourcePush[];
  /** The first failure (the run stops there), when not ok. */
  error?: SourceErrorView;
  /** Selectors or queries that matched nothing (the run is a failure when all do). */
  unmatched: string[];
}

/** `GET /api/sources/for-stream/:key`: the source feeding the stream, or null when none does. */
export interface StreamSourceResponse {
  source: StreamSourceView | null;
}

/** The source feeding a stream, as `GET /api/sources/for-stream/:key` shows it to anyone who may read the stream. */
export interface StreamSourceView {
  id: string;
  name: string;
  kind: SourceKind;
  intervalMs: number;
  status: SourceStatusView;
}

/** Most stream points one push request (`POST /api/streams`, `POST /api/streams/:key`) may carry. */
export const MAX_POINTS_PER_REQUEST = 10_000;

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
