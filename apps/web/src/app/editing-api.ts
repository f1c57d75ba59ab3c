/**
 * The HTTP calls of editing features: version history and restore, duplicate, export and
 * import. Live edits go through the client core; these are whole-dashboard operations.
 */
import type { Dashboard, ExportFile } from '@pulseboard/model';
import type { VersionResponse, VersionSummary } from '@pulseboard/protocol';
import { request, type ApiOptions } from './api';

const path = (id: string) => `/api/dashboards/${encodeURIComponent(id)}`;

/** The newest versions of a dashboard, newest first. */
export async function listVersions(opts: ApiOptions, id: string, limit = 50): Promise<VersionSummary[]> {
  const { data } = await request<{ versions: VersionSummary[] }>(opts, 'GET', `${path(id)}/versions?limit=${limit}`);
  return data.versions;
}

/** One version with the whole document as it was. */
export async function getVersion(opts: ApiOptions, id: string, version: number): Promise<VersionResponse> {
  return (await request<VersionResponse>(opts, 'GET', `${path(id)}/versions/${version}`)).data;
}

/** Makes `version` current as a new version (every viewer gets it live). */
export async function restoreVersion(opts: ApiOptions, id: string, version: number): Promise<Dashboard> {
  return (await request<Dashboard>(opts, 'POST', `${path(id)}/versions/${version}/restore`)).data;
}

/** Copies a dashboard under a new id derived from its title; returns the copy. */
export async function duplicateDashboard(opts: ApiOptions, id: string): Promise<Dashboard> {
  return (await request<Dashboard>(opts, 'POST', `${path(id)}/duplicate`, {})).data;
}

/** The dashboard's export file. */
export async function exportDashboardFile(opts: ApiOptions, id: string): Promise<ExportFile> {
  return (await request<ExportFile>(opts, 'GET', `${path(id)}/export`)).data;
}

/** How an import treats an id that exists: refuse (409 already_exists), replace it, or import a copy. */
export type ImportMode = 'new' | 'replace' | 'copy';

/** Imports an export file; the server's error names the field when the file is broken. */
export async function importDashboardFile(opts: ApiOptions, file: unknown, mode: ImportMode): Promise<Dashboard> {
  const query = mode === 'replace' ? '?overwrite=1' : mode === 'copy' ? '?copy=1' : '';
  return (await request<Dashboard>(opts, 'POST', `/api/dashboards/import${query}`, file)).data;
}
