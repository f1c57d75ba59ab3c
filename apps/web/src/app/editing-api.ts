/**
 * The HTTP calls of editing features: version history and restore, duplicate, export and
 * import. Live edits go through the client core; these are whole-dashboard operations.
 */
import type { PulseboardApi } from '@pulseboard/client';
import type { Dashboard, ExportFile } from '@pulseboard/model';
import type { VersionResponse, VersionSummary } from '@pulseboard/protocol';

/** What these calls need of the client core: its authenticated request. */
export type ApiOptions = Pick<PulseboardApi, 'request'>;

const path = (id: string) => `/api/dashboards/${encodeURIComponent(id)}`;

/** The newest versions of a dashboard, newest first. */
export async function listVersions(opts: ApiOptions, id: string, limit = 50): Promise<VersionSummary[]> {
  return (await opts.request<{ versions: VersionSummary[] }>('GET', `${path(id)}/versions?limit=${limit}`)).versions;
}

/** One version with the whole document as it was. */
export async function getVersion(opts: ApiOptions, id: string, version: number): Promise<VersionResponse> {
  return opts.request<VersionResponse>('GET', `${path(id)}/versions/${version}`);
}

/** Makes `version` current as a new version (every viewer gets it live). */
export async function restoreVersion(opts: ApiOptions, id: string, version: number): Promise<Dashboard> {
  return opts.request<Dashboard>('POST', `${path(id)}/versions/${version}/restore`);
}

/** Copies a dashboard under a new id derived from its title; returns the copy. */
export async function duplicateDashboard(opts: ApiOptions, id: string): Promise<Dashboard> {
  return opts.request<Dashboard>('POST', `${path(id)}/duplicate`, { body: {} });
}

/** The dashboard's export file. */
export async function exportDashboardFile(opts: ApiOptions, id: string): Promise<ExportFile> {
  return opts.request<ExportFile>('GET', `${path(id)}/export`);
}

/** How an import treats an id that exists: refuse (409 already_exists), replace it, or import a copy. */
export type ImportMode = 'new' | 'replace' | 'copy';

/** Imports an export file; the server's error names the field when the file is broken. */
export async function importDashboardFile(opts: ApiOptions, file: unknown, mode: ImportMode): Promise<Dashboard> {
  const query = mode === 'replace' ? '?overwrite=1' : mode === 'copy' ? '?copy=1' : '';
  return opts.request<Dashboard>('POST', `/api/dashboards/import${query}`, { body: file });
}
