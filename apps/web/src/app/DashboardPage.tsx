import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Widget } from '@pulseboard/model';
import { usePulseboardClient, useRealtimeUpdates } from '@pulseboard/react';
import type { WidgetTypeInfo } from '../widgets/widget-types';
import { DashboardFileActions } from './DashboardFileActions';
import { DashboardGrid } from './DashboardGrid';
import { DashboardTitle } from './DashboardTitle';
import { useAccess } from './identity-context';
import { AccessBadge } from './IdentityMenu';
import { KioskButton } from './KioskButton';
import { AddWidgetPicker, EditControls, HistoryPanel, ShareButton, UndoRefusedToast, UndoToast, WidgetEditor } from './lazy-parts';
import { LoadBoundary } from './LoadBoundary';
import { visibleNotices } from './notice-filter';
import { Notices } from './Notices';
import { OfflineBanner } from './OfflineBanner';
import { PresenceAvatars } from './PresenceAvatars';
import { plural } from './format';
import { useOnline } from './useOnline';
import { navigate } from './routing';
import { TopBar } from './TopBar';
import { useUndoRedo } from './useUndoRedo';

/** A new widget id: short, URL-safe and unique enough to be chosen by the client (optimistic). */
export function newWidgetId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `w${Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('').slice(0, 10)}`;
}

/** The page renders every widget: their streams are asked for as soon as the document is known, not after the render. */
const WITH_STREAMS = { streams: true } as const;

/** One dashboard, live: the grid, the sync status, notices, and edit mode with its panel. */
export function DashboardPage({ id, editing: editRequested }: { id: string; editing: boolean }) {
  const rt = useRealtimeUpdates(id, WITH_STREAMS);
  const access = useAccess(id);
  // Edit mode only for an identity that may edit: a viewer never sees a control it cannot use.
  const canEdit = access.level === 'edit';
  const editing = editRequested && canEdit;
  const online = useOnline();
  const { dashboard, snapshot } = rt;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [deleted, setDeleted] = useState<Widget | null>(null);
  const closeUndo = useCallback(() => setDeleted(null), []);
  const selected = editing && selectedId && dashboard ? dashboard.widgets[selectedId] : undefined;
  const title = dashboard?.title;
  useEffect(() => {
    document.title = title ? `${title} · Pulseboard` : 'Pulseboard';
    return () => {
      document.title = 'Pulseboard';
    };
  }, [title]);

  const setEditing = (on: boolean) => {
    if (!on) setSelectedId(null);
    navigate({ name: 'dashboard', id, edit: on }, { replace: true });
  };
  const closePanel = useCallback(() => setSelectedId(null), []);
  const { setPresence } = rt;
  const announcedSelection = editing ? selectedId : null;
  useEffect(() => setPresence({ editing, selectedId: announcedSelection }), [setPresence, editing, announcedSelection]);
  const closePicker = useCallback(() => setPicking(false), []);
  const client = usePulseboardClient();
  const clientId = client.clientId;
  const history = useUndoRedo(rt, dashboard, clientId, id, editing, canEdit);
  const edits = history.actions;
  const { addWidget } = edits;
  const onPick = (info: WidgetTypeInfo) => {
    const widgetId = newWidgetId();
    addWidget({ id: widgetId, type: info.type, title: info.label, layout: info.defaultSize, options: { ...info.defaultOptions } });
    setPicking(false);
    setSelectedId(widgetId);
  };
  const errorCode = snapshot.error?.code;
  // The error page already says the dashboard is gone; a toast saying it again is noise.
  const notices = useMemo(
    () => visibleNotices(snapshot.notices, clientId).filter((n) => !(n.kind === 'deleted' && errorCode === 'deleted')),
    [snapshot.notices, clientId, errorCode],
  );

  return (
    <>
      <TopBar title={<DashboardTitle snapshot={snapshot} editing={editing} setMeta={edits.setMeta} />} dashboardId={id}>
        <AccessBadge level={access.level} />
        <PresenceAvatars presence={snapshot.presence} selfClientId={clientId} />
        {dashboard ? (
          <div className="pb-btn-group">
            <KioskButton id={id} />
            {/* Editors' controls come with the editor's chunk (preloaded for them, never fetched by a viewer). */}
            {canEdit ? (
              <LoadBoundary fallback={null} failed={null}>
                <ShareButton dashboardId={id} title={dashboard.title} />
              </LoadBoundary>
            ) : null}
            {editing ? (
              <LoadBoundary fallback={null}>
                <EditControls
                  history={history}
                  columns={dashboard.columns}
                  onColumnsChange={(columns) => edits.setMeta({ columns }, snapshot.confirmed ? { expect: { columns: snapshot.confirmed.columns } } : {})}
                  onAddWidget={() => setPicking(true)}
                />
              </LoadBoundary>
            ) : null}
            <DashboardFileActions api={client} id={id} canDuplicate={access.createDashboards} historyOpen={historyOpen} onToggleHistory={() => setHistoryOpen((open) => !open)} />
            {canEdit ? (
              <button
                className={`pb-btn pb-btn--sm ${editing ? 'pb-btn--primary' : ''}`}
                type="button"
                aria-pressed={editing}
                onClick={() => setEditing(!editing)}
                data-testid="edit-toggle"
              >
                {editing ? 'Done editing' : 'Edit'}
              </button>
            ) : null}
          </div>
        ) : null}
      </TopBar>
      <OfflineBanner />
      <main className={`pb-page pb-dashboard ${selected || historyOpen ? 'pb-dashboard--with-panel' : ''}`} data-testid="dashboard" data-dashboard-id={id} data-version={dashboard?.version ?? ''}>
        {snapshot.error ? (
          <DashboardError code={snapshot.error.code} message={snapshot.error.message} />
        ) : !dashboard ? (
          <div className="pb-state" data-testid="dashboard-loading">
            <span className="pb-spinner" aria-hidden="true" />
            {online ? (
              'Loading dashboard…'
            ) : (
              <>
                <span className="pb-state__title">Waiting for the network</span>
                <span>
                  This dashboard loads as soon as you are back online.
                  {rt.pendingCount > 0 ? ` Your ${plural(rt.pendingCount, 'edit')} to it ${rt.pendingCount === 1 ? 'is' : 'are'} kept on this device meanwhile.` : ''}
                </span>
              </>
            )}
          </div>
        ) : Object.keys(dashboard.widgets).length === 0 ? (
          <EmptyDashboard editing={editing} canEdit={canEdit} onAdd={() => (editing ? setPicking(true) : setEditing(true))} />
        ) : (
          <DashboardGrid
            dashboard={dashboard}
            mayEdit={canEdit}
            editing={editing}
            pendingWidgetIds={rt.pendingWidgetIds}
            presence={snapshot.presence}
            selectedId={selectedId}
            onSelect={setSelectedId}
            actions={edits}
          />
        )}
      </main>
      {historyOpen && dashboard && !selected ? (
        <LoadBoundary fallback={<PanelLoading />}>
          <HistoryPanel api={client} dashboard={dashboard} canRestore={editing} onClose={() => setHistoryOpen(false)} />
        </LoadBoundary>
      ) : null}
      {selected ? (
        <LoadBoundary fallback={<PanelLoading />}>
          <WidgetEditor key={selected.id} widget={selected} confirmed={snapshot.confirmed} actions={edits} onClose={closePanel} onDeleted={setDeleted} />
        </LoadBoundary>
      ) : null}
      {picking ? (
        <LoadBoundary fallback={null}>
          <AddWidgetPicker onPick={onPick} onClose={closePicker} />
        </LoadBoundary>
      ) : null}
      <Notices notices={notices} dashboard={dashboard} actions={edits}>
        {deleted ? (
          <LoadBoundary fallback={null}>
            <UndoToast
              key={deleted.id}
              title={deleted.title}
              onClose={closeUndo}
              onUndo={() => {
                // The deletion is normally the newest step on this person's undo stack: the widget comes back with its id.
                if (history.undoLabel?.startsWith('removed ')) history.undo();
                setDeleted(null);
              }}
            />
          </LoadBoundary>
        ) : null}
        {history.refusal ? (
          <LoadBoundary fallback={null}>
            <UndoRefusedToast message={history.refusal} onClose={history.dismissRefusal} />
          </LoadBoundary>
        ) : null}
      </Notices>
    </>
  );
}

/** The docked side panel's place while its chunk loads: the grid has already made room for it. */
function PanelLoading() {
  return <aside className="pb-panel pb-panel--docked" aria-busy="true" aria-label="Loading" />;
}

function EmptyDashboard({ editing, canEdit, onAdd }: { editing: boolean; canEdit: boolean; onAdd: () => void }) {
  return (
    <div className="pb-state" data-testid="dashboard-empty">
      <h2 className="pb-state__title">This dashboard has no widgets yet</h2>
      {canEdit ? (
        <>
          <span>Add a stat, chart, gauge, table, text or status widget and point it at a stream.</span>
          <button className="pb-btn pb-btn--primary" type="button" onClick={onAdd} data-testid="empty-add-widget">
            {editing ? '+ Add widget' : 'Start editing'}
          </button>
        </>
      ) : (
        <span>Widgets appear here as soon as an editor adds them.</span>
      )}
    </div>
  );
}

function DashboardError({ code, message }: { code: string; message: string }) {
  const title = code === 'not_found' ? 'Dashboard not found' : code === 'deleted' ? 'This dashboard was deleted' : code === 'forbidden' ? 'No access to this dashboard' : 'Cannot open this dashboard';
  return (
    <div className="pb-state" role="alert" data-testid="dashboard-error" data-code={code}>
      <h2 className="pb-state__title">{title}</h2>
      <span>{message}</span>
      <a className="pb-btn" href="#/">
        All dashboards
      </a>
    </div>
  );
}
