// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PulseboardClient } from '@pulseboard/client';
import { PulseboardProvider } from '@pulseboard/react';
import { startTestServer, testClient, type TestServer } from '@pulseboard/testing';
import { OfflineBanner } from './OfflineBanner';
import { SyncIndicator } from './SyncIndicator';

const WAIT = { timeout: 15_000 };

let server: TestServer;
let client: PulseboardClient;

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  cleanup();
  await client?.close();
});

afterAll(async () => {
  await server?.close();
});

function newClient(): PulseboardClient {
  client = testClient(server.url, { config: { reconnectMinDelayMs: 50, reconnectMaxDelayMs: 200 } });
  return client;
}

describe('sync indicator and offline banner', () => {
  it('read live when connected, show the banner while the server is gone, and recover without a reload', async () => {
    render(
      <PulseboardProvider client={newClient()}>
        <SyncIndicator />
        <OfflineBanner />
      </PulseboardProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('sync-indicator').dataset.state).toBe('open'), WAIT);
    expect(screen.getByTestId('sync-state-label').textContent).toBe('Live');
    expect(screen.getByTestId('sync-pending').dataset.count).toBe('0');
    expect(screen.queryByTestId('offline-banner')).toBeNull();
    // The live region says the state only: latency and "synced … ago" change every few seconds.
    const live = screen.getAllByRole('status');
    expect(live.map((el) => el.dataset.testid)).toEqual(['sync-indicator']);
    expect(live[0]!.contains(screen.getByTestId('sync-latency'))).toBe(false);
    expect(live[0]!.contains(screen.getByTestId('sync-last-synced'))).toBe(false);
    // The clock time of the last sync is formatted when someone points at it (a page's first date format is slow).
    const lastSynced = screen.getByTestId('sync-last-synced');
    expect(lastSynced.title).toBe('Last synced');
    fireEvent.pointerEnter(lastSynced);
    expect(lastSynced.title).toBe(`Last synced ${new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(Number(lastSynced.dataset.ts))}`);

    const port = server.port;
    await server.close();
    await waitFor(() => expect(screen.queryByTestId('offline-banner')).not.toBeNull(), WAIT);
    expect(screen.getByTestId('sync-indicator').dataset.state).not.toBe('open');
    expect(screen.getByTestId('offline-banner').textContent).toContain('Edits are saved on this device');

    server = await startTestServer({ port });
    await waitFor(() => expect(screen.getByTestId('sync-indicator').dataset.state).toBe('open'), WAIT);
    await waitFor(() => expect(screen.queryByTestId('offline-banner')).toBeNull(), WAIT);
  });
});
