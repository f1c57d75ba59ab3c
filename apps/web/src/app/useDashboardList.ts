import { useCallback, useEffect, useState } from 'react';
import type { PulseboardApi } from '@pulseboard/client';
import type { DashboardSummary } from '@pulseboard/protocol';

/** How often an open list asks for changes made elsewhere (created, renamed, deleted dashboards). */
export const LIST_REFRESH_INTERVAL_MS = 3_000;

/** State of the dashboard list page's fetch. */
export interface DashboardListState {
  dashboards: DashboardSummary[] | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

const byTitle = (a: DashboardSummary, b: DashboardSummary) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id);

/** Same list as before (ids, titles, versions)? Then the page keeps its array and does not re-render. */
function sameList(a: DashboardSummary[] | null, b: DashboardSummary[]): boolean {
  return a !== null && a.length === b.length && a.every((d, i) => d.id === b[i]!.id && d.title === b[i]!.title && d.version === b[i]!.version && d.widgetCount === b[i]!.widgetCount);
}

/**
 * The dashboard list, kept live: loaded when `enabled` turns true, again on `reload()`, on
 * focus, and every LIST_REFRESH_INTERVAL_MS while the page is visible, so a dashboard created,
 * renamed or deleted elsewhere shows without a reload. Nothing is requested while disabled
 * (offline, or before the socket has told whether the token is good): such a request could
 * only fail, and the browser logs each failed request as a console error.
 */
export function useDashboardList(api: PulseboardApi, enabled = true): DashboardListState {
  const [dashboards, setDashboards] = useState<DashboardSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setLoading(true);
    api.dashboards
      .list()
      .then((list) => {
        if (!live) return;
        const sorted = [...list].sort(byTitle);
        setDashboards((current) => (sameList(current, sorted) ? current : sorted));
        setError(null);
      })
      .catch((err: unknown) => {
        if (live) setError(err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [api, generation, enabled]);

  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') reload();
    }, LIST_REFRESH_INTERVAL_MS);
    window.addEventListener('focus', reload);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', reload);
    };
  }, [reload, enabled]);

  return { dashboards, error, loading, reload };
}
