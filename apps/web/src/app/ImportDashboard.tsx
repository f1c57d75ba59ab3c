import { useCallback, useEffect, useRef, useState } from 'react';
import { isPulseboardError } from '@pulseboard/model';
import { importDashboardFile, type ApiOptions, type ImportMode } from './editing-api';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'error'; message: string } | { kind: 'exists'; id: string; file: unknown };

/**
 * Import on the dashboard list: a file picker, or a `.pulseboard.json` dropped anywhere on the
 * page. A broken file shows the server's error naming the field; an id that exists asks
 * whether to replace it or import a copy under a new id.
 */
export function ImportDashboard({ api, onImported }: { api: ApiOptions; onImported: (id: string) => void }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const send = useCallback(
    async (file: unknown, mode: ImportMode) => {
      setState({ kind: 'busy' });
      try {
        const doc = await importDashboardFile(api, file, mode);
        setState({ kind: 'idle' });
        onImported(doc.id);
      } catch (error) {
        const id = (file as { dashboard?: { id?: unknown } } | null)?.dashboard?.id;
        if (isPulseboardError(error) && error.code === 'already_exists' && typeof id === 'string') setState({ kind: 'exists', id, file });
        else setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      }
    },
    [api, onImported],
  );

  const read = useCallback(
    async (file: File) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch {
        setState({ kind: 'error', message: `${file.name} is not a JSON file (a Pulseboard export ends in .pulseboard.json)` });
        return;
      }
      await send(parsed, 'new');
    },
    [send],
  );

  useEffect(() => {
    const hasFile = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFile(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFile(e)) return;
      e.preventDefault();
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (file) void read(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [read]);

  return (
    <div className="pb-import" data-testid="import">
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void read(file);
        }}
      />
      <button className="pb-btn" type="button" onClick={() => input.current?.click()} disabled={state.kind === 'busy'} data-testid="import-button" title="Import a .pulseboard.json file (or drop one on the page)">
        Import…
      </button>
      {dragging ? <div className="pb-drop-overlay" data-testid="import-drop">Drop the .pulseboard.json file to import it</div> : null}
      {state.kind === 'error' ? (
        <div className="pb-callout pb-callout--error" role="alert" data-testid="import-error">
          Import failed: {state.message}
          <button className="pb-btn pb-btn--sm pb-btn--ghost" type="button" onClick={() => setState({ kind: 'idle' })}>
            Dismiss
          </button>
        </div>
      ) : null}
      {state.kind === 'exists' ? (
        <div className="pb-callout" role="alertdialog" aria-label="Dashboard exists" data-testid="import-exists">
          A dashboard with the id “{state.id}” already exists.
          <button className="pb-btn pb-btn--sm pb-btn--danger" type="button" onClick={() => void send(state.file, 'replace')} data-testid="import-replace">
            Replace it
          </button>
          <button className="pb-btn pb-btn--sm pb-btn--primary" type="button" onClick={() => void send(state.file, 'copy')} data-testid="import-copy">
            Import as a copy
          </button>
          <button className="pb-btn pb-btn--sm pb-btn--ghost" type="button" onClick={() => setState({ kind: 'idle' })}>
            Cancel
          </button>
        </div>
      ) : null}
    </div>
  );
}
