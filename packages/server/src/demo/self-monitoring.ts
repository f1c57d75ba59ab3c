import { createDashboard, type Dashboard, type Widget } from '@pulseboard/model';
import type { Auth } from '../auth.js';
import type { SourceDefinition } from '../sources/source-definition.js';
import type { SourceRecord } from '../storage/storage.js';
import type { SyncService } from '../sync-service.js';

/** Id of the self-monitoring dashboard seeded with the demo. */
export const SELF_DASHBOARD_ID = 'pulseboard';
/** Id of the source feeding it. */
export const SELF_SOURCE_ID = 'pulseboard-self';
/** How often the self-monitoring source runs. */
export const SELF_SOURCE_INTERVAL_MS = 5_000;

/** Streams of the self-monitoring dashboard. */
export const SELF_STREAMS = {
  connections: 'pulseboard.ws.connections',
  events: 'pulseboard.events.total',
  topics: 'pulseboard.topics',
  health: 'pulseboard.health',
  pointsRate: 'pulseboard.points.rate',
  memory: 'pulseboard.memory.mb',
} as const;

function widget(id: string, type: Widget['type'], title: string, layout: Widget['layout'], stream: string | undefined, options: Widget['options'] = {}): Widget {
  return { id, type, title, layout, ...(stream === undefined ? {} : { stream }), options };
}

/**
 * The source reading this server: PromQL through `prometheusUrl` when a Prometheus scrapes
 * the server, else JMESPath over the server's own `/api/sync/status` (with a view token).
 */
export function selfSourceDefinition(options: { selfUrl: string; token: string; prometheusUrl?: string }): SourceDefinition {
  const base = { id: SELF_SOURCE_ID, name: 'Pulseboard itself', enabled: true, headers: [] as SourceDefinition['headers'], intervalMs: SELF_SOURCE_INTERVAL_MS, timeoutMs: 4_000 };
  if (options.prometheusUrl) {
    const hour = { rangeMs: 60 * 60_000, stepMs: 30_000 };
    return {
      ...base,
      kind: 'prometheus',
      url: options.prometheusUrl,
      queries: [
        { stream: SELF_STREAMS.connections, query: 'sum(pulseboard_ws_connections)', backfill: hour },
        { stream: SELF_STREAMS.pointsRate, query: 'sum(rate(pulseboard_points_pushed_total[1m])) or vector(0)', backfill: hour },
        { stream: SELF_STREAMS.memory, query: 'sum(pulseboard_process_resident_memory_bytes) / 1048576', backfill: hour },
        { stream: SELF_STREAMS.health, query: 'min(up{job="pulseboard"})' },
      ],
    };
  }
  return {
    ...base,
    kind: 'http-json',
    url: `${options.selfUrl}/api/sync/status`,
    method: 'GET',
    headers: [{ name: 'Authorization', value: `Bearer ${options.token}`, secret: true }],
    selectors: [
      { stream: SELF_STREAMS.connections, path: 'connections' },
      { stream: SELF_STREAMS.events, path: 'sum(topics[].offset)' },
      { stream: SELF_STREAMS.topics, path: 'length(topics)' },
      { stream: SELF_STREAMS.health, path: "{status: gateway.lagging == `0` && 'ok' || 'degraded', message: join('', [to_string(gateway.lagging), ' lagging connections'])}" },
    ],
  };
}

/** The "Pulseboard" dashboard: the server watching itself through a pull source. */
export function selfDashboard(now: string, kind: SourceDefinition['kind']): Dashboard {
  const doc = createDashboard({ id: SELF_DASHBOARD_ID, title: 'Pulseboard', description: 'This server, read by a pull source (docs/sources.md)', now });
  const text = `### A pull source at work

Every tile here is fed by the source **${SELF_SOURCE_ID}** (${kind}), which reads this server every ${SELF_SOURCE_INTERVAL_MS / 1000} s:
${kind === 'prometheus' ? 'PromQL queries through the configured Prometheus.' : 'JMESPath selectors over `/api/sync/status`.'}

Manage it on the Sources page, or \`pulseboard source list\`.`;
  const widgets: Widget[] = [
    widget('connections', 'stat', 'WebSocket connections', { x: 0, y: 0, w: 3, h: 2 }, SELF_STREAMS.connections, { decimals: 0 }),
    // A number (Prometheus `up`) maps through the thresholds; an object carries its own status word.
    widget('health', 'status', 'Health', { x: 0, y: 2, w: 3, h: 2 }, SELF_STREAMS.health, {
      thresholds: [
        { value: 0, color: '#ef4444', label: 'down' },
        { value: 1, color: '#22c55e', label: 'ok' },
      ],
    }),
    kind === 'prometheus'
      ? widget('activity', 'line', 'Points pushed per second', { x: 3, y: 0, w: 6, h: 4 }, SELF_STREAMS.pointsRate, { decimals: 1, min: 0 })
      : widget('activity', 'line', 'Events written (all topics)', { x: 3, y: 0, w: 6, h: 4 }, SELF_STREAMS.events, { decimals: 0 }),
    kind === 'prometheus'
      ? widget('memory', 'stat', 'Resident memory', { x: 9, y: 0, w: 3, h: 2 }, SELF_STREAMS.memory, { unit: 'MiB', decimals: 0 })
      : widget('topics', 'stat', 'Topics', { x: 9, y: 0, w: 3, h: 2 }, SELF_STREAMS.topics, { decimals: 0 }),
    widget('about', 'text', 'About', { x: 9, y: 2, w: 3, h: 4 }, undefined, { text }),
  ];
  doc.widgets = Object.fromEntries(widgets.map((w) => [w.id, w]));
  return doc;
}

/**
 * Seeds the self-monitoring dashboard and its source (once: when neither exists). An
 * http-json self source follows the server's address when it changes between starts.
 * Returns the source record it created or updated, if any.
 */
export async function ensureSelfMonitoring(sync: SyncService, auth: Auth, options: { selfUrl: string; prometheusUrl?: string }): Promise<{ record: SourceRecord; created: boolean } | null> {
  const existing = await sync.storage.getSource(SELF_SOURCE_ID);
  const now = Date.now();
  if (existing) {
    const d = existing.definition;
    const wanted = `${options.selfUrl}/api/sync/status`;
    if (d.kind !== 'http-json' || d.url === wanted || !/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/.test(d.url)) return null;
    const record: SourceRecord = { ...existing, definition: { ...d, url: wanted }, updatedAt: Math.max(now, existing.updatedAt + 1) };
    await sync.storage.replaceSource(record);
    return { record, created: false };
  }
  if (await sync.storage.getDashboard(SELF_DASHBOARD_ID)) return null;
  const { secret } = await auth.createToken({ name: 'self-monitoring source', role: 'scoped', scopes: { view: ['*'] } });
  const definition = selfSourceDefinition({ selfUrl: options.selfUrl, token: secret, ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}) });
  const record: SourceRecord = { id: SELF_SOURCE_ID, definition, createdAt: now, updatedAt: now };
  await sync.createDashboard(selfDashboard(new Date(now).toISOString(), definition.kind));
  await sync.storage.createSource(record);
  return { record, created: true };
}
