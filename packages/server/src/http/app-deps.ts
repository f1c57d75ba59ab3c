import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Auth, AuthFailure } from '../auth.js';
import type { ServerConfig } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { SourceManager } from '../sources/source-manager.js';
import type { SyncService } from '../sync-service.js';
import type { CachedSnapshot, SnapshotCache } from '../ws/snapshot-cache.js';
import type { LogFn } from './http-errors.js';

/** What the server needs of the WebSocket gateway (packages/server/src/ws/gateway.ts). */
export interface GatewayHandle {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  stats(): object;
  /** Closes (4001, reason `code`) the open connections that authenticated with this token; returns how many. */
  closeConnectionsOfToken(tokenId: string, code?: AuthFailure): number;
  /** Current snapshots of hot topics (HTTP GETs read through it, as subscribes do). */
  readonly snapshotCache?: Pick<SnapshotCache, 'get' | 'stats'>;
  close(): Promise<void> | void;
}

/** Everything the HTTP routes use; built once by `startServer`. */
export interface AppDeps {
  sync: SyncService;
  auth: Auth;
  metrics: Metrics;
  /** The pull data sources' runner (their status, test runs, the outbound policy). */
  sources: SourceManager;
  config: ServerConfig;
  /** The gateway, once it is running (null while it is not available). */
  gateway: () => GatewayHandle | null;
  /** The server's own base URL (for share links), without a trailing slash. */
  publicUrl: () => string;
  log: LogFn;
  startedAt: number;
}

/**
 * A topic's current snapshot as JSON with its position: from the gateway's snapshot cache
 * when it runs (counted there as a hit or miss), else read from storage. Null when storage
 * has no such dashboard.
 */
export async function readSnapshot(deps: AppDeps, topic: string): Promise<CachedSnapshot | null> {
  const cache = deps.gateway()?.snapshotCache;
  if (cache) return cache.get(topic);
  const read = await deps.sync.storage.getSnapshot(topic);
  if (!read) return null;
  const empty = topic.startsWith('stream:') && (read.snapshot as { latest?: unknown }).latest === null;
  return { topic, ...read.position, json: JSON.stringify(read.snapshot), empty };
}

/** A stream's cached snapshot as `GET /api/streams/:key` sends it (HttpStreamSnapshot): its JSON with the position spliced in. */
export function streamSnapshotJson(snapshot: CachedSnapshot): string {
  return `${snapshot.json.slice(0, -1)},"epoch":${JSON.stringify(snapshot.epoch)},"offset":${snapshot.offset}}`;
}
