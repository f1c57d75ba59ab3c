/**
 * Client cache hit rate under reloads (issue 15): a server with the live demo feed and N
 * "tabs" (Node clients over `ws`), each opening the demo dashboard and its widgets' streams
 * and reloading (close, then a new client on the same persisted store) every few seconds.
 * Prints the clients' cache hit rate (performance monitor: replays and 304s vs snapshots
 * and 200s) and the server's `/api/cache/status` hitRate.
 *
 *   npx tsx bench/client-cache.ts                      20 tabs, 60 s, reload every 3 s
 *   npx tsx bench/client-cache.ts --tabs=20 --seconds=60 --reload-ms=3000 --cold
 *
 * `--cold` gives every reload an empty store (what a reload was before persisted snapshots).
 */
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { createPulseboardClient, MemoryOfflineStore, type OfflineStore, type WebSocketConstructor } from '@pulseboard/client';
import { startServer } from '@pulseboard/server';

const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const DEMO_ID = 'demo';

const { values } = parseArgs({
  options: { tabs: { type: 'string', default: '20' }, seconds: { type: 'string', default: '60' }, 'reload-ms': { type: 'string', default: '3000' }, cold: { type: 'boolean', default: false } },
});
const tabs = Number(values.tabs);
const durationMs = Number(values.seconds) * 1000;
const reloadMs = Number(values['reload-ms']);

const server = await startServer({ port: 0, host: '127.0.0.1', storageKind: 'memory', adminToken: ADMIN_TOKEN, demo: true, print: () => {}, logError: () => {} });
const totals = { hits: 0, misses: 0, reloads: 0, firstPaintWarm: 0 };

/** Opens the demo board and its streams once, holds them for `holdMs`, then closes ("reload"). */
async function openTab(store: OfflineStore, storeKey: string, holdMs: number): Promise<void> {
  const client = createPulseboardClient({ url: server.url, token: ADMIN_TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor, store, storeKey });
  await client.ready;
  const board = client.dashboard(DEMO_ID);
  if (board.getSnapshot().loaded) totals.firstPaintWarm++;
  const streams = new Map<string, ReturnType<typeof client.stream>>();
  const holdStreams = () => {
    for (const widget of Object.values(board.getSnapshot().confirmed?.widgets ?? {})) {
      if (widget.stream && !streams.has(widget.stream)) streams.set(widget.stream, client.stream(widget.stream));
    }
  };
  holdStreams();
  const off = board.subscribe(holdStreams);
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  off();
  for (const s of streams.values()) s.release();
  board.release();
  const { cacheHits, cacheMisses } = client.monitor.getSnapshot();
  totals.hits += cacheHits;
  totals.misses += cacheMisses;
  totals.reloads++;
  await client.close();
}

async function runTab(index: number, until: number): Promise<void> {
  const store = new MemoryOfflineStore();
  // Spread reloads so the tabs do not all reload in the same instant.
  await new Promise((resolve) => setTimeout(resolve, (reloadMs * index) / tabs));
  while (Date.now() < until) await openTab(values.cold ? new MemoryOfflineStore() : store, `tab-${index}`, reloadMs);
}

const started = Date.now();
await Promise.all(Array.from({ length: tabs }, (_, i) => runTab(i, started + durationMs)));
const response = await fetch(`${server.url}/api/cache/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
const status = (await response.json()) as { hitRate: number; hits: number; misses: number; replayHits: number; replayMisses: number };
await server.close();
const rate = totals.hits / Math.max(1, totals.hits + totals.misses);
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      mode: values.cold ? 'cold (empty store per reload)' : 'warm (persisted store)',
      tabs,
      seconds: durationMs / 1000,
      reloadMs,
      reloads: totals.reloads,
      firstPaintFromPersisted: totals.firstPaintWarm,
      client: { hits: totals.hits, misses: totals.misses, hitRate: Number(rate.toFixed(3)) },
      server: status,
    },
    null,
    2,
  ),
);
