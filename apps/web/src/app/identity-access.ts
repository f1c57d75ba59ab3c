/**
 * What an identity may do, read from its `GET /api/me` answer (contract C3): the one place
 * the web app turns scopes into "may edit this dashboard", "may create dashboards".
 */
import type { MeResponse } from '@pulseboard/protocol';

/** An identity's access to one dashboard: none, view, edit (edit implies view). */
export type DashboardAccessLevel = 'none' | 'view' | 'edit';

const listCovers = (list: readonly string[] | undefined, dashboardId: string) => list?.some((id) => id === '*' || id === dashboardId) ?? false;

/** The access `me` grants to a dashboard. */
export function accessTo(me: MeResponse, dashboardId: string): DashboardAccessLevel {
  if (me.role === 'admin') return 'edit';
  if (listCovers(me.scopes.edit, dashboardId)) return 'edit';
  return listCovers(me.scopes.view, dashboardId) ? 'view' : 'none';
}

/** "Admin", "Can edit", "View only", … for a dashboard (or overall without one). */
export function roleLabel(me: MeResponse | null, dashboardId?: string): string {
  if (!me) return 'Checking access…';
  if (me.role === 'admin') return 'Admin';
  if (dashboardId === undefined) return me.can.createDashboards ? 'Editor' : me.scopes.edit?.length ? 'Can edit some' : 'View only';
  const access = accessTo(me, dashboardId);
  return access === 'edit' ? 'Can edit' : access === 'view' ? 'View only' : 'No access here';
}

/** The dashboards `me` names in its scopes ("all" for admin or `*`). */
export function dashboardsOf(me: MeResponse): string[] | 'all' {
  if (me.role === 'admin') return 'all';
  const ids = [...(me.scopes.edit ?? []), ...(me.scopes.view ?? [])];
  return ids.includes('*') ? 'all' : [...new Set(ids)];
}

/** Whether `me` may push to a stream (admin, or a push scope that is a prefix of the key). */
export function canPushTo(me: MeResponse, streamKey: string): boolean {
  return me.role === 'admin' || (me.scopes.push?.some((prefix) => streamKey.startsWith(prefix)) ?? false);
}

/** Whether `me` may read a stream by its scopes alone (push or `read` prefixes), not through a viewed dashboard. */
export function canReadByScope(me: MeResponse, streamKey: string): boolean {
  return canPushTo(me, streamKey) || (me.scopes.read?.some((prefix) => streamKey.startsWith(prefix)) ?? false);
}
