import { seededRandom, type PointValue } from '@pulseboard/model';
import type { SyncService } from '../sync-service.js';
import { DEMO_STREAMS } from './demo-dashboard.js';

/** How often the demo feed pushes a round of values. */
export const DEMO_INTERVAL_MS = 1000;

const PAGES = ['/', '/pricing', '/docs/getting-started', '/blog/realtime-dashboards', '/login', '/docs/api', '/changelog'];

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/**
 * Generates realistic-looking values: CPU as a random walk, traffic with a "daily" shape
 * compressed into ten minutes, latency that rises with traffic, occasional incidents that
 * flip the API status and raise errors, and a slowly reshuffling top-pages table.
 */
export class DemoDataGenerator {
  readonly #random: () => number;
  #cpu = 35;
  #incidentTicks = 0;
  #tick = 0;
  readonly #views = new Map<string, number>(PAGES.map((p, i) => [p, 4000 / (i + 1)]));

  constructor(seed = Date.now()) {
    this.#random = seededRandom(seed);
  }

  /** One round of values, keyed by stream. */
  next(now = Date.now()): Array<{ key: string; value: PointValue }> {
    const r = this.#random;
    this.#tick++;
    this.#cpu = clamp(this.#cpu + (r() - 0.5) * 8 + (40 - this.#cpu) * 0.05, 2, 99);
    // A "day" lasts ten minutes, so the shape is visible within a demo.
    const phase = ((now / 600_000) % 1) * 2 * Math.PI;
    const daily = 0.6 - 0.4 * Math.cos(phase);
    const requests = Math.max(0, 800 * daily + (r() - 0.5) * 120);
    if (this.#incidentTicks > 0) this.#incidentTicks--;
    else if (r() < 0.01) this.#incidentTicks = 10 + Math.floor(r() * 20);
    const incident = this.#incidentTicks > 0;
    const latency = clamp(60 + requests * 0.12 + (incident ? 220 : 0) + (r() - 0.5) * 40, 5, 2000);
    const errors = Math.max(0, (incident ? 3 : 0.1) + (r() - 0.5) * (incident ? 2 : 0.2));
    const users = Math.round(requests * 1.7 + (r() - 0.5) * 40);
    for (const [page, views] of this.#views) this.#views.set(page, views + r() * requests * 0.05);
    const items = [...this.#views]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([page, views]) => ({ page, views: Math.round(views), avgSeconds: round(20 + r() * 100, 0) }));
    const status = incident
      ? { status: latency > 300 ? 'down' : 'degraded', message: `elevated errors (${round(errors, 1)}/s)` }
      : { status: 'ok', message: 'all checks passing' };
    return [
      { key: DEMO_STREAMS.cpu, value: round(this.#cpu, 1) },
      { key: DEMO_STREAMS.requests, value: round(requests, 0) },
      { key: DEMO_STREAMS.latency, value: round(latency, 0) },
      { key: DEMO_STREAMS.users, value: users },
      { key: DEMO_STREAMS.errors, value: round(errors, 2) },
      { key: DEMO_STREAMS.status, value: status },
      ...(this.#tick % 5 === 1 ? [{ key: DEMO_STREAMS.pages, value: { items } }] : []),
    ];
  }
}

/** Pushes a round of demo values through the SyncService every second until stopped. */
export class DemoFeed {
  readonly #sync: SyncService;
  readonly #generator: DemoDataGenerator;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(options: { sync: SyncService; seed?: number; onError?: (error: unknown) => void }) {
    this.#sync = options.sync;
    this.#generator = new DemoDataGenerator(options.seed);
    this.#onError = options.onError ?? ((error) => console.error('demo feed:', error));
  }

  /** Pushes one round now (awaitable), then one every DEMO_INTERVAL_MS. */
  async start(intervalMs = DEMO_INTERVAL_MS): Promise<void> {
    if (this.#timer) return;
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), intervalMs);
    this.#timer.unref();
  }

  /** Pushes one round; overlapping rounds are skipped so a slow disk never piles up work. */
  async tick(): Promise<void> {
    if (this.#running) return;
    const batch = this.#generator.next().map(({ key, value }) => ({ key, points: [{ value }] }));
    this.#running = this.#sync
      .push(batch)
      .then(() => undefined)
      .catch(this.#onError)
      .finally(() => {
        this.#running = null;
      });
    await this.#running;
  }

  /** Stops the timer and waits for a round in flight. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
