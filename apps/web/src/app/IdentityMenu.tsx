import { useEffect, useId, useRef, useState } from 'react';
import { dashboardsOf, roleLabel } from './identity-access';
import { useIdentity } from './identity-context';
import { chooseIdentity, forgetIdentity, useKeyring, type Identity } from './keyring';

/** A short name for an identity: the server's name for it, or a placeholder until known. */
export function identityName(identity: Identity): string {
  if (!identity.me) return identity.via ? `Link to ${identity.via}` : 'Access token';
  return identity.me.kind === 'admin' ? 'Admin' : identity.me.name;
}

function scopeText(identity: Identity): string {
  if (!identity.me) return '';
  const ids = dashboardsOf(identity.me);
  return ids === 'all' ? 'all dashboards' : ids.length === 0 ? 'no dashboards' : ids.join(', ');
}

/**
 * The top bar's identity switcher: who the page runs as, every identity this browser holds
 * (label, role, dashboards), switching (here, for this dashboard, or everywhere) and signing
 * out of one. Disclosure pattern: a button that shows a list below it.
 */
export function IdentityMenu({ dashboardId }: { dashboardId?: string | undefined }) {
  const active = useIdentity();
  const { identities } = useKeyring();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onClick = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    window.addEventListener('keydown', onKey);
    window.addEventListener('mousedown', onClick);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mousedown', onClick);
    };
  }, [open]);
  if (!active) return null;
  const use = (identity: Identity) => {
    // On a dashboard: for this dashboard; on the list: everywhere nothing else is pinned.
    chooseIdentity(identity.id, dashboardId);
    setOpen(false);
  };
  return (
    <div className="pb-identity" ref={ref}>
      <button
        className="pb-btn pb-btn--ghost pb-btn--sm"
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        data-testid="identity-menu"
        data-identity-role={active.me?.role ?? ''}
      >
        {identityName(active)}
        {identities.length > 1 ? <span className="pb-identity__count">{identities.length}</span> : null}
      </button>
      {open ? (
        <div className="pb-identity__panel" id={panelId} data-testid="identity-panel">
          <h2 className="pb-identity__heading">Access on this device</h2>
          <ul className="pb-identity__list">
            {identities.map((identity) => (
              <li key={identity.id} className="pb-identity__item" data-testid="identity-item" data-active={identity.id === active.id ? 'true' : 'false'}>
                <span className="pb-identity__name">{identityName(identity)}</span>
                <span className="pb-identity__meta">
                  {identity.ended ? 'No longer valid' : roleLabel(identity.me, dashboardId)}
                  {scopeText(identity) ? ` · ${scopeText(identity)}` : ''}
                </span>
                <span className="pb-identity__actions">
                  {identity.id === active.id ? (
                    <span className="pb-badge">In use</span>
                  ) : identity.ended ? null : (
                    <button className="pb-btn pb-btn--sm" type="button" onClick={() => use(identity)} data-testid="identity-use">
                      Use
                    </button>
                  )}
                  <button
                    className="pb-btn pb-btn--ghost pb-btn--sm"
                    type="button"
                    onClick={() => forgetIdentity(identity.id)}
                    title="Forget this access token on this device"
                    data-testid={identity.id === active.id ? 'sign-out' : 'identity-sign-out'}
                  >
                    Sign out
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** "View only" beside the title when the page's identity may not edit this dashboard. */
export function AccessBadge({ level }: { level: 'none' | 'view' | 'edit' }) {
  if (level !== 'view') return null;
  return (
    <span className="pb-badge pb-badge--info" data-testid="view-only-badge" title="This access token may look but not change anything">
      View only
    </span>
  );
}
