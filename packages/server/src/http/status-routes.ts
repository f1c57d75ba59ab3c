import { Hono } from 'hono';
import { z } from 'zod';
import { dashboardTopic, streamTopic } from '@pulseboard/protocol';
import { canAccessDashboard, canReadStream, type Principal } from '../auth.js';
import type { AppDeps } from './app-deps.js';
import { parseInput } from './http-errors.js';
import { requirePrincipal } from './request-auth.js';

/** Version reported by /api/health. */
export const SERVER_VERSION = '0.1.0';

const clientIdQuery = z.string().min(1).max(64).optional();

/** True when the principal may read `dashboard:<id>` or `stream:<key>`. */
function canReadTopic(principal: Principal, topic: string): boolean {
  if (topic.startsWith('dashboard:')) return canAccessDashboard(principal, topic.slice('dashboard:'.length), 'view');
  if (topic.startsWith('stream:')) return canReadStream(principal, topic.slice('stream:'.length));
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
      websocket: deps.gateway() !== null,
    }),
  );

  app.get('/api/sync/status', async (c) => {
    const principal = await requirePrincipal(c, auth);
    const clientId = parseInput(clientIdQuery, c.req.query('clientId'), 'clientId');
    const [allDashboards, allStreams] = await Promise.all([sync.storage.listDashboards(), sync.storage.listStreams()]);
    // Only the topics this token may read: a share link must not list every dashboard id.
    const dashboards = allDashboards.filter((d) => canAccessDashboard(principal, d.id, 'view'));
    const streams = allStreams.filter((s) => canReadStream(principal, s.key));
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
      gatewayStats.topics = (gatewayStats.topics as Array<{ topic: string }>).filter((t) => canReadTopic(principal, t.topic));
    }
    return c.json({
      serverTime: Date.now(),
      connections,
      gateway: gatewayStats,
      topics,
      ...(clientId === undefined ? {} : { clientId, lastMutationId: await sync.storage.getLastMutationId(clientId) }),
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
