import { useEffect, useMemo } from 'react';
import type { PulseboardClient } from '@pulseboard/client';
import { PulseboardClientProvider, usePulseboardClient } from '@pulseboard/react';
import { clientFor } from './app-client';
import { DashboardPage } from './DashboardPage';
import { GalleryPage } from './GalleryPage';
import { IdentityContext } from './identity-context';
import { identityFor, useKeyring, type Identity } from './keyring';
import { KioskPage } from './KioskPage';
import { DashboardList, LoginForm, RevokedScreen, SourcesPage } from './lazy-parts';
import { LoadBoundary } from './LoadBoundary';
import { OfflineBanner } from './OfflineBanner';
import { routeDashboard, useRoute } from './routing';
import { TopBar } from './TopBar';
import { useResolveIdentities } from './useResolveIdentities';
import { useTokenEndWatch } from './useTokenEndWatch';

/** The whole app: the keyring's identity for where the page is, then one client for it. */
export function App() {
  const keyring = useKeyring();
  const route = useRoute();
  useResolveIdentities(keyring);
  const identity = identityFor(keyring, routeDashboard(route));
  const { token = '', storeKey = '', clientId } = identity ?? {};
  // One client (and one offline store) per identity: made again only when these change (the first is the boot client, app-client.ts).
  const create = useMemo(() => () => clientFor({ token, storeKey, ...(clientId ? { clientId } : {}) }, location.origin), [token, storeKey, clientId]);
  if (route.name === 'gallery') return <GalleryPage />;
  if (!identity) {
    return (
      <LoadBoundary fallback={null}>
        <LoginForm />
      </LoadBoundary>
    );
  }
  if (identity.ended) {
    return (
      <LoadBoundary fallback={null}>
        <RevokedScreen identity={identity} others={keyring.identities.filter((i) => i.id !== identity.id && !i.ended)} />
      </LoadBoundary>
    );
  }
  return (
    // One client per identity: switching identities closes one socket and opens another.
    <PulseboardClientProvider key={identity.id} create={create}>
      <IdentityContext.Provider value={identity}>
        <Shell identity={identity} />
      </IdentityContext.Provider>
    </PulseboardClientProvider>
  );
}

/** The page's client on `window.__pulseboard`, for debugging and the end-to-end tests. */
function useExposeClient(): void {
  const client = usePulseboardClient();
  useEffect(() => {
    const w = window as unknown as { __pulseboard?: { client: PulseboardClient } };
    w.__pulseboard = { client };
    return () => {
      if (w.__pulseboard?.client === client) delete w.__pulseboard;
    };
  }, [client]);
}

function Shell({ identity }: { identity: Identity }) {
  useExposeClient();
  useTokenEndWatch(identity.id);
  const route = useRoute();
  const page = useMemo(() => {
    switch (route.name) {
      case 'dashboard':
        return <DashboardPage key={route.id} id={route.id} editing={route.edit} />;
      case 'kiosk':
        return <KioskPage ids={route.ids} everyMs={route.everyMs} playlist={route.playlist} />;
      case 'sources':
        return (
          <LoadBoundary fallback={<><TopBar /><PageLoading /></>}>
            <SourcesPage />
          </LoadBoundary>
        );
      case 'list':
        return (
          <>
            <TopBar />
            <OfflineBanner />
            <LoadBoundary fallback={<PageLoading />}>
              <DashboardList />
            </LoadBoundary>
          </>
        );
      default:
        return (
          <>
            <TopBar />
            <NotFound />
          </>
        );
    }
  }, [route]);
  return <div className={`pb-app ${route.name === 'kiosk' ? 'pb-app--kiosk' : ''}`}>{page}</div>;
}

/** A route's place while its chunk loads. */
function PageLoading() {
  return (
    <main className="pb-state" data-testid="page-loading">
      <span className="pb-spinner" aria-hidden="true" />
    </main>
  );
}

function NotFound() {
  return (
    <main className="pb-state" data-testid="not-found">
      <h1 className="pb-state__title">Page not found</h1>
      <a className="pb-btn" href="#/">
        All dashboards
      </a>
    </main>
  );
}
