import { Hono } from 'hono';
import { z } from 'zod';
import { dashboardTopic, streamTopic } from '@pulseboard/protocol';
import { canAccessDashboard, type Principal } from '../auth.js';
import { clientIdInUse } from '../client-binding.js';
import type { AppDeps } from './app-deps.js';
import { parseInput } from './http-errors.js';
import { requirePrincipal } from './request-auth.js';

/** Version reported by /api/health. */
export const SERVER_VERSION = '0.1.0';

/** The `clientId` query of `GET /api/sync/status`. */
export const clientIdQuery = z.string().min(1).max(64).optional();

/** True when the principal may read `dashboard:<id>` or `stream:<key>` (`canReadStream` answers for streams). */
function canReadTopic(principal: Principal, topic: string, canReadStream: (key: string) => boolean): boolean {
  if (topic.startsWith('dashboard:')) return canAccessDashboard(principal, topic.slice('dashboard:'.length), 'view');
  if (topic.startsWith('stream:')) return canReadStream(topic.slice('stream:'.length));
  return principal.role === 'admin';
}

/** Health (public), sync status, cache status and Prometheus metrics. */
export function statusRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { sync, auth, metrics } = deps;

  app.get('/api/health', (c) =>
    c.json({
      status: 'ok',
      version: SERVER_VERSION,
      uptimeMs: Date.now() - deps.startedAt,
      storage: sync.storage.kind,
      pubsub: sync.pubsub.kind,
      // False while Redis is down: this node then serves other nodes' events by polling storage.
      pubsubConnected: sync.pubsub.connected,
      websocket: deps.gateway() !== null,
    }),
  );

  app.get('/api/sync/status', async (c) => {
    const principal = await requirePrincipal(c, auth);
    const clientId = parseInput(clientIdQuery, c.req.query('clientId'), 'clientId');
    // Another token's clientId is refused; one nobody has used yet has applied nothing.
    const owner = clientId === undefined ? null : await sync.storage.getClientOwner(clientId);
    if (clientId !== undefined && owner !== null && owner !== principal.tokenId) throw clientIdInUse(clientId);
    const [allDashboards, allStreams, canReadStream] = await Promise.all([
      sync.storage.listDashboards(),
      sync.storage.listStreams(),
      sync.streamAccess.readable(principal),
    ]);
    // Only the topics this token may read: a share link must not list every dashboard id or stream.
    const dashboards = allDashboards.filter((d) => canAccessDashboard(principal, d.id, 'view'));
    const streams = allStreams.filter((s) => canReadStream(s.key));
    const topics: Array<{ topic: string; epoch: string | null; offset: number }> = [];
    for (const d of dashboards) {
      const head = await sync.storage.getHead(dashboardTopic(d.id));
      topics.push({ topic: dashboardTopic(d.id), epoch: head?.epoch ?? null, offset: head?.offset ?? d.version });
    }
    for (const s of streams) {
      const head = await sync.storage.getHead(streamTopic(s.key));
      topics.push({ topic: streamTopic(s.key), epoch: head?.epoch ?? null, offset: head?.offset ?? s.offset });
    }
    const gatewayStats = { ...(deps.gateway()?.stats() ?? {}) } as Record<string, unknown>;
    const connections = typeof gatewayStats.connections === 'number' ? gatewayStats.connections : 0;
    if (Array.isArray(gatewayStats.topics)) {
      gatewayStats.topics = (gatewayStats.topics as Array<{ topic: string }>).filter((t) => canReadTopic(principal, t.topic, canReadStream));
    }
    return c.json({
      serverTime: Date.now(),
      connections,
      gateway: gatewayStats,
      topics,
      ...(clientId === undefined ? {} : { clientId, lastMutationId: owner === null ? 0 : await sync.storage.getLastMutationId(clientId) }),
    });
  });

  app.get('/api/cache/status', async (c) => {
    await requirePrincipal(c, auth);
    const stats = deps.gateway()?.snapshotCache?.stats() ?? { hits: 0, misses: 0, replayHits: 0, replayMisses: 0, hitRate: 0, entries: 0, bytes: 0, refreshes: 0 };
    return c.json(stats);
  });

  app.get('/metrics', async (c) => {
    c.header('Content-Type', metrics.contentType);
    return c.body(await metrics.text());
  });

  return app;
}
