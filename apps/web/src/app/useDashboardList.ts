import { useCallback, useEffect, useState } from 'react';
import { listDashboards, type ApiOptions, type DashboardSummary } from './api';

/** State of the dashboard list page's fetch. */
export interface DashboardListState {
  dashboards: DashboardSummary[] | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads the dashboard list, and again on `reload()`, when the window regains focus and when
 * `enabled` turns true. Nothing is requested while disabled (offline, or before the socket
 * has told whether the token is good): such a request could only fail, and the browser
 * logs each failed request as a console error.
 */
export function useDashboardList(api: ApiOptions, enabled = true): DashboardListState {
  const [dashboards, setDashboards] = useState<DashboardSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const { token, baseUrl } = api;

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    setLoading(true);
    listDashboards({ token, ...(baseUrl ? { baseUrl } : {}), signal: controller.signal })
      .then((list) => {
        setDashboards([...list].sort((a, b) => a.title.localeCompare(b.title)));
        setError(null);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [token, baseUrl, generation, enabled]);

  useEffect(() => {
    window.addEventListener('focus', reload);
    return () => window.removeEventListener('focus', reload);
  }, [reload]);

  return { dashboards, error, loading, reload };
}
