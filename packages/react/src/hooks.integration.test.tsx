// @vitest-environment jsdom
import { StrictMode, type ReactNode } from 'react';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PulseboardClient } from '@pulseboard/client';
import {
  PulseboardProvider,
  useBackgroundSync,
  useDashboard,
  usePerformance,
  usePulseboardClient,
  useRealtimeUpdates,
  useSyncStatus,
  useWebSocket,
  useWidgetData,
} from './index';
import { ADMIN_TOKEN, startTestServer, testClient, type TestServer } from '@pulseboard/testing';
import { countingClient } from './testing/counting-client';

const WAIT = { timeout: 10_000 };

let server: TestServer;
const clients: PulseboardClient[] = [];

function newClient(name?: string): PulseboardClient {
  const client = testClient(server.url, { name: name ?? 'Tester' });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  cleanup();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await server?.close();
});

let boardSeq = 0;
async function createBoard(widgets: Record<string, unknown> = {}): Promise<string> {
  const id = `board-${++boardSeq}`;
  await server.api('POST', '/api/dashboards', { id, title: `Board ${boardSeq}`, widgets });
  return id;
}

const statWidget = (id: string, stream: string, x = 0) => ({ id, type: 'stat', title: `Stat ${id}`, layout: { x, y: 0, w: 3, h: 2 }, stream, options: {} });

function Connection() {
  const ws = useWebSocket();
  return <span data-testid="state">{ws.state}</span>;
}

function Board({ id }: { id: string }) {
  const rt = useRealtimeUpdates(id);
  const widgets = rt.dashboard ? Object.values(rt.dashboard.widgets) : [];
  return (
    <div>
      <span data-testid="loaded">{String(rt.snapshot.loaded)}</span>
      <span data-testid="title">{rt.dashboard?.title ?? ''}</span>
      <span data-testid="pending">{rt.pendingCount}</span>
      <span data-testid="widgets">{widgets.map((w) => `${w.id}@${w.layout.x},${w.layout.y}`).join(' ')}</span>
      <span data-testid="pending-widgets">{[...rt.pendingWidgetIds].join(' ')}</span>
      <button onClick={() => rt.addWidget({ id: 'added', type: 'stat', title: 'Added', layout: { w: 2, h: 2 }, options: {} })}>add</button>
      <button onClick={() => rt.moveWidget('a', 6, 0)}>move</button>
    </div>
  );
}

function StreamValue({ stream }: { stream: string }) {
  const data = useWidgetData(stream);
  return <span data-testid={`value-${stream}`}>{data.latest === null ? '' : JSON.stringify(data.latest)}</span>;
}

function Everything({ id, stream }: { id: string; stream: string }) {
  const dashboard = useDashboard(id);
  const status = useSyncStatus(id);
  const global = useSyncStatus();
  const sync = useBackgroundSync();
  const perf = usePerformance();
  return (
    <>
      <Connection />
      <Board id={id} />
      <StreamValue stream={stream} />
      <span data-testid="status">{`${status.connection} ${status.pendingCount} ${global.queueLength} ${sync.queueLength} ${perf.eventsApplied >= 0} ${dashboard.loaded}`}</span>
    </>
  );
}

function withClient(client: PulseboardClient, children: ReactNode) {
  return <PulseboardProvider client={client}>{children}</PulseboardProvider>;
}

describe('PulseboardProvider', () => {
  it('creates one client from url and token, shares it with every hook, and closes it on unmount', async () => {
    let seen: PulseboardClient | null = null;
    function Capture() {
      seen = usePulseboardClient();
      return <Connection />;
    }
    const { unmount } = render(
      <PulseboardProvider url={server.url} token={ADMIN_TOKEN} options={{ WebSocket: (await import('ws')).WebSocket as never, name: 'Provider' }}>
        <Capture />
      </PulseboardProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('open'), WAIT);
    const client = seen as PulseboardClient | null;
    expect(client).not.toBeNull();
    unmount();
    await waitFor(() => expect(client!.connection.getSnapshot().state).toBe('closed'), WAIT);
  });

  it('uses a given client as is and leaves it open on unmount', async () => {
    const client = newClient();
    const { unmount } = render(withClient(client, <Connection />));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('open'), WAIT);
    unmount();
    expect(client.connection.getSnapshot().state).toBe('open');
  });
});

describe('useRealtimeUpdates', () => {
  it('shows an edit at once, counts it as pending until the server confirms it, and another client sees it', async () => {
    const id = await createBoard({ a: statWidget('a', 'cpu') });
    const mine = newClient('Mine');
    const theirs = newClient('Theirs');
    const view = within(render(withClient(mine, <Board id={id} />)).container);
    await waitFor(() => expect(view.getByTestId('loaded').textContent).toBe('true'), WAIT);
    expect(view.getByTestId('widgets').textContent).toBe('a@0,0');

    const other = within(render(withClient(theirs, <Board id={id} />)).container);
    await waitFor(() => expect(other.getByTestId('loaded').textContent).toBe('true'), WAIT);

    act(() => view.getByText('move').click());
    // Optimistic: visible in the same render, before any server round trip.
    expect(view.getByTestId('widgets').textContent).toBe('a@6,0');
    expect(view.getByTestId('pending-widgets').textContent).toBe('a');
    expect(Number(view.getByTestId('pending').textContent)).toBeGreaterThan(0);

    await waitFor(() => expect(view.getByTestId('pending').textContent).toBe('0'), WAIT);
    await waitFor(() => expect(other.getByTestId('widgets').textContent).toBe('a@6,0'), WAIT);
  });

  it('adds a widget optimistically and keeps it once confirmed', async () => {
    const id = await createBoard();
    const client = newClient();
    const view = render(withClient(client, <Board id={id} />));
    await waitFor(() => expect(view.getByTestId('loaded').textContent).toBe('true'), WAIT);
    act(() => view.getByText('add').click());
    expect(view.getByTestId('widgets').textContent).toBe('added@0,0');
    await waitFor(() => expect(view.getByTestId('pending').textContent).toBe('0'), WAIT);
    const doc = await server.api<{ widgets: Record<string, unknown> }>('GET', `/api/dashboards/${id}`);
    expect(Object.keys(doc.widgets)).toEqual(['added']);
  });
});

describe('useWidgetData', () => {
  it('shows a value pushed over HTTP', async () => {
    const client = newClient();
    const view = render(withClient(client, <StreamValue stream="test.pushed" />));
    await server.api('POST', '/api/streams/test.pushed', 42);
    await waitFor(() => expect(view.getByTestId('value-test.pushed').textContent).toBe('42'), WAIT);
    await server.api('POST', '/api/streams/test.pushed', 43);
    await waitFor(() => expect(view.getByTestId('value-test.pushed').textContent).toBe('43'), WAIT);
  });

  it('subscribes to nothing without a stream', () => {
    const { client, counts } = countingClient(newClient());
    function NoStream() {
      const data = useWidgetData(undefined);
      return <span>{String(data.latest)}</span>;
    }
    render(withClient(client, <NoStream />));
    expect(counts.acquired).toBe(0);
  });
});

describe('useBackgroundSync and useSyncStatus', () => {
  it('refreshNow resolves and the status reads live with nothing pending', async () => {
    const id = await createBoard();
    const client = newClient();
    let refresh: (() => Promise<void>) | null = null;
    function Sync() {
      const sync = useBackgroundSync();
      const status = useSyncStatus(id);
      refresh = sync.refreshNow;
      return <span data-testid="sync">{`${status.live} ${status.pendingCount} ${sync.queueLength}`}</span>;
    }
    const view = render(withClient(client, <Sync />));
    await waitFor(() => expect(view.getByTestId('sync').textContent).toBe('true 0 0'), WAIT);
    await act(async () => {
      await refresh!();
    });
    expect(client.sync.getSnapshot().refreshing).toBe(false);
  });
});

describe('unmounting', () => {
  for (const strict of [false, true]) {
    it(`releases every handle and listener it took${strict ? ' (StrictMode)' : ''}`, async () => {
      const id = await createBoard({ a: statWidget('a', 'leak.cpu') });
      const { client, counts } = countingClient(newClient());
      const tree = withClient(client, <Everything id={id} stream="leak.cpu" />);
      const view = render(strict ? <StrictMode>{tree}</StrictMode> : tree);
      await waitFor(() => expect(view.getByTestId('loaded').textContent).toBe('true'), WAIT);
      await waitFor(() => expect(view.getByTestId('state').textContent).toBe('open'), WAIT);
      expect(counts.handles).toBeGreaterThan(0);
      expect(counts.listeners).toBeGreaterThan(0);

      view.unmount();
      expect(counts).toMatchObject({ handles: 0, listeners: 0 });
    });
  }
});
