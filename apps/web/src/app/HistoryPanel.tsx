import { useEffect, useState } from 'react';
import type { Dashboard } from '@pulseboard/model';
import type { VersionResponse, VersionSummary } from '@pulseboard/protocol';
import { getVersion, listVersions, restoreVersion, type ApiOptions } from './editing-api';
import { formatSince } from './format';

/**
 * The version history of a dashboard: who changed what and when (newest first), a preview
 * of the picked version, and Restore, which makes it current as a new version for everyone.
 * Refreshes whenever the dashboard's version moves.
 */
export function HistoryPanel({ api, dashboard, canRestore, onClose }: { api: ApiOptions; dashboard: Dashboard; canRestore: boolean; onClose: () => void }) {
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [picked, setPicked] = useState<VersionResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { id, version } = dashboard;

  useEffect(() => {
    let live = true;
    listVersions(api, id).then(
      (list) => live && setVersions(list),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, id, version]);

  const pick = (v: number) => {
    setError(null);
    getVersion(api, id, v).then(setPicked, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const restore = (v: number) => {
    setError(null);
    restoreVersion(api, id, v).then(
      () => setPicked(null),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  };
  const now = Date.now();

  return (
    <aside className="pb-panel pb-panel--docked pb-history" aria-label="Version history" data-testid="history-panel">
      <div className="pb-panel__header">
        <h2 className="pb-panel__title">History</h2>
        <button className="pb-btn pb-btn--ghost pb-btn--icon pb-btn--sm" type="button" onClick={onClose} aria-label="Close history" data-testid="history-close">
          ✕
        </button>
      </div>
      <div className="pb-panel__body pb-scroll">
        {error ? (
          <p className="pb-callout pb-callout--error" role="alert">
            {error}
          </p>
        ) : null}
        {picked ? (
          <section className="pb-panel__section" data-testid="history-preview" data-version={picked.version}>
            <h3 className="pb-panel__section-title">Version {picked.version}</h3>
            <p className="pb-muted">
              {picked.summary} · {picked.actor ?? 'unknown'} · {new Date(picked.ts).toLocaleString()}
            </p>
            <LayoutPreview doc={picked.doc} />
            <div className="pb-btn-group">
              {canRestore ? (
                <button className="pb-btn pb-btn--sm pb-btn--primary" type="button" onClick={() => restore(picked.version)} disabled={picked.version === version} data-testid="history-restore">
                  Restore this version
                </button>
              ) : null}
              <button className="pb-btn pb-btn--sm pb-btn--ghost" type="button" onClick={() => setPicked(null)}>
                Back to the list
              </button>
            </div>
          </section>
        ) : null}
        {versions === null ? <p className="pb-muted">Loading history…</p> : null}
        <ol className="pb-history__list" data-testid="history-list">
          {(versions ?? []).map((v) => (
            <li key={v.version}>
              <button className={`pb-history__item ${picked?.version === v.version ? 'is-picked' : ''}`} type="button" onClick={() => pick(v.version)} data-testid={`history-version-${v.version}`}>
                <span className="pb-history__summary">{v.summary}</span>
                <span className="pb-muted">
                  {v.actor ?? 'unknown'} · {formatSince(v.ts, now)}
                  {v.version === version ? ' · current' : ''}
                </span>
              </button>
            </li>
          ))}
        </ol>
      </div>
    </aside>
  );
}

/** The picked version's widgets as boxes where they sat (lg layout), with their titles. */
function LayoutPreview({ doc }: { doc: Dashboard }) {
  const widgets = Object.values(doc.widgets);
  const rows = Math.max(1, ...widgets.map((w) => w.layout.y + w.layout.h));
  return (
    <div className="pb-history__preview" style={{ aspectRatio: `${doc.columns} / ${Math.max(rows, 3)}` }} aria-label={`${doc.title}: ${widgets.length} widgets`}>
      {widgets.map((w) => (
        <div
          key={w.id}
          className="pb-history__box"
          title={w.title}
          style={{
            left: `${(w.layout.x / doc.columns) * 100}%`,
            width: `${(w.layout.w / doc.columns) * 100}%`,
            top: `${(w.layout.y / Math.max(rows, 3)) * 100}%`,
            height: `${(w.layout.h / Math.max(rows, 3)) * 100}%`,
          }}
        >
          {w.title || w.type}
        </div>
      ))}
    </div>
  );
}
