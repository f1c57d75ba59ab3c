import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Auth } from '../auth.js';
import type { ServerConfig } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { SourceManager } from '../sources/source-manager.js';
import type { SyncService } from '../sync-service.js';
import type { LogFn } from './http-errors.js';

/** What the server needs of the WebSocket gateway (packages/server/src/ws/gateway.ts). */
export interface GatewayHandle {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  stats(): object;
  /** Closes (4001) the open connections that authenticated with this token; returns how many. */
  closeConnectionsOfToken(tokenId: string, reason: string): number;
  readonly snapshotCache?: { stats(): object };
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
