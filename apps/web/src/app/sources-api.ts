/**
 * The web app's calls to the pull sources API (docs/api.md, "Pull data sources"), through
 * the client's HTTP API (`request`), for the Sources page. The one call a viewer makes (which
 * source feeds a widget's stream) is in useStreamSource.ts, so this module stays out of the entry.
 */
import type { SourceTestResult, SourceView, StreamSourceView } from '@pulseboard/protocol';
import type { PulseboardApi } from '@pulseboard/client';

export type { SourceTestResult, SourceView, StreamSourceView };

/** The body of POST/PUT /api/sources (validated by the server, which names a bad field). */
export type SourceInput = Record<string, unknown>;

/** True when the token may manage sources (GET /api/me: `can.admin`). */
export async function canManageSources(api: PulseboardApi): Promise<boolean> {
  return (await api.me()).can.admin;
}

/** Every source with its status (admin). */
export async function listSources(api: PulseboardApi): Promise<SourceView[]> {
  return (await api.request<{ sources: SourceView[] }>('GET', '/api/sources')).sources;
}

/** Creates a source; it runs at once. */
export function createSource(api: PulseboardApi, input: SourceInput): Promise<SourceView> {
  return api.request<SourceView>('POST', '/api/sources', { body: input });
}

export async function deleteSource(api: PulseboardApi, id: string): Promise<void> {
  await api.request<null>('DELETE', `/api/sources/${encodeURIComponent(id)}`);
}

/** Runs a source now; resolves with its view after the run. */
export function runSource(api: PulseboardApi, id: string): Promise<SourceView> {
  return api.request<SourceView>('POST', `/api/sources/${encodeURIComponent(id)}/run`);
}

/** Runs a stored source (by id) or an unsaved definition once, pushing nothing. */
export function testSource(api: PulseboardApi, idOrInput: string | SourceInput): Promise<SourceTestResult> {
  if (typeof idOrInput === 'string') return api.request<SourceTestResult>('POST', `/api/sources/${encodeURIComponent(idOrInput)}/test`);
  return api.request<SourceTestResult>('POST', '/api/sources/test', { body: idOrInput });
}
