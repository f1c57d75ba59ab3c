import type { ReactNode } from 'react';
import { setToken } from './auth';
import { BrandMark } from './LoginForm';
import { NameButton } from './NameButton';
import { SyncIndicator } from './SyncIndicator';
import { ThemeToggle } from './ThemeToggle';

/** The sticky bar on every page: brand (home link), title, page actions, sync status, sign out. */
export function TopBar({ title, dashboardId, children }: { title?: ReactNode; dashboardId?: string; children?: ReactNode }) {
  return (
    <header className="pb-topbar" data-testid="topbar">
      <a className="pb-topbar__brand" href="#/" data-testid="home-link" title="All dashboards">
        <BrandMark />
        <span className="pb-topbar__brand-name">Pulseboard</span>
      </a>
      {title ? (
        <>
          <span className="pb-topbar__sep" aria-hidden="true">
            /
          </span>
          <div className="pb-topbar__title">{title}</div>
        </>
      ) : null}
      <div className="pb-topbar__spacer" />
      {children}
      <SyncIndicator dashboardId={dashboardId} />
      <nav className="pb-topbar__menu">
        <NameButton />
        <ThemeToggle />
        <a className="pb-btn pb-btn--ghost pb-btn--sm" href="#/gallery" data-testid="gallery-link">
          Gallery
        </a>
        <button className="pb-btn pb-btn--ghost pb-btn--sm" type="button" onClick={() => setToken(null)} data-testid="sign-out" title="Forget the access token on this device">
          Sign out
        </button>
      </nav>
    </header>
  );
}
