import { useEffect, useState } from 'react';
import type { Widget } from '@pulseboard/model';
import { isPulseboardError } from '@pulseboard/model';
import { usePulseboardClient } from '@pulseboard/react';
import { sourceInputFromFields, type SourceFormFields } from './source-form';
import { canManageSources, createSource, listSources, testSource, type SourceTestResult, type SourceView } from './sources-api';
import { TestResult } from './SourcesPage';

/** The stream a new source made from the side panel feeds: the widget's own, else one named after it. */
export function pullStreamFor(widget: Widget): string {
  return widget.stream ?? `source.${widget.id}`.slice(0, 128);
}

/**
 * The side panel's "Pull from a source" (admins): point the widget at a stream an existing
 * source writes, or create an http-json/prometheus source feeding the widget's stream from
 * a URL and one expression (tested first if wished).
 */
export function PullFromSource({ widget, onUseStream }: { widget: Widget; onUseStream: (stream: string) => void }) {
  const api = usePulseboardClient();
  const [sources, setSources] = useState<SourceView[] | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const [kind, setKind] = useState<SourceFormFields['kind']>('http-json');
  const [url, setUrl] = useState('');
  const [expression, setExpression] = useState('');
  const [intervalSeconds, setIntervalSeconds] = useState('30');
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<SourceTestResult | null>(null);
  const stream = pullStreamFor(widget);

  useEffect(() => {
    let live = true;
    // Asks who the token is first: a non-admin's 403 on the list would be logged by the browser.
    canManageSources(api)
      .then((admin) => (admin ? listSources(api).then((list) => live && setSources(list)) : live && setForbidden(true)))
      .catch((e: unknown) => {
        if (live && isPulseboardError(e) && e.status === 403) setForbidden(true);
      });
    return () => {
      live = false;
    };
  }, [api]);

  if (forbidden) return null;
  const fields = (): SourceFormFields => ({ kind, id: '', url, intervalSeconds, lines: `${stream} = ${expression}`, secretHeader: '' });
  const run = async (create: boolean) => {
    const built = sourceInputFromFields(fields());
    if ('error' in built) return setError(built.error);
    try {
      setError(null);
      if (!create) return setTest(await testSource(api, built.input));
      const created = await createSource(api, { ...built.input, id: `widget-${widget.id}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-'), name: `${widget.title || widget.id} (widget)` });
      setSources((list) => [...(list ?? []), created]);
      onUseStream(stream);
      setTest(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const fed = sources?.flatMap((s) => s.streams.map((key) => ({ key, source: s }))) ?? [];
  const current = fed.find((f) => f.key === widget.stream);

  return (
    <section className="pb-panel__section" data-testid="pull-from-source">
      <h3 className="pb-panel__section-title">Pull from a source</h3>
      {current ? (
        <p className="pb-field__help" data-testid="pull-current">
          Fed by source “{current.source.name}” ({current.source.kind}, {current.source.status.state}).
        </p>
      ) : null}
      {fed.length ? (
        <label className="pb-field">
          <span className="pb-field__label">A stream a source writes</span>
          <select className="pb-select" value={current?.key ?? ''} onChange={(e) => e.target.value && onUseStream(e.target.value)} data-testid="pull-existing">
            <option value="">Choose…</option>
            {fed.map((f) => (
              <option key={f.key} value={f.key}>
                {f.key} ({f.source.name})
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="pb-field">
        <span className="pb-field__label">New source</span>
        <select className="pb-select" value={kind} onChange={(e) => setKind(e.target.value as SourceFormFields['kind'])} data-testid="pull-kind">
          <option value="http-json">HTTP JSON</option>
          <option value="prometheus">Prometheus</option>
        </select>
      </label>
      <label className="pb-field">
        <span className="pb-field__label">{kind === 'http-json' ? 'URL' : 'Prometheus base URL'}</span>
        <input className="pb-input" value={url} onChange={(e) => setUrl(e.target.value)} data-testid="pull-url" />
      </label>
      <label className="pb-field">
        <span className="pb-field__label">{kind === 'http-json' ? 'JMESPath selector' : 'PromQL query'}</span>
        <input className="pb-input" value={expression} onChange={(e) => setExpression(e.target.value)} placeholder={kind === 'http-json' ? 'e.g. queue.depth' : 'e.g. sum(up)'} data-testid="pull-expression" />
      </label>
      <label className="pb-field">
        <span className="pb-field__label">Every (seconds)</span>
        <input className="pb-input" inputMode="decimal" value={intervalSeconds} onChange={(e) => setIntervalSeconds(e.target.value)} data-testid="pull-interval" />
      </label>
      <span className="pb-field__help">Feeds stream “{stream}”.</span>
      {error ? (
        <p className="pb-inline-error" role="alert" data-testid="pull-error">
          {error}
        </p>
      ) : null}
      {test ? <TestResult result={test} /> : null}
      <div className="pb-source-form__row">
        <button className="pb-btn pb-btn--sm" type="button" onClick={() => void run(false)} data-testid="pull-test">
          Test
        </button>
        <button className="pb-btn pb-btn--sm pb-btn--primary" type="button" onClick={() => void run(true)} data-testid="pull-create">
          Create source
        </button>
      </div>
    </section>
  );
}
