import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CloseCode, ErrorCode, parseClientMessage, type ServerMessage } from '@pulseboard/protocol';
import { AUTH_FAILURE_MESSAGES, type Auth, type AuthFailure } from '../auth.js';
import { SnapshotCache } from './snapshot-cache.js';
import type { StoredEvent } from '../storage/storage.js';
import type { SyncService } from '../sync-service.js';
import { Connection } from './connection.js';
import { DeadlineTimer, DroppedMessages } from './dropped-messages.js';
import { resolveGatewayConfig, sweepIntervalMs, type GatewayConfig } from './gateway-config.js';
import type { GatewayObserver } from './gateway-observer.js';
import { MessageHandlers } from './message-handlers.js';
import { refineInboundError } from './inbound-errors.js';
import { Hub, type Subscription, type TopicStats } from './hub.js';
import { Outbox, SharedFrame, type OutItem } from './outbox.js';
import { StoragePoller } from './storage-poller.js';
import { TopicIds } from './topic-ids.js';

export { DEFAULT_GATEWAY_CONFIG, resolveGatewayConfig, type GatewayConfig } from './gateway-config.js';
export type { GatewayObserver } from './gateway-observer.js';

export interface GatewayOptions {
  sync: SyncService;
  auth: Auth;
  config?: Partial<GatewayConfig>;
  observer?: GatewayObserver;
  /** Where unexpected errors go (defaults to console.error). */
  log?: (message: string, error?: unknown) => void;
}

export interface GatewayStats {
  /** Open WebSocket connections (handshake done, hello or not). */
  connections: number;
  /** Connections that finished `hello`. */
  authenticated: number;
  /** Connections the server has stopped writing to because their socket is backed up. */
  lagging: number;
  /** Topics with at least one subscriber on this node, with the last offset fanned out. */
  topics: TopicStats[];
}

const WS_PATH = '/ws';
/** A close reason may hold at most 123 bytes. */
const MAX_CLOSE_REASON_CHARS = 120;
/** A rate-limited connection gets at most one `rate_limited` error this often (the rest are counted). */
export const RATE_LIMIT_NOTICE_INTERVAL_MS = 1_000;

/**
 * The WebSocket endpoint (/ws): handshake and `hello`, inbound validation and rate limits,
 * the shared heartbeat sweep, and fan-out of committed events to subscribers (through the
 * Hub) with per-tick batching and backpressure (through the Outbox). Per-message behaviour
 * lives in MessageHandlers; docs/protocol.md is the contract.
 */
export class Gateway {
  readonly snapshotCache: SnapshotCache;
  readonly config: GatewayConfig;
  readonly #observer: GatewayObserver;
  readonly #log: (message: string, error?: unknown) => void;
  readonly #wss: WebSocketServer;
  readonly #hub: Hub<Connection>;
  readonly #outbox: Outbox;
  /** Node-wide ids of (topic, epoch) for topic-ids connections. */
  readonly #topicIds = new TopicIds();
  readonly #handlers: MessageHandlers;
  readonly #connections = new Set<Connection>();
  readonly #sweepTimer: NodeJS.Timeout;
  readonly #unsubscribePubSub: () => void;
  /** Reports of dropped messages due after a burst (one timer for every connection). */
  readonly #dropReports = new DeadlineTimer<Connection>((conn) => this.#reportDropped(conn));
  readonly #unsubscribeTransient: () => void;
  /** Only with a multi-node pubsub: events of other nodes while the bus is down or lost a message. */
  readonly #poller: StoragePoller | null;
  readonly #idPrefix = randomBytes(4).toString('hex');
  #nextId = 1;
  /** Socket listeners shared by every connection (no closures per socket): `this` is the socket. */
  readonly #listeners = createListeners(
    (conn, data, isBinary) => this.#onMessage(conn, data, isBinary),
    (conn, code) => this.#onClose(conn, code),
  );
  #closing: Promise<void> | null = null;
  #onEmpty: (() => void) | null = null;

  constructor(options: GatewayOptions) {
    this.config = resolveGatewayConfig(options.config);
    this.#observer = options.observer ?? {};
    this.#log = options.log ?? ((message, error) => console.error(`[pulseboard ws] ${message}`, error ?? ''));
    this.snapshotCache = new SnapshotCache(options.sync.storage, {
      streamLimits: options.sync.streamLimits,
      maxEntries: this.config.snapshotCacheMaxEntries,
      maxBytes: this.config.snapshotCacheMaxBytes,
    });
    this.#wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload: this.config.maxPayloadBytes });
    this.#outbox = new Outbox({
      softLimitBytes: this.config.softLimitBytes,
      hardLimitBytes: this.config.hardLimitBytes,
      laggingRetryMs: this.config.laggingRetryMs,
      flushWindowMs: this.config.flushWindowMs,
      onSlowConsumer: (target) => this.closeConnection(target as Connection, CloseCode.SLOW_CONSUMER, 'too slow: reconnect and resume from your last offset'),
      laggingNotice: (bufferedBytes) =>
        JSON.stringify({
          type: 'error',
          code: ErrorCode.LAGGING,
          message: `this connection is not reading fast enough (${bufferedBytes} bytes unsent); it may be closed with ${CloseCode.SLOW_CONSUMER}: then reconnect at once and resume from your last offsets`,
          details: { bufferedBytes },
        } satisfies ServerMessage),
      onFrame: (messages, bytes) => this.#notify('onFramesOut', () => this.#observer.onFramesOut?.(messages, bytes)),
      onError: (error) => this.#log('sending a frame failed', error),
    });
    this.#hub = new Hub<Connection>({
      storage: options.sync.storage,
      replayBatchSize: this.config.replayBatchSize,
      deliver: (sub, item) => this.#deliver(sub, item),
      onCommitted: (event) => this.snapshotCache.apply(event),
      onFanout: (latencyMs, recipients) => this.#notify('onFanout', () => this.#observer.onFanout?.(latencyMs, recipients)),
      onError: (error, context) => this.#log(`hub: ${context}`, error),
    });
    this.#handlers = new MessageHandlers({
      sync: options.sync,
      auth: options.auth,
      hub: this.#hub,
      cache: this.snapshotCache,
      config: this.config,
      outbox: this.#outbox,
      topicIds: this.#topicIds,
      close: (conn, code, reason) => this.closeConnection(conn, code, reason),
      log: this.#log,
    });
    const { pubsub, storage } = options.sync;
    const ingest = (event: StoredEvent) => this.#hub.ingestCommitted(event);
    this.#unsubscribePubSub = pubsub.subscribe(ingest);
    // Presence of every node reaches this node's subscribers of the topic (except the sender).
    this.#unsubscribeTransient = pubsub.subscribeTransient((message) => {
      let frame: SharedFrame | null = null;
      for (const sub of this.#hub.subscribers(message.topic)) {
        if (!sub.ready || sub.conn.id === message.origin) continue;
        frame ??= new SharedFrame(message.payload);
        this.#outbox.enqueue(sub.conn, frame);
      }
    });
    this.#poller =
      pubsub.kind === 'local'
        ? null
        : new StoragePoller({
            storage,
            positions: () => this.#hub.stats(),
            ingest,
            connected: () => pubsub.connected,
            degradedIntervalMs: this.config.storagePollDegradedMs,
            healthyIntervalMs: this.config.storagePollHealthyMs,
            batchSize: this.config.replayBatchSize,
            onError: (error, context) => this.#log(`storage poller: ${context}`, error),
          });
    this.#poller?.start();
    this.#sweepTimer = setInterval(() => this.#sweep(), sweepIntervalMs(this.config));
    this.#sweepTimer.unref();
  }

  /** Accepts an HTTP upgrade for /ws (anything else is answered 404; 503 while closing or full). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== WS_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (this.#closing || this.#connections.size >= this.config.maxConnections) return rejectUpgrade(socket, 503, 'Service Unavailable');
    try {
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onOpen(ws));
    } catch (error) {
      this.#log('upgrade failed', error);
      socket.destroy();
    }
  }

  stats(): GatewayStats {
    let authenticated = 0;
    for (const conn of this.#connections) if (conn.phase === 'open') authenticated += 1;
    return { connections: this.#connections.size, authenticated, lagging: this.#outbox.laggingCount, topics: this.#hub.stats() };
  }

  /**
   * Closes with 4001 and reason `code` (after an `error` with that code) every connection
   * that authenticated with this token, e.g. right after it is revoked. Returns how many.
   */
  closeConnectionsOfToken(tokenId: string, code: AuthFailure = 'token_revoked'): number {
    let closed = 0;
    for (const conn of this.#connections) {
      if (conn.closed || conn.principal?.tokenId !== tokenId) continue;
      this.#closeUnauthorized(conn, code);
      closed += 1;
    }
    return closed;
  }

  /** Closes every connection with 1001 and stops; waits (at most closeTimeoutMs) for them to go. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Queues one message for a connection (sent with whatever else is ready this tick). */
  send(conn: Connection, message: ServerMessage): void {
    this.#outbox.enqueue(conn, JSON.stringify(message));
  }

  /** Sends what is queued, then closes with `code`. Idempotent. */
  closeConnection(conn: Connection, code: number, reason: string): void {
    if (conn.closed) return;
    this.#outbox.flushNow(conn);
    conn.closed = true;
    conn.closeCode = code;
    try {
      conn.ws.close(code, reason.slice(0, MAX_CLOSE_REASON_CHARS));
      // A peer that never answers the close (stalled, gone) is cut instead of held for ws's 30 s.
      const ws = conn.ws;
      setTimeout(() => {
        if (ws.readyState !== ws.CLOSED) ws.terminate();
      }, this.config.closeTimeoutMs).unref();
    } catch (error) {
      this.#log(`closing connection ${conn.id}`, error);
      conn.ws.terminate();
    }
  }

  async #close(): Promise<void> {
    clearInterval(this.#sweepTimer);
    this.#dropReports.clear();
    this.#unsubscribePubSub();
    this.#unsubscribeTransient();
    await this.#poller?.stop();
    const gone = new Promise<void>((resolve) => {
      if (this.#connections.size === 0) resolve();
      else this.#onEmpty = resolve;
    });
    for (const conn of this.#connections) this.closeConnection(conn, CloseCode.GOING_AWAY, 'server shutting down');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.config.closeTimeoutMs);
    });
    await Promise.race([gone, timeout]);
    clearTimeout(timer);
    for (const conn of this.#connections) conn.ws.terminate();
    this.#outbox.close();
    this.#wss.close();
  }

  #onOpen(ws: WebSocket): void {
    const conn = new Connection(ws, `${this.#idPrefix}-${(this.#nextId++).toString(36)}`, Date.now(), this.config.burstMessages);
    this.#connections.add(conn);
    (ws as SocketWithConnection)[CONNECTION] = conn;
    ws.on('message', this.#listeners.message);
    ws.on('close', this.#listeners.close);
    ws.on('error', this.#listeners.error);
    this.#notify('onConnectionOpened', () => this.#observer.onConnectionOpened?.());
    if (this.#closing) this.closeConnection(conn, CloseCode.GOING_AWAY, 'server shutting down');
  }

  #onClose(conn: Connection, code: number): void {
    if (conn.phase === 'closed') return;
    conn.closed = true;
    conn.phase = 'closed';
    this.#connections.delete(conn);
    if (conn.subs) for (const sub of [...conn.subs.values()]) this.#handlers.removeSubscription(sub);
    conn.ackWaiter?.settle();
    conn.early = null;
    conn.dropped = null;
    this.#dropReports.cancel(conn);
    this.#outbox.discard(conn);
    // The code the server closed with: the one in the close event is the peer's echo, or 1006 if none came.
    const closeCode = conn.closeCode ?? code;
    this.#notify('onConnectionClosed', () => this.#observer.onConnectionClosed?.(closeCode));
    if (this.#connections.size === 0) this.#onEmpty?.();
  }

  #onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.closed) return;
    const now = Date.now();
    conn.lastInboundAt = now;
    try {
      if (conn.phase === 'open') {
        if (!conn.takeToken(now, this.config.messagesPerSecond, this.config.burstMessages)) return this.#rateLimited(conn, now, data, isBinary);
        if (isBinary) {
          return this.send(conn, { type: 'error', code: ErrorCode.BAD_MESSAGE, message: 'binary frames are not supported: send JSON text frames' });
        }
        this.#handleText(conn, rawText(data));
      } else if (conn.phase === 'authenticating') {
        // Pipelined after hello: kept in order until the hello is checked.
        if (isBinary) return this.closeConnection(conn, CloseCode.PROTOCOL_ERROR, 'binary frames are not supported');
        const early = (conn.early ??= []);
        if (early.length >= this.config.maxEarlyMessages) return this.closeConnection(conn, CloseCode.PROTOCOL_ERROR, 'too many messages before welcome');
        early.push(rawText(data));
      } else if (conn.phase === 'awaiting-hello') {
        if (isBinary) return this.closeConnection(conn, CloseCode.PROTOCOL_ERROR, 'the first message must be a JSON "hello"');
        const first = this.#handlers.handleFirst(conn, rawText(data));
        this.#notify('onMessageIn', () => this.#observer.onMessageIn?.(first.type));
        // Once `welcome` is queued, the messages that came in meanwhile run, in order.
        if (first.type === 'hello') void first.opened.then((opened) => opened && this.#onHelloDone(conn));
      }
    } catch (error) {
      this.#internalError(conn, error, 'message');
    }
  }

  /** Parses and validates one text message of an open connection, then runs its handler. */
  #handleText(conn: Connection, text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.#notify('onMessageIn', () => this.#observer.onMessageIn?.('invalid'));
      return this.send(conn, { type: 'error', code: ErrorCode.BAD_JSON, message: 'the message is not valid JSON' });
    }
    const parsed = parseClientMessage(json);
    if (!parsed.ok) {
      this.#notify('onMessageIn', () => this.#observer.onMessageIn?.('invalid'));
      const { message, ref } = refineInboundError(json, parsed.error, parsed.ref);
      return this.send(conn, { type: 'error', code: parsed.code, message, ...(ref ? { ref } : {}) });
    }
    const message = parsed.message;
    this.#notify('onMessageIn', () => this.#observer.onMessageIn?.(message.type));
    this.#handlers.handle(conn, message);
  }

  #onHelloDone(conn: Connection): void {
    const early = conn.early;
    conn.early = null;
    if (!early) return;
    for (const text of early) {
      if (conn.closed) return;
      if (!conn.takeToken(Date.now(), this.config.messagesPerSecond, this.config.burstMessages)) {
        this.#rateLimited(conn, Date.now(), text, false);
        continue;
      }
      this.#handleText(conn, text);
    }
  }

  /**
   * A message over the rate limit is dropped, and every drop is reported (contract C4): the
   * first at once, later ones at most once per RATE_LIMIT_NOTICE_INTERVAL_MS — also after
   * the burst has ended, from a timer — with the mutationIds and publish ids dropped.
   */
  #rateLimited(conn: Connection, now: number, data: RawData | string, isBinary: boolean): void {
    this.#notify('onMessageIn', () => this.#observer.onMessageIn?.('dropped'));
    const dropped = (conn.dropped ??= new DroppedMessages());
    // A binary frame would only have been refused; it is counted, never parsed.
    if (isBinary) dropped.count += 1;
    else dropped.add(typeof data === 'string' ? data : rawText(data));
    if (now - conn.limitedSince > this.config.rateLimitCloseAfterMs) {
      this.#reportDropped(conn);
      this.closeConnection(conn, CloseCode.RATE_LIMITED, 'rate limit exceeded for too long');
      return;
    }
    // Answering every dropped message would make a flood cost the server as much as the flooder.
    if (conn.rateNoticeAt !== 0 && now - conn.rateNoticeAt < RATE_LIMIT_NOTICE_INTERVAL_MS) {
      this.#dropReports.schedule(conn, conn.rateNoticeAt + RATE_LIMIT_NOTICE_INTERVAL_MS);
      return;
    }
    this.#reportDropped(conn);
  }

  /** Sends the `rate_limited` report of what was dropped since the last one (nothing when nothing was). */
  #reportDropped(conn: Connection): void {
    const dropped = conn.dropped;
    this.#dropReports.cancel(conn);
    if (!dropped || conn.closed) return;
    conn.dropped = null;
    const now = Date.now();
    conn.rateNoticeAt = now;
    const { messagesPerSecond, burstMessages } = this.config;
    // Long enough for the bucket to hold the dropped messages again (at most a full bucket).
    const needed = Math.min(dropped.count, burstMessages) - conn.tokensAt(now, messagesPerSecond, burstMessages);
    const retryAfterMs = Math.max(0, Math.ceil((needed * 1000) / messagesPerSecond));
    this.send(conn, {
      type: 'error',
      code: ErrorCode.RATE_LIMITED,
      message: `too many messages: ${dropped.count} dropped since the last notice (limit ${messagesPerSecond}/s); resend the dropped ones after ${retryAfterMs} ms`,
      details: { dropped: dropped.count, retryAfterMs, mutationIds: dropped.mutationIds, publishIds: dropped.publishIds },
    });
  }

  #deliver(sub: Subscription<Connection>, item: OutItem): void {
    const event = typeof item === 'string' ? null : item.event;
    // Under the id this connection was told, fixed now; an event of another epoch (another id) goes out with its topic and epoch.
    if (sub.conn.topicIds && event !== null && this.#topicIds.idOf(event.topic, event.epoch) === sub.topicId) item = (item as SharedFrame).underTopicId(sub.topicId);
    this.#outbox.enqueue(sub.conn, item);
    sub.conn.ackWaiter?.settleIfSent(sub);
  }

  /** error `code` then close 4001 with the code as its reason (docs/protocol.md, close codes). */
  #closeUnauthorized(conn: Connection, code: AuthFailure): void {
    this.send(conn, { type: 'error', code, message: AUTH_FAILURE_MESSAGES[code] });
    this.closeConnection(conn, CloseCode.UNAUTHORIZED, code);
  }

  /** One pass over every connection: hello timeouts, expired tokens, dead connections, heartbeat pings. */
  #sweep(): void {
    const now = Date.now();
    let ping: string | null = null;
    for (const conn of this.#connections) {
      if (conn.closed) continue;
      if (conn.phase !== 'open') {
        if (now - conn.openedAt > this.config.helloTimeoutMs) this.closeConnection(conn, CloseCode.HELLO_TIMEOUT, 'no hello in time');
        continue;
      }
      const expiresAt = conn.principal?.expiresAt;
      if (expiresAt != null && now >= expiresAt) {
        this.#closeUnauthorized(conn, 'token_expired');
        continue;
      }
      if (now - conn.lastInboundAt > this.config.deadConnectionTimeoutMs) {
        this.closeConnection(conn, CloseCode.HEARTBEAT_TIMEOUT, 'no message in time');
        continue;
      }
      if (now - conn.lastPingAt >= this.config.heartbeatIntervalMs) {
        ping ??= JSON.stringify({ type: 'ping', ts: now });
        conn.lastPingAt = now;
        this.#outbox.enqueue(conn, ping);
      }
    }
  }

  #internalError(conn: Connection, error: unknown, context: string): void {
    this.#log(`connection ${conn.id}: ${context} failed`, error);
    this.send(conn, { type: 'error', code: ErrorCode.INTERNAL, message: 'internal error; the server logged it' });
  }

  #notify(name: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#log(`observer ${name} threw`, error);
    }
  }
}

const CONNECTION = Symbol('pulseboard.connection');
type SocketWithConnection = WebSocket & { [CONNECTION]?: Connection };

/** The close code `ws` sends when its receiver fails with this error (`ws` keeps the code on a private symbol). */
function closeCodeOfWsError(error: Error & { code?: string }): number {
  if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || error.code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH') return CloseCode.MESSAGE_TOO_BIG;
  if (error.code === 'WS_ERR_INVALID_UTF8') return CloseCode.INVALID_UTF8;
  return CloseCode.FRAMING_ERROR;
}

function createListeners(
  onMessage: (conn: Connection, data: RawData, isBinary: boolean) => void,
  onClose: (conn: Connection, code: number) => void,
): {
  message: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  close: (this: WebSocket, code: number) => void;
  error: (this: WebSocket, error: Error) => void;
} {
  return {
    // `ws` emits 'error' (bad frame, payload over maxPayload), closes with a code of its own, then 'close'.
    error(this: WebSocket, error: Error) {
      const conn = (this as SocketWithConnection)[CONNECTION];
      if (conn) conn.closeCode ??= closeCodeOfWsError(error);
    },
    message(this: WebSocket, data: RawData, isBinary: boolean) {
      const conn = (this as SocketWithConnection)[CONNECTION];
      if (conn) onMessage(conn, data, isBinary);
    },
    close(this: WebSocket, code: number) {
      const conn = (this as SocketWithConnection)[CONNECTION];
      if (conn) onClose(conn, code);
    },
  };
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.once('error', () => undefined);
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}
