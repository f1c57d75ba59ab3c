import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { IdentityMenu } from './IdentityMenu';
import { BrandMark } from './BrandMark';
import { NameButton } from './NameButton';
import { SourcesLink } from './SourcesLink';
import { SyncIndicator } from './SyncIndicator';
import { ThemeToggle } from './ThemeToggle';

/** The sticky bar on every page: brand (home link), title, page actions, sync status, identity menu. */
export function TopBar({ title, dashboardId, children }: { title?: ReactNode; dashboardId?: string; children?: ReactNode }) {
  const ref = useRef<HTMLElement>(null);
  useHeightVariable(ref, '--pb-topbar-height');
  return (
    <header className="pb-topbar" data-testid="topbar" ref={ref}>
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
        <SourcesLink />
        <a className="pb-btn pb-btn--ghost pb-btn--sm" href="#/gallery" data-testid="gallery-link">
          Gallery
        </a>
        <IdentityMenu dashboardId={dashboardId} />
      </nav>
    </header>
  );
}

/**
 * Keeps a CSS variable on the root at the element's height: the bar wraps to two rows on
 * narrow screens, and the docked side panel must start below it, not under it.
 */
function useHeightVariable(ref: RefObject<HTMLElement | null>, name: string): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => root.style.setProperty(name, `${el.offsetHeight}px`));
    observer.observe(el);
    return () => {
      observer.disconnect();
      root.style.removeProperty(name);
    };
  }, [ref, name]);
}
