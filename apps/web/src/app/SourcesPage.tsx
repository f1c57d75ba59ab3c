import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { formatAgo, formatClock } from '../widgets/widget-data';
import type { PulseboardApi } from '@pulseboard/client';
import { isPulseboardError } from '@pulseboard/model';
import { usePulseboardClient } from '@pulseboard/react';
import { sourceInputFromFields, type SourceFormFields } from './source-form';
import { createSource, deleteSource, listSources, runSource, testSource, type SourceTestResult, type SourceView } from './sources-api';
import { TopBar } from './TopBar';

/** How often the page re-reads the sources' status. */
export const SOURCES_REFRESH_MS = 5_000;

const EMPTY_FIELDS: SourceFormFields = { kind: 'http-json', id: '', url: '', intervalSeconds: '60', lines: '', secretHeader: '' };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The Sources page (admin): every pull source with its status, run/test/delete, and a form to add one. */
export function SourcesPage() {
  const api = usePulseboardClient();
  const [sources, setSources] = useState<SourceView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, SourceTestResult | string>>({});

  const reload = useCallback(async () => {
    try {
      setSources(await listSources(api));
      setLoadError(null);
    } catch (error) {
      setLoadError(isPulseboardError(error) && error.status === 403 ? 'The Sources page needs an admin token.' : messageOf(error));
    }
  }, [api]);

  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), SOURCES_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const act = async (id: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      setTests((t) => ({ ...t, [id]: messageOf(error) }));
    }
    await reload();
  };

  return (
    <>
      <TopBar title="Sources" />
      <main className="pb-page pb-sources-page" data-testid="sources-page">
        <header className="pb-page__header">
          <div>
            <h1 className="pb-page__title">Sources</h1>
            <p className="pb-page__subtitle">Data the server pulls on a schedule (HTTP JSON, Prometheus) into ordinary streams.</p>
          </div>
        </header>
        {loadError ? (
          <p className="pb-callout pb-callout--error" role="alert">
            {loadError}
          </p>
        ) : null}
        {sources === null && !loadError ? <p className="pb-muted">Loading sources…</p> : null}
        {sources?.length === 0 ? <p className="pb-muted">No sources yet. Add one below.</p> : null}
        <ul className="pb-source-list">
          {sources?.map((source) => (
            <SourceRow
              key={source.id}
              source={source}
              test={tests[source.id]}
              onRun={() => act(source.id, () => runSource(api, source.id))}
              onTest={() =>
                act(source.id, async () => {
                  setTests((t) => ({ ...t, [source.id]: 'Testing…' }));
                  const result = await testSource(api, source.id);
                  setTests((t) => ({ ...t, [source.id]: result }));
                })
              }
              onDelete={() => act(source.id, () => deleteSource(api, source.id))}
            />
          ))}
        </ul>
        {loadError ? null : <AddSourceForm api={api} onAdded={reload} />}
      </main>
    </>
  );
}

function StatusChip({ source }: { source: SourceView }) {
  const { status } = source;
  return (
    <span className={`pb-source-state pb-source-state--${status.state}`} data-testid="source-state" data-state={status.state}>
      {status.running ? 'running' : status.state}
    </span>
  );
}

function SourceRow({ source, test, onRun, onTest, onDelete }: { source: SourceView; test: SourceTestResult | string | undefined; onRun: () => void; onTest: () => void; onDelete: () => void }) {
  const { status } = source;
  const now = Date.now();
  return (
    <li className="pb-source" data-testid="source-row" data-source-id={source.id}>
      <div className="pb-source__head">
        <strong className="pb-source__name">{source.name}</strong>
        <span className="pb-muted">
          {source.kind} · every {source.intervalMs / 1000} s
        </span>
        <StatusChip source={source} />
        <span className="pb-topbar__spacer" />
        <button className="pb-btn pb-btn--sm" type="button" onClick={onRun} disabled={!source.enabled} data-testid="source-run">
          Run now
        </button>
        <button className="pb-btn pb-btn--sm" type="button" onClick={onTest} data-testid="source-test">
          Test
        </button>
        <button className="pb-btn pb-btn--sm pb-btn--danger" type="button" onClick={onDelete} data-testid="source-delete">
          Delete
        </button>
      </div>
      <div className="pb-source__detail">
        <code className="pb-code">{source.url}</code> → {source.streams.join(', ')}
      </div>
      <div className="pb-source__detail pb-muted" data-testid="source-status">
        {status.lastSuccessAt !== null ? `Last success ${formatAgo(now - status.lastSuccessAt)}${status.lastUnchanged ? ' (unchanged)' : ''}` : 'No success yet'}
        {status.nextRunAt !== null ? ` · next run ${formatClock(status.nextRunAt)}` : ''}
        {status.consecutiveFailures > 0 ? ` · ${status.consecutiveFailures} ${status.consecutiveFailures === 1 ? 'failure' : 'failures in a row'}` : ''}
      </div>
      {status.lastError ? (
        <div className="pb-source__error" data-testid="source-error" data-code={status.lastError.code}>
          {status.lastError.message} <span className="pb-muted">({status.lastError.code}, {formatClock(status.lastError.at)})</span>
        </div>
      ) : null}
      {test !== undefined ? <TestResult result={test} /> : null}
    </li>
  );
}

/** What a test run would push, one line per stream. */
export function TestResult({ result }: { result: SourceTestResult | string }) {
  if (typeof result === 'string') return <div className="pb-source__test pb-muted">{result}</div>;
  return (
    <div className="pb-source__test" data-testid="source-test-result" data-ok={result.ok}>
      {result.pushes.map((push, i) => (
        <div key={i}>
          <code className="pb-code">{push.stream}</code> ← {JSON.stringify(push.value)} <span className="pb-muted">({push.from})</span>
        </div>
      ))}
      {result.unmatched.map((u) => (
        <div key={u} className="pb-source__error">
          nothing ← {u}
        </div>
      ))}
      {result.error && result.error.code !== 'selector_empty' ? <div className="pb-source__error">{result.error.message}</div> : null}
      <div className="pb-muted">
        {result.ok ? 'OK' : 'Failed'} in {result.durationMs} ms · nothing was pushed
      </div>
    </div>
  );
}

function AddSourceForm({ api, onAdded }: { api: PulseboardApi; onAdded: () => Promise<void> }) {
  const [fields, setFields] = useState<SourceFormFields>(EMPTY_FIELDS);
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<SourceTestResult | null>(null);
  const set = (patch: Partial<SourceFormFields>) => setFields((f) => ({ ...f, ...patch }));

  const submit = async (e: FormEvent, dryRun: boolean) => {
    e.preventDefault();
    const built = sourceInputFromFields(fields);
    if ('error' in built) return setError(built.error);
    try {
      setError(null);
      if (dryRun) {
        setTest(await testSource(api, built.input));
        return;
      }
      await createSource(api, built.input);
      setFields(EMPTY_FIELDS);
      setTest(null);
      await onAdded();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const http = fields.kind === 'http-json';
  return (
    <form className="pb-source-form" onSubmit={(e) => void submit(e, false)} data-testid="add-source-form">
      <h2 className="pb-panel__section-title">Add a source</h2>
      <label className="pb-field">
        <span className="pb-field__label">Kind</span>
        <select className="pb-select" value={fields.kind} onChange={(e) => set({ kind: e.target.value as SourceFormFields['kind'] })} data-testid="source-kind">
          <option value="http-json">HTTP JSON (JMESPath selectors)</option>
          <option value="prometheus">Prometheus (PromQL queries)</option>
        </select>
      </label>
      <label className="pb-field">
        <span className="pb-field__label">{http ? 'URL' : 'Prometheus base URL'}</span>
        <input className="pb-input" value={fields.url} onChange={(e) => set({ url: e.target.value })} placeholder={http ? 'https://api.example.com/stats' : 'http://127.0.0.1:9090'} data-testid="source-url" />
      </label>
      <label className="pb-field">
        <span className="pb-field__label">{http ? 'Selectors' : 'Queries'}: one “stream = expression” per line</span>
        <textarea
          className="pb-input pb-source-form__lines"
          rows={3}
          value={fields.lines}
          onChange={(e) => set({ lines: e.target.value })}
          placeholder={http ? 'queue.depth = queue.depth\nqueue.workers = length(workers)' : 'http.rate = sum(rate(http_requests_total[1m]))'}
          data-testid="source-lines"
        />
      </label>
      <div className="pb-source-form__row">
        <label className="pb-field">
          <span className="pb-field__label">Id (optional)</span>
          <input className="pb-input" value={fields.id} onChange={(e) => set({ id: e.target.value })} data-testid="source-id" />
        </label>
        <label className="pb-field">
          <span className="pb-field__label">Every (seconds, ≥ 1)</span>
          <input className="pb-input" inputMode="decimal" value={fields.intervalSeconds} onChange={(e) => set({ intervalSeconds: e.target.value })} data-testid="source-interval" />
        </label>
        <label className="pb-field">
          <span className="pb-field__label">Secret header (optional, never shown again)</span>
          <input className="pb-input" value={fields.secretHeader} onChange={(e) => set({ secretHeader: e.target.value })} placeholder="Authorization: Bearer …" autoComplete="off" data-testid="source-secret" />
        </label>
      </div>
      {error ? (
        <p className="pb-inline-error" role="alert" data-testid="source-form-error">
          {error}
        </p>
      ) : null}
      {test ? <TestResult result={test} /> : null}
      <div className="pb-source-form__row">
        <button className="pb-btn" type="button" onClick={(e) => void submit(e, true)} data-testid="source-form-test">
          Test
        </button>
        <button className="pb-btn pb-btn--primary" type="submit" data-testid="source-form-add">
          Add source
        </button>
      </div>
    </form>
  );
}
