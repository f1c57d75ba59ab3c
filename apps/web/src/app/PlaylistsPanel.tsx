import { useState, type FormEvent } from 'react';
import type { DashboardSummary } from '@pulseboard/protocol';
import { usePulseboardClient } from '@pulseboard/react';
import { canPushTo, canReadByScope } from './identity-access';
import { useIdentity } from './identity-context';
import { MAX_PLAYLIST_NAME_CHARS, PLAYLISTS_STREAM, playlistPush, type Playlist } from './playlists';
import { hrefFor } from './routing';
import { usePlaylists } from './usePlaylists';

const EVERY_CHOICES_MS = [10_000, 30_000, 60_000, 300_000];
const everyLabel = (ms: number) => (ms < 60_000 ? `${ms / 1000} s` : `${ms / 60_000} min`);

/**
 * The list page's wallboard playlists: each saved one with a link that opens it on a TV;
 * for an identity that may save them, a form to make or change one (name, dashboards in
 * order of choice, interval) and Delete. Stored on the server (see playlists.ts).
 */
export function PlaylistsPanel({ dashboards }: { dashboards: readonly DashboardSummary[] }) {
  const identity = useIdentity();
  const me = identity?.me ?? null;
  const playlists = usePlaylists(me ? canReadByScope(me, PLAYLISTS_STREAM) : identity?.meMissing === true);
  const client = usePulseboardClient();
  const canSave = identity?.me ? canPushTo(identity.me, PLAYLISTS_STREAM) : identity?.meMissing === true;
  const [name, setName] = useState('');
  const [ids, setIds] = useState<string[]>([]);
  const [everyMs, setEveryMs] = useState(30_000);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tvLink, setTvLink] = useState<{ name: string; url: string } | null>(null);
  const canMakeLinks = me ? me.can.admin : identity?.meMissing === true;
  if (!playlists || (playlists.length === 0 && !canSave)) return null;

  const titleOf = (id: string) => dashboards.find((d) => d.id === id)?.title ?? id;
  const save = async (push: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await client.publish(PLAYLISTS_STREAM, push);
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || ids.length === 0) return;
    if (await save(playlistPush(trimmed, { ids, everyMs }))) {
      setName('');
      setIds([]);
    }
  };
  const edit = (p: Playlist) => {
    setName(p.name);
    setIds(p.ids);
    setEveryMs(p.everyMs);
  };
  /** A token that may view the playlist's dashboards and read the playlists: what a TV needs. */
  const makeTvLink = async (p: Playlist) => {
    setBusy(true);
    setError(null);
    try {
      const { token } = await client.tokens.create({ name: `wallboard: ${p.name}`, scopes: { view: p.ids, read: [PLAYLISTS_STREAM] } });
      const route = hrefFor({ name: 'kiosk', ids: [], everyMs: p.everyMs, playlist: p.name });
      setTvLink({ name: p.name, url: `${location.origin}/${route}&token=${encodeURIComponent(token)}` });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (id: string) => setIds((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current, id]));

  return (
    <section className="pb-playlists" aria-labelledby="pb-playlists-title" data-testid="playlists">
      <h2 id="pb-playlists-title" className="pb-playlists__title">
        Wallboard playlists
      </h2>
      {playlists.length > 0 ? (
        <ul className="pb-playlists__list">
          {playlists.map((p) => (
            <li key={p.name} className="pb-playlists__item" data-testid="playlist" data-name={p.name}>
              <a className="pb-playlists__open" href={hrefFor({ name: 'kiosk', ids: [], everyMs: p.everyMs, playlist: p.name })} data-testid="playlist-open">
                {p.name}
              </a>
              <span className="pb-muted">
                {p.ids.map(titleOf).join(' → ')} · every {everyLabel(p.everyMs)}
              </span>
              {canSave || canMakeLinks ? (
                <span className="pb-btn-group">
                  {canMakeLinks ? (
                    <button className="pb-btn pb-btn--ghost pb-btn--sm" type="button" disabled={busy} onClick={() => void makeTvLink(p)} aria-label={`Make a TV link for playlist ${p.name}`} data-testid="playlist-link">
                      TV link
                    </button>
                  ) : null}
                  {canSave ? (
                    <>
                      <button className="pb-btn pb-btn--ghost pb-btn--sm" type="button" onClick={() => edit(p)} aria-label={`Change playlist ${p.name}`}>
                        Change
                      </button>
                      <button className="pb-btn pb-btn--ghost pb-btn--sm" type="button" disabled={busy} onClick={() => void save(playlistPush(p.name, null))} aria-label={`Delete playlist ${p.name}`} data-testid="playlist-delete">
                        Delete
                      </button>
                    </>
                  ) : null}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {tvLink ? (
        <label className="pb-field pb-playlists__link">
          <span className="pb-field__label">TV link for “{tvLink.name}” (shown once; revoke it with DELETE /api/tokens/:id)</span>
          <input className="pb-input" readOnly value={tvLink.url} onFocus={(e) => e.currentTarget.select()} data-testid="playlist-link-url" />
        </label>
      ) : null}
      {canSave ? (
        <form className="pb-playlists__form" onSubmit={(e) => void onSubmit(e)} data-testid="playlist-form">
          <label className="pb-field">
            <span className="pb-field__label">Playlist name</span>
            <input className="pb-input" value={name} maxLength={MAX_PLAYLIST_NAME_CHARS} onChange={(e) => setName(e.target.value)} placeholder="Lobby TV" data-testid="playlist-name" />
          </label>
          <fieldset className="pb-playlists__boards">
            <legend className="pb-field__label">Dashboards, in the order shown</legend>
            {dashboards.map((d) => (
              <label key={d.id} className="pb-playlists__board">
                <input type="checkbox" checked={ids.includes(d.id)} onChange={() => toggle(d.id)} data-testid={`playlist-board-${d.id}`} />
                {d.title}
                {ids.includes(d.id) ? <span className="pb-badge">{ids.indexOf(d.id) + 1}</span> : null}
              </label>
            ))}
          </fieldset>
          <label className="pb-field">
            <span className="pb-field__label">Show each for</span>
            <select className="pb-input" value={everyMs} onChange={(e) => setEveryMs(Number(e.target.value))} data-testid="playlist-every">
              {EVERY_CHOICES_MS.map((ms) => (
                <option key={ms} value={ms}>
                  {everyLabel(ms)}
                </option>
              ))}
            </select>
          </label>
          <button className="pb-btn pb-btn--primary" type="submit" disabled={busy || !name.trim() || ids.length === 0} data-testid="playlist-save">
            Save playlist
          </button>
          {error ? (
            <p className="pb-inline-error" role="alert">
              {error}
            </p>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}
