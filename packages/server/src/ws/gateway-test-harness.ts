import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createDashboard } from '@pulseboard/model';
import { PROTOCOL_VERSION, ServerFrameDecoder, type ServerMessage, type WelcomeMessage } from '@pulseboard/protocol';
import { Auth } from '../auth.js';
import { LocalPubSub } from '../pubsub/local-pubsub.js';
import type { PubSub } from '../pubsub/pubsub.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import type { Storage, TokenScopes } from '../storage/storage.js';
import { SyncService } from '../sync-service.js';
import { Gateway, type GatewayConfig, type GatewayObserver } from './gateway.js';

/**
 * Test support for the gateway: a real http.Server on port 0 with the Gateway on /ws, real
 * SQLite storage in a temp dir (or memory), and `ws` clients that record every message and
 * let a test await one matching a predicate (no sleeps).
 */

export const ADMIN_TOKEN = 'pb_test-admin-token';

export interface Harness {
  url: string;
  server: Server;
  storage: Storage;
  sync: SyncService;
  auth: Auth;
  gateway: Gateway;
  /** Opens a socket (not yet said hello). */
  connect(path?: string): Promise<TestClient>;
  /** Opens a socket and completes hello (admin token unless given). */
  client(options?: { token?: string; clientId?: string; name?: string; features?: string[] }): Promise<TestClient>;
  createDashboard(id: string, title?: string): Promise<void>;
  /** A scoped token's secret. */
  scopedToken(scopes: TokenScopes): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<GatewayConfig>;
  storage?: 'sqlite' | 'memory';
  observer?: GatewayObserver;
  /** Wraps the in-process PubSub (to reorder or lose events, say). */
  wrapPubSub?: (pubsub: PubSub) => PubSub;
}

let clientCounter = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'pulseboard-ws-'));
  const storage: Storage = options.storage === 'memory' ? new MemoryStorage() : new SqliteStorage({ file: join(dir, 'pulseboard.db') });
  const local = new LocalPubSub();
  const pubsub = options.wrapPubSub ? options.wrapPubSub(local) : local;
  const sync = new SyncService({ storage, pubsub, streamLimits: { maxPoints: 1_000, maxAgeMs: 24 * 3600_000 } });
  const auth = new Auth(storage, { adminToken: ADMIN_TOKEN });
  const errors: unknown[] = [];
  const gateway = new Gateway({
    sync,
    auth,
    config: options.config ?? {},
    ...(options.observer ? { observer: options.observer } : {}),
    log: (message, error) => errors.push({ message, error }),
  });
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `ws://127.0.0.1:${port}`;
  const clients: TestClient[] = [];

  const harness: Harness = {
    url,
    server,
    storage,
    sync,
    auth,
    gateway,
    async connect(path = '/ws') {
      const client = await TestClient.open(`${url}${path}`);
      clients.push(client);
      return client;
    },
    async client(opts = {}) {
      const client = await harness.connect();
      await client.hello(opts);
      return client;
    },
    async createDashboard(id, title = id) {
      await sync.createDashboard(createDashboard({ id, title, now: new Date().toISOString() }));
    },
    async scopedToken(scopes) {
      return (await auth.createToken({ name: 'scoped', role: 'scoped', scopes })).secret;
    },
    async close() {
      for (const client of clients) client.ws.terminate();
      await gateway.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pubsub.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * A `ws` client that records every message in arrival order: batched frames unpacked,
 * `events` and topic-ids messages expanded into `event` messages (as a client would).
 */
export class TestClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  /** Topic ids the server used on this connection before telling it (must stay empty). */
  readonly unknownTopicIds: number[] = [];
  readonly #decoder = new ServerFrameDecoder({ onUnknownId: (id) => this.unknownTopicIds.push(id) });
  /** Number of frames received (a batched frame counts once). */
  frames = 0;
  /** Every frame's text, as received. */
  readonly raw: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly clientId = `test-client-${process.pid}-${++clientCounter}`;
  #waiters: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      this.frames += 1;
      const text = data.toString('utf8');
      this.raw.push(text);
      this.messages.push(...this.#decoder.decode(text));
      for (const wake of this.#waiters) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        for (const wake of this.#waiters) wake();
      });
    });
    ws.on('error', () => undefined);
  }

  static open(url: string): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  async hello(options: { token?: string; clientId?: string; name?: string; features?: string[] } = {}): Promise<WelcomeMessage> {
    this.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      token: options.token ?? ADMIN_TOKEN,
      clientId: options.clientId ?? this.clientId,
      ...(options.name ? { name: options.name } : {}),
      ...(options.features ? { features: options.features } : {}),
    });
    return (await this.waitFor((m) => m.type === 'welcome')) as WelcomeMessage;
  }

  /** The first message (from the start of the connection) matching `predicate`. */
  async waitFor<T extends ServerMessage = ServerMessage>(predicate: (m: ServerMessage) => boolean, timeoutMs = 5_000): Promise<T> {
    const [message] = await this.waitForCount<T>(predicate, 1, timeoutMs);
    return message as T;
  }

  /** Resolves once `count` messages match `predicate`, with exactly those messages. */
  waitForCount<T extends ServerMessage = ServerMessage>(predicate: (m: ServerMessage) => boolean, count: number, timeoutMs = 5_000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const matches = this.messages.filter(predicate);
        if (matches.length < count) return false;
        resolve(matches.slice(0, count) as T[]);
        return true;
      };
      if (check()) return;
      const wake = (): void => {
        if (check()) cleanup();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${count} message(s); got ${JSON.stringify(this.messages.slice(-5)).slice(0, 600)}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== wake);
      };
      this.#waiters.push(wake);
    });
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}
