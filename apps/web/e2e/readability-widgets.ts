/**
 * A dashboard with every widget type in the states a wallboard shows (live, stale, a
 * threshold colour, every status level), for the accessibility and wallboard suites.
 */
import type { PulseboardProcess, SeedWidget } from './harness';

/** The widgets, on a 12-column grid four rows deep. */
export const WALL_WIDGETS: SeedWidget[] = [
  { id: 'cpu', type: 'stat', title: 'CPU', stream: 'wall.cpu', layout: { x: 0, y: 0, w: 3, h: 2 }, options: { unit: '%', thresholds: [{ value: 0, color: 'ok' }, { value: 90, color: 'critical' }] } },
  { id: 'old', type: 'stat', title: 'Backlog (stale)', stream: 'wall.old', layout: { x: 3, y: 0, w: 3, h: 2 }, options: { staleAfterMs: 60_000 } },
  { id: 'api', type: 'status', title: 'API', stream: 'wall.api', layout: { x: 6, y: 0, w: 2, h: 2 } },
  { id: 'db', type: 'status', title: 'Database', stream: 'wall.db', layout: { x: 8, y: 0, w: 2, h: 2 } },
  { id: 'queue', type: 'status', title: 'Queue', stream: 'wall.queue', layout: { x: 10, y: 0, w: 2, h: 2 } },
  { id: 'load', type: 'line', title: 'Load', stream: 'wall.load', layout: { x: 0, y: 2, w: 6, h: 2 } },
  { id: 'mem', type: 'gauge', title: 'Memory', stream: 'wall.mem', layout: { x: 6, y: 2, w: 2, h: 2 }, options: { min: 0, max: 100, unit: '%' } },
  { id: 'regions', type: 'table', title: 'Regions', stream: 'wall.regions', layout: { x: 8, y: 2, w: 2, h: 2 } },
  { id: 'notes', type: 'text', title: 'Notes', layout: { x: 10, y: 2, w: 2, h: 2 }, options: { text: '## On call\nAda, **ext. 42**' } },
];

/** The newest load point pushed so far (each feed continues the series, in time order). */
let lastLoadTs = 0;

/**
 * Pushes a value to every stream (an old point for the stale widget; for the line chart, points
 * every 5 s up to now): call it again before a check that needs the widgets live.
 */
export async function feedWallWidgets(server: PulseboardProcess, step = 0): Promise<void> {
  const now = Date.now();
  const loadTs: number[] = [];
  for (let ts = Math.max(now - 55_000, lastLoadTs + 5_000); ts <= now; ts += 5_000) loadTs.push(ts);
  if (loadTs.length === 0) loadTs.push(now);
  lastLoadTs = loadTs[loadTs.length - 1]!;
  await server.api('POST', '/api/streams', {
    streams: {
      'wall.cpu': 40 + step,
      'wall.old': { points: [{ ts: now - 3_600_000, value: 17 }] },
      'wall.api': { status: 'ok', message: 'all green' },
      'wall.db': { status: 'degraded', message: 'replica lag' },
      'wall.queue': { status: 'down' },
      'wall.load': { points: loadTs.map((ts, i) => ({ ts, value: 1 + ((i * 7 + step) % 5) / 2 })) },
      'wall.mem': 63 + step,
      'wall.regions': { eu: 12, us: 30, ap: 7 },
    },
  });
}
