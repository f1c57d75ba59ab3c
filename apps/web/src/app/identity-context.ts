import { createContext, useContext } from 'react';
import { accessTo, type DashboardAccessLevel } from './identity-access';
import type { Identity } from './keyring';

/** The identity the page runs as (the one its client was made with). */
export const IdentityContext = createContext<Identity | null>(null);

/** The page's identity; null outside the signed-in app (gallery, tests). */
export function useIdentity(): Identity | null {
  return useContext(IdentityContext);
}

/** What the page's identity may do, here. Until the server answered `/api/me` nothing is granted. */
export interface Access {
  /** False until the server said what the token may do. */
  known: boolean;
  admin: boolean;
  createDashboards: boolean;
  /** Access to the given dashboard ('none' without one). */
  level: DashboardAccessLevel;
}

/** The page identity's access, to one dashboard when given. */
export function useAccess(dashboardId?: string): Access {
  const identity = useIdentity();
  const me = identity?.me ?? null;
  if (!me && identity?.meMissing) return { known: true, admin: true, createDashboards: true, level: 'edit' };
  if (!me) return { known: false, admin: false, createDashboards: false, level: 'none' };
  return { known: true, admin: me.can.admin, createDashboards: me.can.createDashboards, level: dashboardId === undefined ? 'none' : accessTo(me, dashboardId) };
}
