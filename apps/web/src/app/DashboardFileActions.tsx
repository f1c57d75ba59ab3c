import { useState } from 'react';
import { duplicateDashboard, exportDashboardFile, type ApiOptions } from './editing-api';
import { navigate } from './routing';

/** Saves `data` as a file download named `name`. */
function download(name: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Export (`<id>.pulseboard.json`), Duplicate and the History toggle, for the top bar.
 * Duplicate shows only for an identity that may create dashboards (the server refuses others).
 */
export function DashboardFileActions({
  api,
  id,
  canDuplicate,
  historyOpen,
  onToggleHistory,
}: {
  api: ApiOptions;
  id: string;
  canDuplicate: boolean;
  historyOpen: boolean;
  onToggleHistory: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<void>) => () => {
    setError(null);
    action().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <>
      <button className="pb-btn pb-btn--sm" type="button" aria-pressed={historyOpen} onClick={onToggleHistory} data-testid="history-toggle" title="Version history: who changed what, and restore">
        History
      </button>
      <button className="pb-btn pb-btn--sm" type="button" onClick={run(async () => download(`${id}.pulseboard.json`, await exportDashboardFile(api, id)))} data-testid="export" title={`Download ${id}.pulseboard.json`}>
        Export
      </button>
      {canDuplicate ? (
        <button
          className="pb-btn pb-btn--sm"
          type="button"
          onClick={run(async () => navigate({ name: 'dashboard', id: (await duplicateDashboard(api, id)).id, edit: true }))}
          data-testid="duplicate"
          title="Make a copy of this dashboard"
        >
          Duplicate
        </button>
      ) : null}
      {error ? (
        <span className="pb-callout pb-callout--error" role="alert" data-testid="file-action-error">
          {error}
        </span>
      ) : null}
    </>
  );
}
