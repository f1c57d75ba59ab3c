import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import { isPulseboardError } from '@pulseboard/model';
import { Auth } from './auth.js';
import { DEFAULT_CONFIG, pickGatewaySettings, validateConfig, type ServerConfig } from './config.js';
import { DEMO_DASHBOARD_ID, demoDashboard } from './demo/demo-dashboard.js';
import { DemoFeed } from './demo/demo-feed.js';
import { ensureSelfMonitoring } from './demo/self-monitoring.js';
import { createApp } from './http/app.js';
import type { LogFn } from './http/http-errors.js';
import { Metrics } from './metrics.js';
import { LocalPubSub } from './pubsub/local-pubsub.js';
import type { PubSub } from './pubsub/pubsub.js';
import { RedisPubSub } from './pubsub/redis-pubsub.js';
import { LeasedSingletonRunner, LocalSingletonRunner, PostgresLeaseStore, type SingletonRunner } from './singleton-runner.js';
import { DEFAULT_SOURCE_MAX_REDIRECTS } from './sources/outbound-fetch.js';
import { SourceManager } from './sources/source-manager.js';
import { registerSourceMetrics } from './sources/source-metrics.js';
import { openStorage, PostgresStorage, type Storage } from './storage/index.js';
import { countStorageReads } from './storage/counted-storage.js';
import { SyncService } from './sync-service.js';
import { Gateway, type GatewayConfig } from './ws/gateway.js';

/** What `startServer` accepts: any settings (the rest default) and where to write output. */
export interface StartServerOptions extends Partial<Omit<ServerConfig, 'gateway'>> {
  /** Receives the lines meant for a person (listening URL, first-start admin token). Default: stdout. */
  print?: (line: string) => void;
  /** Receives errors and warnings. Default: stderr. */
  logError?: LogFn;
  /** Close gracefully on SIGINT/SIGTERM and exit the process (the CLI sets this). */
  handleSignals?: boolean;
  /**
   * WebSocket gateway settings: the tunable ones (ServerConfig.gateway, validated with the
   * rest) and any other GatewayConfig key as an override, e.g. short timeouts in tests.
   */
  gateway?: Partial<GatewayConfig>;
  /** Runs the sources on one node of several (a lease); default: this node runs them. */
  singleton?: SingletonRunner;
}

/** A started server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:3000` (no trailing slash). */
  url: string;
  port: number;
  /** The admin secret when it is known to this process (configured, or generated on this first start). */
  adminToken?: string;
  config: ServerConfig;
  sync: SyncService;
  metrics: Metrics;
  /** The pull data sources' runner. */
  sources: SourceManager;
  /** This process's id among the nodes (`host:pid:random`): the holder name of its leases. */
  nodeId: string;
  /** Runs singleton work (demo feed, sources) on one node: leases in PostgreSQL with N nodes, in-process otherwise. */
  singleton: SingletonRunner;
  /** Stops the demo feed, the sources, the gateway and the HTTP server, then closes storage. Idempotent. */
  close(): Promise<void>;
}

/** The host to put in URLs a person opens: a wildcard bind is reachable on loopback. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Creates the admin token on first start (none configured, none stored) and returns its
 * secret, which is shown once and never stored in clear; null when one exists already.
 */
async function ensureAdminToken(storage: Storage, auth: Auth, config: ServerConfig): Promise<string | null> {
  if (config.adminToken) return null;
  const tokens = await storage.listTokens();
  const now = Date.now();
  const live = tokens.some((t) => t.role === 'admin' && t.revokedAt === null && (t.expiresAt === null || t.expiresAt > now));
  if (live) return null;
  const { secret } = await auth.createToken({ name: 'admin', role: 'admin' });
  return secret;
}

/** Seeds the demo dashboard into an empty store (first start); true when the demo dashboard exists. */
async function ensureDemo(sync: SyncService): Promise<boolean> {
  if (await sync.storage.getDashboard(DEMO_DASHBOARD_ID)) return true;
  const existing = await sync.storage.listDashboards();
  if (existing.length > 0) return false;
  try {
    await sync.createDashboard(demoDashboard(new Date().toISOString()));
  } catch (error) {
    // Another node starting at the same moment created it first.
    if (!isPulseboardError(error) || error.code !== 'already_exists') throw error;
  }
  return true;
}

function rejectUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * Starts a Pulseboard server: storage, pubsub, the sync service, auth, the HTTP app and the
 * WebSocket gateway on one port. `port: 0` picks a free port (tests).
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { print = (line: string) => console.log(line), logError = (m: string, e?: unknown) => console.error(m, e ?? ''), handleSignals = false, gateway: gatewayConfig, singleton: givenSingleton, ...settings } = options;
  const config = validateConfig({ ...DEFAULT_CONFIG, ...settings, gateway: { ...DEFAULT_CONFIG.gateway, ...pickGatewaySettings(gatewayConfig) } });
  const startedAt = Date.now();

  if (config.storageKind === 'sqlite') await mkdir(config.dataDir, { recursive: true });
  const metrics = new Metrics();
  const rawStorage = await openStorage({
    kind: config.storageKind,
    dataDir: config.dataDir,
    synchronous: config.sqliteSync,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  const nodeId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  // With N nodes, singleton work takes a lease in PostgreSQL (through its pool: the counting proxy below cannot reach private fields).
  const singleton: SingletonRunner =
    givenSingleton ??
    (rawStorage instanceof PostgresStorage
      ? new LeasedSingletonRunner({ store: new PostgresLeaseStore(rawStorage.pool), holder: nodeId, onError: (error, task) => logError(`lease of ${task}:`, error) })
      : new LocalSingletonRunner());
  const storage = countStorageReads(rawStorage, metrics.onStorageRead);
  let pubsub: PubSub;
  try {
    pubsub = config.redisUrl ? await RedisPubSub.open({ url: config.redisUrl, prefix: config.redisPrefix, onError: (error, context) => logError(`redis: ${context}`, error) }) : new LocalPubSub();
  } catch (error) {
    await storage.close();
    throw error;
  }
  const sync = new SyncService({
    storage,
    pubsub,
    streamLimits: { maxPoints: config.streamMaxPoints, maxAgeMs: config.streamMaxAgeMs },
    observer: metrics.syncObserver,
  });
  const auth = new Auth(storage, config.adminToken ? { adminToken: config.adminToken } : {});
  // The server's own address joins the allow-list once it listens (the self-monitoring source).
  const allowHosts = [...config.sourceHosts, ...(config.prometheusUrl ? [new URL(config.prometheusUrl).host] : [])];
  const sourceMetrics = registerSourceMetrics(metrics.registry);
  const sources = new SourceManager({
    sync,
    singleton,
    log: logError,
    observer: sourceMetrics.observer,
    limits: { allowHosts, maxResponseBytes: config.sourceMaxResponseBytes, maxRedirects: DEFAULT_SOURCE_MAX_REDIRECTS, hostConcurrency: config.sourceHostConcurrency },
  });
  sourceMetrics.bind(sources);
  const generatedAdminToken = await ensureAdminToken(storage, auth, config);

  let demoFeed: DemoFeed | null = null;
  if (config.demo && (await ensureDemo(sync))) {
    demoFeed = new DemoFeed({ sync, onError: (error) => logError('demo feed push failed:', error) });
  }

  const gateway = new Gateway({
    sync,
    auth,
    observer: metrics.gatewayObserver,
    log: logError,
    // A connection is dead after three missed heartbeats, whatever the heartbeat is set to.
    config: { deadConnectionTimeoutMs: 3 * config.gateway.heartbeatIntervalMs, ...gatewayConfig, ...config.gateway },
  });

  metrics.observeSnapshotCache(() => gateway.snapshotCache.stats());

  let url = '';
  const app = createApp({
    sync,
    auth,
    metrics,
    sources,
    config,
    gateway: () => gateway,
    publicUrl: () => url,
    log: logError,
    startedAt,
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host }) as Server;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== '/ws') return rejectUpgrade(socket, '404 Not Found');
    gateway.handleUpgrade(req, socket, head);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await gateway.close();
    await pubsub.close();
    await storage.close();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${config.port} on ${config.host} is already in use (set --port or PORT)`, { cause: error });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new Error(`cannot listen on host "${config.host}" (set --host or HOST)`, { cause: error });
    throw error;
  }
  // After listening, a server error (e.g. EMFILE) is logged; it must not crash the process.
  server.on('error', (error) => logError('HTTP server error:', error));
  const port = (server.address() as AddressInfo).port;
  url = `http://${displayHost(config.host)}:${port}`;
  allowHosts.push(new URL(url).host);

  print(`Pulseboard listening on ${url}`);
  if (generatedAdminToken) {
    print('');
    print('First start: an admin token was created. It is shown only this once; keep it safe.');
    print(`  Admin token: ${generatedAdminToken}`);
    print(`  Open: ${url}/#token=${generatedAdminToken}`);
    print('');
  }
  // With N nodes, one of them feeds the demo (the lease moves if that node dies).
  if (demoFeed) {
    const feed = demoFeed;
    await singleton.run('demo-feed', () => {
      void feed.start();
      return () => feed.stop();
    });
  }
  const selfSource = demoFeed
    ? await ensureSelfMonitoring(sync, auth, { selfUrl: url, ...(config.prometheusUrl ? { prometheusUrl: config.prometheusUrl } : {}) }).catch((error: unknown) => {
        logError('self-monitoring demo could not be set up:', error);
        return null;
      })
    : null;
  await sources.start();
  // Written before the runner started: hand it over so a new prometheus source backfills.
  if (selfSource) sources.sourceWritten(selfSource.record, selfSource.created);

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      sources.close();
      // Stops the demo feed too, and gives up this node's leases.
      await singleton.close();
      await gateway.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pubsub.close();
      await storage.close();
    })();
    return closing;
  };

  if (handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      print(`${signal} received, shutting down`);
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          logError('shutdown failed:', error);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  const adminToken = config.adminToken ?? generatedAdminToken ?? undefined;
  return { url, port, ...(adminToken ? { adminToken } : {}), config, sync, metrics, sources, nodeId, singleton, close };
}
