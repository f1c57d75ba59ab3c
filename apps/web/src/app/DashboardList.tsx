import type { ApiOptions } from './api';
import { CreateDashboardForm } from './CreateDashboardForm';
import { ImportDashboard } from './ImportDashboard';
import { DashboardRow } from './DashboardRow';
import { navigate } from './routing';
import { useDashboardList } from './useDashboardList';
import { useFirstConnectSettled } from './useFirstConnectSettled';
import { useOnline } from './useOnline';

/** The home page: every dashboard, with create, rename and delete. */
export function DashboardList({ api }: { api: ApiOptions }) {
  const online = useOnline();
  const { dashboards, error, loading, reload } = useDashboardList(api, useFirstConnectSettled() && online);
  return (
    <main className="pb-page pb-list-page" data-testid="dashboard-list">
      <header className="pb-page__header">
        <div>
          <h1 className="pb-page__title">Dashboards</h1>
          <p className="pb-page__subtitle">Live boards, shared by everyone with access. Edits sync in real time.</p>
        </div>
        <CreateDashboardForm api={api} onCreated={(id) => navigate({ name: 'dashboard', id, edit: true })} />
        <ImportDashboard api={api} onImported={(id) => navigate({ name: 'dashboard', id, edit: false })} />
      </header>
      {error ? (
        <div className="pb-callout pb-callout--error" role="alert" data-testid="list-error">
          Could not load dashboards: {error}{' '}
          <button className="pb-btn pb-btn--ghost" type="button" onClick={reload}>
            Retry
          </button>
        </div>
      ) : null}
      {dashboards === null ? (
        loading ? <p className="pb-muted">{online ? 'Loading dashboards…' : 'The list loads as soon as you are back online.'}</p> : null
      ) : dashboards.length === 0 ? (
        <div className="pb-empty-state" data-testid="list-empty">
          <h2>No dashboards yet</h2>
          <p>Create one above, then add widgets and push data to their streams.</p>
          <pre className="pb-code">curl -X POST -H &quot;Authorization: Bearer $TOKEN&quot; -H &quot;Content-Type: application/json&quot; \{'\n'}  -d 42 {location.origin}/api/streams/cpu.load</pre>
        </div>
      ) : (
        <ul className="pb-board-list">
          {dashboards.map((d) => (
            <DashboardRow key={d.id} api={api} dashboard={d} onChanged={reload} />
          ))}
        </ul>
      )}
    </main>
  );
}
