import { useState, type FormEvent } from 'react';
import type { DashboardSummary } from '@pulseboard/protocol';
import { usePulseboardClient } from '@pulseboard/react';
import { formatSince } from './format';
import { hrefFor } from './routing';

/** One dashboard in the list: open, and (with edit access) rename in place, delete after a confirmation. */
export function DashboardRow({ dashboard, canEdit, onChanged }: { dashboard: DashboardSummary; canEdit: boolean; onChanged: () => void }) {
  const api = usePulseboardClient().dashboards;
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view');
  const [title, setTitle] = useState(dashboard.title);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setMode('view');
      onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const onRename = (event: FormEvent) => {
    event.preventDefault();
    const next = title.trim();
    if (!next || next === dashboard.title) return setMode('view');
    void run(() => api.rename(dashboard.id, next));
  };

  const updated = Date.parse(dashboard.updatedAt);
  return (
    <li className="pb-board-row" data-testid={`dashboard-row-${dashboard.id}`}>
      {mode === 'rename' ? (
        <form className="pb-board-row__rename" onSubmit={onRename}>
          <input
            className="pb-input"
            value={title}
            autoFocus
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setMode('view')}
            aria-label="Dashboard title"
            data-testid="rename-input"
          />
          <button className="pb-btn pb-btn--primary" type="submit" disabled={busy} data-testid="rename-save">
            Save
          </button>
          <button className="pb-btn" type="button" onClick={() => setMode('view')}>
            Cancel
          </button>
        </form>
      ) : (
        <a className="pb-board-row__link" href={hrefFor({ name: 'dashboard', id: dashboard.id, edit: false })} data-testid="dashboard-link">
          <span className="pb-board-row__title">{dashboard.title}</span>
          <span className="pb-board-row__meta">
            <span>
              {dashboard.widgetCount} {dashboard.widgetCount === 1 ? 'widget' : 'widgets'}
              {Number.isFinite(updated) ? ` · edited ${formatSince(updated, Date.now())}` : ''}
            </span>
            <span className="pb-board-row__id" title={dashboard.id}>
              #{dashboard.id}
            </span>
          </span>
        </a>
      )}
      {mode === 'view' && canEdit ? (
        <div className="pb-board-row__actions">
          <button className="pb-btn pb-btn--ghost pb-btn--sm" type="button" onClick={() => { setTitle(dashboard.title); setMode('rename'); }} data-testid="rename-dashboard">
            Rename
          </button>
          <button className="pb-btn pb-btn--ghost pb-btn--sm pb-board-row__delete" type="button" onClick={() => setMode('confirm-delete')} data-testid="delete-dashboard">
            Delete
          </button>
        </div>
      ) : null}
      {mode === 'confirm-delete' ? (
        <div className="pb-board-row__actions" role="group" aria-label="Confirm delete">
          <span className="pb-board-row__confirm">Delete “{dashboard.title}” for everyone?</span>
          <button className="pb-btn pb-btn--danger pb-btn--sm" type="button" disabled={busy} onClick={() => void run(() => api.remove(dashboard.id))} data-testid="confirm-delete-dashboard">
            Delete
          </button>
          <button className="pb-btn pb-btn--sm" type="button" onClick={() => setMode('view')}>
            Keep
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="pb-inline-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
