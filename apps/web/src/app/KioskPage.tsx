import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { layoutsFor, type Dashboard } from '@pulseboard/model';
import { useDashboard, usePulseboardClient } from '@pulseboard/react';
import { fitToScreen } from './fit-to-screen';
import { GRID_MARGIN_PX, gridItems } from './grid-layout';
import { KioskStatusDot } from './KioskStatusDot';
import { StaticGrid } from './StaticGrid';
import { useIdleCursor } from './useIdleCursor';
import { usePlaylists } from './usePlaylists';
import { useWakeLock } from './useWakeLock';
import { WidgetCell } from './WidgetCell';

/** How long the cursor may rest before the wallboard hides it. */
export const KIOSK_CURSOR_IDLE_MS = 3_000;

const noop = () => {};

function subscribeResize(onChange: () => void): () => void {
  window.addEventListener('resize', onChange);
  return () => window.removeEventListener('resize', onChange);
}
const viewportKey = () => `${window.innerWidth}x${window.innerHeight}`;

/** The viewport size; re-renders on resize (a TV rotated, a window snapped). */
function useViewport(): { width: number; height: number } {
  const key = useSyncExternalStore(subscribeResize, viewportKey, () => '1920x1080');
  return useMemo(() => {
    const [width, height] = key.split('x').map(Number);
    return { width: width ?? 1920, height: height ?? 1080 };
  }, [key]);
}

/**
 * Holds every dashboard of a playlist for as long as the wallboard runs: each stays
 * subscribed and current, so switching to the next one shows it at once, never a spinner.
 */
function useHeldDashboards(ids: readonly string[]): void {
  const client = usePulseboardClient();
  const key = ids.join(',');
  useEffect(() => {
    const handles = key.split(',').map((id) => client.dashboard(id));
    return () => handles.forEach((h) => h.release());
  }, [client, key]);
}

/**
 * The wallboard (`#/d/:id?kiosk`, playlists `?kiosk&cycle=a,b&every=30s`): no top bar or
 * controls, only a small connection dot; the grid fits the screen; the cursor hides when
 * idle and the screen is kept awake. It needs no reload: the client reconnects through
 * server restarts and network loss by itself, and each dashboard catches up by offset.
 */
export function KioskPage({ ids, everyMs, playlist }: { ids: string[]; everyMs: number; playlist?: string | undefined }) {
  return playlist === undefined ? <KioskCycle ids={ids} everyMs={everyMs} /> : <SavedPlaylist name={playlist} />;
}

/** A saved playlist: follows its edits live (another dashboard added, a new interval). */
function SavedPlaylist({ name }: { name: string }) {
  const playlists = usePlaylists();
  const found = playlists?.find((p) => p.name === name);
  useIdleCursor(KIOSK_CURSOR_IDLE_MS);
  if (found) return <KioskCycle key={found.ids.join(',')} ids={found.ids} everyMs={found.everyMs} />;
  return (
    <main className="pb-kiosk" data-testid="kiosk" data-kiosk-id="">
      <div className="pb-state" data-testid={playlists ? 'playlist-missing' : 'dashboard-loading'}>
        <h1 className="pb-state__title">{playlists ? `No playlist named “${name}”` : 'Loading playlist…'}</h1>
      </div>
    </main>
  );
}

function KioskCycle({ ids, everyMs }: { ids: string[]; everyMs: number }) {
  const [index, setIndex] = useState(0);
  useHeldDashboards(ids);
  useIdleCursor(KIOSK_CURSOR_IDLE_MS);
  useWakeLock();
  const count = ids.length;
  useEffect(() => {
    if (count < 2) return;
    const timer = setTimeout(() => setIndex((i) => (i + 1) % count), everyMs);
    return () => clearTimeout(timer);
  }, [index, count, everyMs]);
  const id = ids[index % count] ?? ids[0]!;
  return (
    <main className="pb-kiosk" data-testid="kiosk" data-kiosk-id={id} data-kiosk-index={index % count}>
      <KioskDashboard key={id} id={id} />
      <KioskStatusDot dashboardId={id} position={count > 1 ? `${(index % count) + 1} of ${count}` : null} />
    </main>
  );
}

/** A wallboard renders every widget: their streams are asked for as soon as the document is known. */
const WITH_STREAMS = { streams: true } as const;

function KioskDashboard({ id }: { id: string }) {
  const snapshot = useDashboard(id, WITH_STREAMS);
  const dashboard = snapshot.view;
  const title = dashboard?.title;
  useEffect(() => {
    document.title = title ? `${title} · Pulseboard` : 'Pulseboard';
  }, [title]);
  if (snapshot.error) {
    return (
      <div className="pb-state" role="alert" data-testid="dashboard-error" data-code={snapshot.error.code}>
        <h1 className="pb-state__title">{snapshot.error.code === 'deleted' ? 'This dashboard was deleted' : 'Cannot show this dashboard'}</h1>
        <span>{snapshot.error.message}</span>
      </div>
    );
  }
  if (!dashboard) {
    return (
      <div className="pb-state" data-testid="dashboard-loading">
        <span className="pb-spinner" aria-hidden="true" />
        <h1 className="pb-state__title">Loading dashboard…</h1>
      </div>
    );
  }
  return <KioskGrid dashboard={dashboard} />;
}

function KioskGrid({ dashboard }: { dashboard: Dashboard }) {
  const viewport = useViewport();
  // A wallboard shows the full-width (lg) layout, scaled to fit the screen.
  const layout = useMemo(() => gridItems(layoutsFor(dashboard, 'lg')), [dashboard]);
  const rows = layout.reduce((max, item) => Math.max(max, item.y + item.h), 1);
  const fit = fitToScreen(rows, viewport, GRID_MARGIN_PX);
  return (
    <>
      <h1 className="pb-visually-hidden" data-testid="dashboard-title">
        {dashboard.title}
      </h1>
      <div
        className="pb-kiosk__canvas"
        data-testid="kiosk-canvas"
        data-scale={fit.scale.toFixed(3)}
        style={{ width: fit.canvasWidth, height: fit.canvasHeight, transform: `scale(${fit.scale})` }}
      >
        <div className="pb-grid" data-testid="dashboard-grid" data-editing="false">
          <StaticGrid
            layout={layout}
            geometry={{ cols: dashboard.columns, width: fit.gridWidth, rowHeight: fit.rowHeight, margin: GRID_MARGIN_PX }}
            renderItem={({ i: wid }, place) => {
              const widget = dashboard.widgets[wid]!;
              return (
                <div className="pb-grid__item" style={place} data-testid={`widget-${wid}`} data-title={widget.title} data-type={widget.type}>
                  <WidgetCell widget={widget} pending={false} editing={false} selected={false} remote={undefined} onSelect={noop} />
                </div>
              );
            }}
          />
        </div>
      </div>
    </>
  );
}
