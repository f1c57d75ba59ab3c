import { useMemo, useState } from 'react';
import type { DashboardSummary } from '@pulseboard/protocol';
import { usePulseboardClient } from '@pulseboard/react';
import { CreateDashboardForm } from './CreateDashboardForm';
import { DashboardRow } from './DashboardRow';
import { accessTo } from './identity-access';
import { useAccess, useIdentity } from './identity-context';
import { PlaylistsPanel } from './PlaylistsPanel';
import { navigate } from './routing';
import { useDashboardList } from './useDashboardList';
import { useFirstConnectSettled } from './useFirstConnectSettled';
import { useOnline } from './useOnline';

/** Dashboards whose title (or id) contains every word of the query, case- and accent-insensitively. */
export function filterByTitle(dashboards: readonly DashboardSummary[], query: string): DashboardSummary[] {
  const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...dashboards];
  return dashboards.filter((d) => {
    const text = fold(`${d.title} ${d.id}`);
    return words.every((w) => text.includes(w));
  });
}

/** The home page: every dashboard the identity may see, live, with search; create, rename and delete where it may edit. */
export function DashboardList() {
  const online = useOnline();
  const client = usePulseboardClient();
  const me = useIdentity()?.me ?? null;
  const access = useAccess();
  const { dashboards, error, loading, reload } = useDashboardList(client, useFirstConnectSettled() && online);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => (dashboards ? filterByTitle(dashboards, query) : null), [dashboards, query]);
  return (
    <main className="pb-page pb-list-page" data-testid="dashboard-list">
      <header className="pb-page__header">
        <div>
          <h1 className="pb-page__title">Dashboards</h1>
          <p className="pb-page__subtitle">Live boards, shared by everyone with access. Edits sync in real time.</p>
        </div>
        {access.createDashboards ? <CreateDashboardForm onCreated={(id) => navigate({ name: 'dashboard', id, edit: true })} /> : null}
      </header>
      {error ? (
        <div className="pb-callout pb-callout--error" role="alert" data-testid="list-error">
          Could not load dashboards: {error}{' '}
          <button className="pb-btn pb-btn--ghost" type="button" onClick={reload}>
            Retry
          </button>
        </div>
      ) : null}
      {dashboards && dashboards.length > 0 ? (
        <div className="pb-list-search">
          <input
            className="pb-input"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search by title"
            aria-label="Search dashboards by title"
            data-testid="dashboard-search"
          />
        </div>
      ) : null}
      {shown === null ? (
        loading ? <p className="pb-muted">{online ? 'Loading dashboards…' : 'The list loads as soon as you are back online.'}</p> : null
      ) : dashboards?.length === 0 ? (
        <div className="pb-empty-state" data-testid="list-empty">
          <h2>No dashboards yet</h2>
          {access.createDashboards ? (
            <>
              <p>Create one above, then add widgets and push data to their streams.</p>
              <pre className="pb-code">curl -X POST -H &quot;Authorization: Bearer $TOKEN&quot; -H &quot;Content-Type: application/json&quot; \{'\n'}  -d 42 {location.origin}/api/streams/cpu.load</pre>
            </>
          ) : (
            <p>This access token cannot see any dashboard.</p>
          )}
        </div>
      ) : shown.length === 0 ? (
        <p className="pb-muted" data-testid="search-empty">
          No dashboard title contains “{query.trim()}”.
        </p>
      ) : (
        <ul className="pb-board-list" aria-label="Dashboards">
          {shown.map((d) => (
            <DashboardRow key={d.id} dashboard={d} canEdit={me ? accessTo(me, d.id) === 'edit' : access.admin} onChanged={reload} />
          ))}
        </ul>
      )}
      {dashboards && dashboards.length > 0 ? <PlaylistsPanel dashboards={dashboards} /> : null}
    </main>
  );
}
