import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { SHARE_EXPIRY_CHOICES, type CreateShareResponse, type ShareExpiry, type ShareRole, type ShareSummary } from '@pulseboard/protocol';
import { usePulseboardClient } from '@pulseboard/react';
import { formatDuration } from '../widgets/widget-data';
import { formatSince } from './format';
import { useFocusReturn } from './useFocusReturn';

const EXPIRY_LABEL: Record<ShareExpiry, string> = { '1h': '1 hour', '1d': '1 day', '7d': '7 days', '30d': '30 days', never: 'Never (server maximum)' };

/** "in 7 d", "in 24 h", "never" for an expiry time (the widgets' duration rule). */
export function formatExpiry(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'never';
  const left = expiresAt - now;
  return left <= 0 ? 'expired' : `in ${formatDuration(left)}`;
}

/** The kiosk variant of a share link (`#/d/ops?token=…` → `#/d/ops?kiosk&token=…`). */
export function kioskLinkOf(url: string): string {
  return url.replace(/#\/d\/([^?]+)\?/, '#/d/$1?kiosk&');
}

/** Copies text, through the Clipboard API where the page may use it, else a selected field. */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!field) return false;
    field.select();
    return document.execCommand('copy');
  }
}

/**
 * Makes, lists and revokes a dashboard's share links (contract C3): view or edit, an
 * expiry, an optional label; the new link once with copy buttons; every active link with
 * its label, role, creator, age, expiry and last use.
 */
export function ShareDialog({ dashboardId, title, onClose }: { dashboardId: string; title: string; onClose: () => void }) {
  const { shares } = usePulseboardClient();
  const ref = useRef<HTMLDivElement>(null);
  useFocusReturn(ref, 'select');
  const [role, setRole] = useState<ShareRole>('view');
  const [expiresIn, setExpiresIn] = useState<ShareExpiry>('7d');
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreateShareResponse | null>(null);
  const [copied, setCopied] = useState<'link' | 'kiosk' | null>(null);
  const [list, setList] = useState<ShareSummary[] | null>(null);
  const linkField = useRef<HTMLInputElement>(null);

  const reload = useCallback(() => {
    shares
      .list(dashboardId)
      .then((items) => setList([...items].sort((a, b) => b.createdAt - a.createdAt)))
      .catch((err: unknown) => setError(`Could not list the links: ${err instanceof Error ? err.message : String(err)}`));
  }, [shares, dashboardId]);
  useEffect(reload, [reload]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const link = await shares.create(dashboardId, { role, expiresIn, ...(label.trim() ? { label: label.trim() } : {}) });
      setCreated(link);
      setCopied(null);
      setLabel('');
      reload();
    });
  };
  const copy = async (which: 'link' | 'kiosk') => {
    if (!created) return;
    const text = which === 'kiosk' ? kioskLinkOf(created.url) : created.url;
    if (await copyText(text, linkField.current)) setCopied(which);
  };
  const now = Date.now();

  return (
    <>
      <div className="pb-scrim" onClick={onClose} />
      <div className="pb-dialog pb-share" role="dialog" aria-modal="true" aria-labelledby="pb-share-title" data-testid="share-dialog" ref={ref}>
        <div className="pb-dialog__header">
          <h2 id="pb-share-title" className="pb-dialog__title">
            Share “{title}”
          </h2>
          <button className="pb-btn pb-btn--ghost pb-btn--icon pb-btn--sm" type="button" onClick={onClose} aria-label="Close" data-testid="share-close">
            ✕
          </button>
        </div>
        <form className="pb-share__form" onSubmit={onCreate}>
          <label className="pb-field">
            <span className="pb-field__label">Access</span>
            <select className="pb-input" value={role} onChange={(e) => setRole(e.target.value as ShareRole)} data-testid="share-role">
              <option value="view">Can view</option>
              <option value="edit">Can edit</option>
            </select>
          </label>
          <label className="pb-field">
            <span className="pb-field__label">Expires after</span>
            <select className="pb-input" value={expiresIn} onChange={(e) => setExpiresIn(e.target.value as ShareExpiry)} data-testid="share-expiry">
              {SHARE_EXPIRY_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {EXPIRY_LABEL[choice]}
                </option>
              ))}
            </select>
          </label>
          <label className="pb-field pb-share__label">
            <span className="pb-field__label">Label (optional)</span>
            <input className="pb-input" value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} placeholder="Lobby TV" data-testid="share-label" />
          </label>
          <button className="pb-btn pb-btn--primary" type="submit" disabled={busy} data-testid="share-create">
            Create link
          </button>
        </form>
        {created ? (
          <div className="pb-share__created" data-testid="share-created">
            <label className="pb-field">
              <span className="pb-field__label">New link (shown once: copy it now)</span>
              <input className="pb-input" readOnly value={created.url} ref={linkField} onFocus={(e) => e.currentTarget.select()} data-testid="share-url" />
            </label>
            <div className="pb-btn-group">
              <button className="pb-btn pb-btn--sm" type="button" onClick={() => void copy('link')} data-testid="share-copy">
                {copied === 'link' ? 'Copied' : 'Copy link'}
              </button>
              <button className="pb-btn pb-btn--sm" type="button" onClick={() => void copy('kiosk')} data-testid="share-copy-kiosk">
                {copied === 'kiosk' ? 'Copied' : 'Copy wallboard link'}
              </button>
            </div>
          </div>
        ) : null}
        {error ? (
          <p className="pb-inline-error" role="alert" data-testid="share-error">
            {error}
          </p>
        ) : null}
        <h3 className="pb-share__subtitle">Active links</h3>
        {list === null ? (
          <p className="pb-muted">Loading…</p>
        ) : list.length === 0 ? (
          <p className="pb-muted" data-testid="share-none">
            No active links.
          </p>
        ) : (
          <div className="pb-share__table-wrap">
            <table className="pb-share__table" data-testid="share-list">
              <thead>
                <tr>
                  <th scope="col">Label</th>
                  <th scope="col">Access</th>
                  <th scope="col">Created by</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="pb-visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((share) => (
                  <tr key={share.id} data-testid="share-row" data-share-id={share.id}>
                    <td>{share.label ?? '—'}</td>
                    <td>{share.role === 'edit' ? 'Can edit' : 'Can view'}</td>
                    <td>{share.createdBy}</td>
                    <td>{formatSince(share.createdAt, now)}</td>
                    <td>{formatExpiry(share.expiresAt, now)}</td>
                    <td data-testid="share-last-used">{share.lastUsedAt === null ? 'never' : formatSince(share.lastUsedAt, now)}</td>
                    <td>
                      <button
                        className="pb-btn pb-btn--danger pb-btn--sm"
                        type="button"
                        disabled={busy}
                        onClick={() =>
                          void run(async () => {
                            await shares.revoke(dashboardId, share.id);
                            reload();
                          })
                        }
                        aria-label={`Revoke ${share.label ?? 'link'} created ${formatSince(share.createdAt, now)}`}
                        data-testid="share-revoke"
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
