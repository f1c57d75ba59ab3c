/**
 * The few HTTP API calls the app makes itself (the dashboard list, creating, renaming and
 * deleting dashboards, the list of known streams). Everything live goes through the
 * client core instead.
 */
import type { DashboardSummary, StreamSummary } from '@pulseboard/protocol';

export type { DashboardSummary, StreamSummary };

/** A failed API call: the HTTP status and the server's error code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Options of every call: the token, and the origin (the page's own by default). */
export interface ApiOptions {
  token: string | null;
  baseUrl?: string;
  signal?: AbortSignal;
}

export async function request<T>(opts: ApiOptions, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ data: T; etag: string | null }> {
  const init: RequestInit = {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  let res: Response;
  try {
    res = await fetch(`${opts.baseUrl ?? ''}${path}`, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network', 'The server cannot be reached');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } | string; message?: string } | null) ?? {};
    const code = typeof err.error === 'object' ? (err.error.code ?? 'http_error') : typeof err.error === 'string' ? err.error : 'http_error';
    const message = typeof err.error === 'object' ? (err.error.message ?? res.statusText) : (err.message ?? res.statusText);
    throw new ApiError(res.status, code, message || `HTTP ${res.status}`);
  }
  return { data: json as T, etag: res.headers.get('etag') };
}

/** Unwraps `{key: [...]}` or a bare array. */
function listOf<T>(json: unknown, key: string): T[] {
  if (Array.isArray(json)) return json as T[];
  const inner = (json as Record<string, unknown> | null)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

/** Every dashboard the token may see. */
export async function listDashboards(opts: ApiOptions): Promise<DashboardSummary[]> {
  const { data } = await request<unknown>(opts, 'GET', '/api/dashboards');
  return listOf<DashboardSummary>(data, 'dashboards');
}

/** Creates a dashboard; the id is a slug of the title unless given. */
export async function createDashboard(opts: ApiOptions, input: { id: string; title: string; columns?: number }): Promise<{ id: string }> {
  const { data } = await request<{ id?: string }>(opts, 'POST', '/api/dashboards', input);
  return { id: data?.id ?? input.id };
}

/**
 * Renames a dashboard: reads it with its ETag and writes it back with `If-Match`, so a
 * concurrent change is never overwritten; on a 412 it re-reads and tries once more.
 */
export async function renameDashboard(opts: ApiOptions, id: string, title: string): Promise<void> {
  const path = `/api/dashboards/${encodeURIComponent(id)}`;
  for (let attempt = 0; ; attempt++) {
    const { data: doc, etag } = await request<{ columns: number; widgets: Record<string, unknown>; description?: string }>(opts, 'GET', path);
    const body = { title, columns: doc.columns, widgets: doc.widgets, ...(doc.description === undefined ? {} : { description: doc.description }) };
    try {
      await request(opts, 'PUT', path, body, etag ? { 'if-match': etag } : {});
      return;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 412 || attempt >= 1) throw err;
    }
  }
}

/** Deletes a dashboard. */
export async function deleteDashboard(opts: ApiOptions, id: string): Promise<void> {
  await request(opts, 'DELETE', `/api/dashboards/${encodeURIComponent(id)}`);
}

/** Every stream the token may read. */
export async function listStreams(opts: ApiOptions): Promise<StreamSummary[]> {
  const { data } = await request<unknown>(opts, 'GET', '/api/streams');
  return listOf<StreamSummary>(data, 'streams');
}

/** A URL-safe id for a new dashboard made from its title ("Ops — EU" → "ops-eu"). */
export function slugify(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 48)
    // Trimmed after the cut too, so a long title never leaves a trailing dash.
    .replace(/^-+|-+$/g, '');
  return slug || `board-${Math.random().toString(36).slice(2, 8)}`;
}
