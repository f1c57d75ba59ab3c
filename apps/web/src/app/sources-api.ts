/**
 * The web app's calls to the pull sources API (docs/api.md, "Pull data sources"), through
 * the one request helper of api.ts.
 */
import type { MeResponse, SourceTestResult, SourceView, StreamSourceResponse, StreamSourceView } from '@pulseboard/protocol';
import { request, type ApiOptions } from './api';

export type { SourceTestResult, SourceView, StreamSourceView };

/** The body of POST/PUT /api/sources (validated by the server, which names a bad field). */
export type SourceInput = Record<string, unknown>;

/** True when the token may manage sources (GET /api/me: `can.admin`). */
export async function canManageSources(opts: ApiOptions): Promise<boolean> {
  return (await request<MeResponse>(opts, 'GET', '/api/me')).data.can.admin;
}

/** Every source with its status (admin). */
export async function listSources(opts: ApiOptions): Promise<SourceView[]> {
  const { data } = await request<{ sources: SourceView[] }>(opts, 'GET', '/api/sources');
  return data.sources;
}

/** Creates a source; it runs at once. */
export async function createSource(opts: ApiOptions, input: SourceInput): Promise<SourceView> {
  return (await request<SourceView>(opts, 'POST', '/api/sources', input)).data;
}

export async function deleteSource(opts: ApiOptions, id: string): Promise<void> {
  await request<null>(opts, 'DELETE', `/api/sources/${encodeURIComponent(id)}`);
}

/** Runs a source now; resolves with its view after the run. */
export async function runSource(opts: ApiOptions, id: string): Promise<SourceView> {
  return (await request<SourceView>(opts, 'POST', `/api/sources/${encodeURIComponent(id)}/run`)).data;
}

/** Runs a stored source (by id) or an unsaved definition once, pushing nothing. */
export async function testSource(opts: ApiOptions, idOrInput: string | SourceInput): Promise<SourceTestResult> {
  if (typeof idOrInput === 'string') return (await request<SourceTestResult>(opts, 'POST', `/api/sources/${encodeURIComponent(idOrInput)}/test`)).data;
  return (await request<SourceTestResult>(opts, 'POST', '/api/sources/test', idOrInput)).data;
}

/** The source feeding a stream, or null when none does. */
export async function sourceForStream(opts: ApiOptions, key: string): Promise<StreamSourceView | null> {
  return (await request<StreamSourceResponse>(opts, 'GET', `/api/sources/for-stream/${encodeURIComponent(key)}`)).data.source;
}
