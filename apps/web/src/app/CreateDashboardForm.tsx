import { useState, type FormEvent } from 'react';
import { isPulseboardError } from '@pulseboard/model';
import { usePulseboardClient } from '@pulseboard/react';
import { slugify } from './slugify';

/** The "New dashboard" form of the list page; calls `onCreated` with the new id. */
export function CreateDashboardForm({ onCreated }: { onCreated: (id: string) => void }) {
  const { dashboards } = usePulseboardClient();
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return;
    setBusy(true);
    setError(null);
    try {
      let id = slugify(trimmed);
      try {
        ({ id } = await dashboards.create({ id, title: trimmed }));
      } catch (err) {
        // The slug is taken: add a short suffix once rather than failing.
        if (!isPulseboardError(err) || err.status !== 409) throw err;
        id = `${id.slice(0, 40)}-${Math.random().toString(36).slice(2, 6)}`;
        ({ id } = await dashboards.create({ id, title: trimmed }));
      }
      setTitle('');
      onCreated(id);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="pb-create" onSubmit={onSubmit} data-testid="create-dashboard">
      <input
        className="pb-input"
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        placeholder="New dashboard title"
        aria-label="New dashboard title"
        maxLength={200}
        data-testid="create-dashboard-title"
      />
      <button className="pb-btn pb-btn--primary" type="submit" disabled={busy || !title.trim()} data-testid="create-dashboard-submit">
        {busy ? 'Creating…' : 'Create dashboard'}
      </button>
      {error ? (
        <p className="pb-inline-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
