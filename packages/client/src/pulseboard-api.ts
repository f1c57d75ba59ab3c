import { PulseboardError } from '@pulseboard/model';
import type {
  CreateDashboardRequest,
  CreateShareRequest,
  CreateShareResponse,
  CreateTokenRequest,
  CreateTokenResponse,
  DashboardListResponse,
  DashboardSummary,
  MeResponse,
  SharesResponse,
  ShareSummary,
  StreamListResponse,
  StreamSummary,
} from '@pulseboard/protocol';
import { HttpClient } from './http-client.js';
import { REALTIME_CONFIG_DEFAULTS } from './realtime-defaults.js';

/** The dashboard list and the whole-dashboard calls (everything live goes through `dashboard(id)`). */
export interface DashboardsApi {
  /** Every dashboard the token may view. */
  list(): Promise<DashboardSummary[]>;
  /** Creates an empty dashboard; fails with code `already_exists` (409) when the id is taken. */
  create(input: CreateDashboardRequest): Promise<{ id: string }>;
  /** Deletes a dashboard for everyone. */
  remove(id: string): Promise<void>;
  /** Renames a dashboard with `If-Match`, so a concurrent change is never overwritten (one retry on 412). */
  rename(id: string, title: string): Promise<void>;
}

/** The stream list. */
export interface StreamsApi {
  /** Every stream the token may read (with `prefix`, those whose key starts with it), all pages. */
  list(options?: { prefix?: string }): Promise<StreamSummary[]>;
}

/** A dashboard's share links (needs edit access to it). */
export interface SharesApi {
  /** The dashboard's active links. */
  list(dashboardId: string): Promise<ShareSummary[]>;
  /** Makes a link; its secret (`token`, inside `url`) is shown this once. */
  create(dashboardId: string, input?: CreateShareRequest): Promise<CreateShareResponse>;
  /** Revokes a link; its open sockets are closed (4001 `token_revoked`). */
  revoke(dashboardId: string, shareId: string): Promise<void>;
}

/** Access tokens (admin only). */
export interface TokensApi {
  /** Makes a token (e.g. for a wallboard that shows several dashboards); its secret is shown this once. */
  create(input: CreateTokenRequest): Promise<CreateTokenResponse>;
}

/** The HTTP API calls an app makes itself, typed by `@pulseboard/protocol`'s shapes. */
export interface PulseboardApi {
  readonly dashboards: DashboardsApi;
  readonly streams: StreamsApi;
  readonly shares: SharesApi;
  readonly tokens: TokensApi;
  /** Who the token is and what it may do (`GET /api/me`). */
  me(): Promise<MeResponse>;
  /**
   * Any other `/api` call (JSON in and out, the bearer token, failures as `PulseboardError`
   * with the server's code and status); resolves with the body (null for 204).
   */
  request<T>(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<T>;
}

/** What `createPulseboardApi` takes. */
export interface PulseboardApiOptions {
  /** HTTP base of the server (`http://host:port`). */
  url: string;
  token?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const dashboardPath = (id: string) => `/api/dashboards/${encodeURIComponent(id)}`;

/** The API over one HttpClient (the client core's own, or a standalone one). */
export function pulseboardApi(http: HttpClient): PulseboardApi {
  const get = async <T>(path: string): Promise<T> => (await http.request<T>('GET', path)).body as T;
  return {
    dashboards: {
      list: async () => (await get<DashboardListResponse>('/api/dashboards')).dashboards,
      async create(input) {
        const { body } = await http.request<{ id: string }>('POST', '/api/dashboards', { body: input });
        return { id: body?.id ?? input.id };
      },
      async remove(id) {
        await http.request('DELETE', dashboardPath(id));
      },
      async rename(id, title) {
        for (let attempt = 0; ; attempt++) {
          const { body: doc, headers } = await http.request<{ columns: number; widgets: Record<string, unknown>; description?: string }>('GET', dashboardPath(id));
          if (!doc) throw new PulseboardError('not_found', `dashboard "${id}" does not exist`, { status: 404 });
          const etag = headers.get('etag');
          const body = { title, columns: doc.columns, widgets: doc.widgets, ...(doc.description === undefined ? {} : { description: doc.description }) };
          try {
            await http.request('PUT', dashboardPath(id), { body, headers: etag ? { 'if-match': etag } : {} });
            return;
          } catch (error) {
            if (!(error instanceof PulseboardError) || error.status !== 412 || attempt >= 1) throw error;
          }
        }
      },
    },
    streams: {
      list: async (options = {}) => {
        const streams: StreamSummary[] = [];
        let cursor: string | null = null;
        do {
          const query = new URLSearchParams({ ...(options.prefix ? { prefix: options.prefix } : {}), ...(cursor ? { cursor } : {}) });
          const page: StreamListResponse = await get<StreamListResponse>(`/api/streams${query.size > 0 ? `?${query}` : ''}`);
          streams.push(...page.streams);
          cursor = page.nextCursor;
        } while (cursor);
        return streams;
      },
    },
    shares: {
      list: async (dashboardId) => (await get<SharesResponse>(`${dashboardPath(dashboardId)}/shares`)).shares,
      async create(dashboardId, input = {}) {
        const { body } = await http.request<CreateShareResponse>('POST', `${dashboardPath(dashboardId)}/share`, { body: input });
        return body!;
      },
      async revoke(dashboardId, shareId) {
        await http.request('DELETE', `${dashboardPath(dashboardId)}/shares/${encodeURIComponent(shareId)}`);
      },
    },
    tokens: {
      async create(input) {
        const { body } = await http.request<CreateTokenResponse>('POST', '/api/tokens', { body: input });
        return body!;
      },
    },
    me: () => get<MeResponse>('/api/me'),
    request: async <T>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => (await http.request<T>(method, path, options)).body as T,
  };
}

/** The API without a client (no socket): e.g. to ask `me()` of a token before using it. */
export function createPulseboardApi(options: PulseboardApiOptions): PulseboardApi {
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (!fetchFn) throw new PulseboardError('no_fetch', 'no fetch here: pass options.fetch');
  return pulseboardApi(
    new HttpClient({ baseUrl: options.url, fetch: fetchFn, timeoutMs: options.timeoutMs ?? REALTIME_CONFIG_DEFAULTS.requestTimeoutMs, ...(options.token ? { token: options.token } : {}) }),
  );
}
