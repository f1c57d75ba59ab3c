import { useEffect, useMemo } from 'react';
import { CloseCode } from '@pulseboard/protocol';
import { IndexedDbOfflineStore, type PulseboardClient, type PulseboardClientOptions } from '@pulseboard/client';
import { PulseboardProvider, usePulseboardClient, useWebSocket } from '@pulseboard/react';
import type { ApiOptions } from './api';
import { useToken } from './auth';
import { DashboardList } from './DashboardList';
import { DashboardPage } from './DashboardPage';
import { loadDisplayName } from './display-name';
import { GalleryPage } from './GalleryPage';
import { LoginForm } from './LoginForm';
import { OfflineBanner } from './OfflineBanner';
import { SourcesPage } from './SourcesPage';
import { useRoute } from './routing';
import { TopBar } from './TopBar';

/** Options of the one client: the offline queue in IndexedDB, so edits survive a closed tab. */
function clientOptions(): Omit<PulseboardClientOptions, 'url' | 'token'> {
  const store = typeof indexedDB === 'undefined' ? undefined : new IndexedDbOfflineStore();
  return { name: loadDisplayName(), ...(store ? { store } : {}) };
}

/** The whole app: sign-in, then one client for every page. */
export function App() {
  const token = useToken();
  const route = useRoute();
  const options = useMemo(clientOptions, []);
  if (route.name === 'gallery') return <GalleryPage />;
  if (!token) return <LoginForm />;
  return (
    <PulseboardProvider token={token} url={location.origin} options={options}>
      <Shell token={token} />
    </PulseboardProvider>
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

function Shell({ token }: { token: string }) {
  useExposeClient();
  const route = useRoute();
  const connection = useWebSocket();
  const api: ApiOptions = useMemo(() => ({ token }), [token]);
  const { lastError } = connection;
  if (connection.state === 'fatal' && (lastError?.closeCode === CloseCode.UNAUTHORIZED || lastError?.code === 'unauthorized')) {
    return <LoginForm error="The server refused this access token (unknown, expired or revoked). Paste another one." />;
  }
  return (
    <div className="pb-app">
      {route.name === 'dashboard' ? (
        <DashboardPage key={route.id} id={route.id} editing={route.edit} api={api} />
      ) : route.name === 'sources' ? (
        <SourcesPage api={api} />
      ) : (
        <>
          <TopBar />
          <OfflineBanner />
          {route.name === 'list' ? <DashboardList api={api} /> : <NotFound />}
        </>
      )}
    </div>
  );
}

function NotFound() {
  return (
    <main className="pb-state" data-testid="not-found">
      <span className="pb-state__title">Page not found</span>
      <a className="pb-btn" href="#/">
        All dashboards
      </a>
    </main>
  );
}
