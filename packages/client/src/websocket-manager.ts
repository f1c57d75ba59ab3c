import { CloseCode, FATAL_CLOSE_CODES, Feature, PROTOCOL_VERSION, ServerFrameDecoder, type ClientMessage, type HelloMessage, type Position, type ServerMessage, type WelcomeMessage } from '@pulseboard/protocol';
import { fullJitterDelayMs } from './backoff.js';
import type { EnvironmentManager } from './environment-manager.js';
import type { RealtimeConfig } from './realtime-config.js';
import { SnapshotStore } from './subscribable.js';
import type { ConnectionError, ConnectionHandle, ConnectionSnapshot, WebSocketConstructor, WebSocketLike } from './types.js';

/** Options of a WebSocketManager (the client builds one; tests build their own). */
export interface WebSocketManagerOptions {
  /** The socket URL (`ws://host:port/ws`). */
  url: string;
  WebSocket: WebSocketConstructor;
  config: RealtimeConfig;
  environment: EnvironmentManager;
  /** The hello to send on every new socket (token, clientId, name). */
  hello: () => Omit<HelloMessage, 'type' | 'protocol'>;
  /**
   * The hello waits until this settles (the client's persisted queue and topic positions): the
   * socket's TCP and upgrade run meanwhile, so loading IndexedDB does not delay the connection.
   */
  helloAfter?: Promise<unknown>;
  now?: () => number;
  random?: () => number;
}

type Handler<T extends ServerMessage['type']> = (message: Extract<ServerMessage, { type: T }>) => void;

const OPEN = 1;
/** A close without a close frame (the socket dropped, e.g. force-closed behind a backlog). */
const ABNORMAL_CLOSURE = 1006;
/** The server's warning that this connection is past its outbox soft limit (contract C5). */
const LAGGING = 'lagging';
/** A close reason that is a stable error code (e.g. `token_revoked`), not prose. */
const CODE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The connection lifecycle, one socket at a time:
 *
 * ```
 *            connect()
 *   idle ─────────────▶ connecting ──── welcome ────▶ open
 *                        ▲     │                        │
 *        retry timer,    │     │ error / close /        │ close / error /
 *        online, focus,  │     │ connect timeout        │ dead heartbeat
 *        reconnectNow()  │     ▼                        ▼
 *                       reconnecting ◀──────────────────┘
 *                        │      ▲
 *          'offline'     ▼      │ 'online' / focus / reconnectNow()
 *                       offline ┘
 *
 *   open ── 'offline', then no frame within offlineProbeTimeoutMs ──▶ offline   (a ping probes at once)
 *   open ── `error lagging`, then a 4010/1006 close ──▶ reconnecting with no wait (resumes by offset)
 *   connecting/open ── fatal close code (4001, 4002, 4003) ──▶ fatal   (reconnectNow() retries;
 *                      lastError.code is the close reason: token_revoked, client_id_in_use, …)
 *   any state ── close() ──▶ closed   (final)
 * ```
 *
 * `open` means the server's `welcome` arrived: only then are topics re-subscribed (each
 * with its position) and messages sent. Retries wait a full-jitter backoff that doubles
 * per failed attempt; heartbeats (`ping`) run while open, relaxed while the page is hidden,
 * and a connection silent for longer than the dead-connection timeout is closed.
 */
export class WebSocketManager extends SnapshotStore<ConnectionSnapshot> implements ConnectionHandle {
  readonly #options: WebSocketManagerOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #handlers = new Map<string, Set<(message: ServerMessage) => void>>();
  /** topic → its current position (read at each (re)subscribe). */
  readonly #topics = new Map<string, () => Position | undefined>();
  #socket: WebSocketLike | null = null;
  /** The current socket's frame decoder (its topic ids are node-local, so one per socket). */
  #decoder = new ServerFrameDecoder();
  /** A topic id the server never told this socket (a server fault): the socket is replaced after the frame. */
  #unknownTopicId: number | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #connectTimer: ReturnType<typeof setTimeout> | null = null;
  #heartbeatTimer: ReturnType<typeof setTimeout> | null = null;
  /** Armed by an `offline` signal while open: no frame before it fires means dead. */
  #probeTimer: ReturnType<typeof setTimeout> | null = null;
  #lastMessageAt = 0;
  #serverHeartbeatMs: number | null = null;
  #welcome: WelcomeMessage | null = null;
  #everOpened = false;
  /** The server said this connection lags (`error lagging`): a cut that follows reconnects at once. */
  #lagging: { bufferedBytes: number | null } | null = null;
  /** `helloAfter` has settled (or there is none): a socket that opens says hello at once. */
  #helloReady: boolean;
  readonly #detachEnvironment: () => void;

  constructor(options: WebSocketManagerOptions) {
    super({
      state: 'idle',
      attempt: 0,
      lastError: null,
      nextRetryAt: null,
      latencyMs: null,
      connectionId: null,
      connectedAt: null,
      reconnects: 0,
    });
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#helloReady = !options.helloAfter;
    const ready = () => (this.#helloReady = true);
    // Settled either way: a store that failed to load must not keep the socket silent (or leave a rejection unhandled).
    options.helloAfter?.then(ready, ready);
    this.#detachEnvironment = options.environment.onSignal((signal) => this.#onEnvironment(signal));
  }

  get state(): ConnectionSnapshot['state'] {
    return this.getSnapshot().state;
  }

  /** The welcome of the current connection (null unless open). */
  get welcome(): WelcomeMessage | null {
    return this.#welcome;
  }

  /** Starts connecting from idle (no-op in any other state). */
  connect(): void {
    if (this.state === 'idle') this.#open();
  }

  /** Connects now: skips a pending backoff wait, or leaves offline/fatal. */
  reconnectNow = (): void => {
    const { state } = this.getSnapshot();
    if (state === 'closed' || state === 'open' || state === 'connecting') return;
    this.#open();
  };

  /** Closes for good: no reconnect, every timer cleared, listeners kept but never called again. */
  close(): void {
    if (this.state === 'closed') return;
    this.#clearTimers();
    this.#dropSocket(1000, 'client closed');
    this.#detachEnvironment();
    this.#welcome = null;
    this.update({ state: 'closed', nextRetryAt: null, connectionId: null });
  }

  /** Routes every message of `type` to `handler` (after the manager's own handling). */
  on<T extends ServerMessage['type']>(type: T, handler: Handler<T>): () => void {
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    const h = handler as (message: ServerMessage) => void;
    set.add(h);
    return () => {
      set.delete(h);
      if (set.size === 0) this.#handlers.delete(type);
    };
  }

  /** Number of attached message handlers (leak tests read it). */
  get handlerCount(): number {
    let n = 0;
    for (const set of this.#handlers.values()) n += set.size;
    return n;
  }

  /**
   * Keeps `topic` subscribed: now if open, and after every reconnect, each time with the
   * position `since()` returns. The returned function unsubscribes.
   */
  subscribeTopic(topic: string, since: () => Position | undefined): () => void {
    this.#topics.set(topic, since);
    if (this.state === 'open') this.#sendSubscribe(topic, since);
    return () => {
      if (this.#topics.get(topic) !== since) return;
      this.#topics.delete(topic);
      if (this.state === 'open') this.send({ type: 'unsubscribe', topic });
    };
  }

  /** Subscribes `topic` again from its current position (after a gap). */
  resubscribe(topic: string): void {
    const since = this.#topics.get(topic);
    if (since && this.state === 'open') this.#sendSubscribe(topic, since);
  }

  get topicCount(): number {
    return this.#topics.size;
  }

  /** Sends when open; false otherwise (the caller keeps the message for later). */
  send(message: ClientMessage): boolean {
    if (this.state !== 'open' || !this.#socket || this.#socket.readyState !== OPEN) return false;
    try {
      this.#socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  #sendSubscribe(topic: string, since: () => Position | undefined): void {
    const position = since();
    this.send(position ? { type: 'subscribe', topic, since: position } : { type: 'subscribe', topic });
  }

  #open(): void {
    this.#clearTimers();
    this.#dropSocket(1000, 'reconnecting');
    let socket: WebSocketLike;
    try {
      socket = new this.#options.WebSocket(this.#options.url);
    } catch (error) {
      this.#fail({ code: 'connect_failed', message: describe(error) });
      return;
    }
    this.#socket = socket;
    this.#decoder = new ServerFrameDecoder({ onUnknownId: (id) => (this.#unknownTopicId ??= id) });
    this.#unknownTopicId = null;
    this.update({ state: 'connecting', nextRetryAt: null });
    this.#connectTimer = setTimeout(() => {
      this.#connectTimer = null;
      this.#fail({ code: 'connect_timeout', message: `no welcome within ${this.#options.config.connectTimeoutMs} ms` });
    }, this.#options.config.connectTimeoutMs);

    socket.onopen = () => {
      if (socket !== this.#socket) return;
      if (this.#helloReady) this.#sendHello(socket);
      else {
        const hello = () => this.#sendHello(socket);
        this.#options.helloAfter?.then(hello, hello);
      }
    };
    socket.onmessage = (event) => {
      if (socket !== this.#socket) return;
      this.#onFrame(event.data);
    };
    socket.onerror = () => {
      // A close always follows; the close event carries the code we act on.
    };
    socket.onclose = (event) => {
      if (socket !== this.#socket) return;
      this.#onClose(event.code, event.reason);
    };
  }

  #sendHello(socket: WebSocketLike): void {
    if (socket !== this.#socket) return;
    // event-rows + topic-ids: events of a topic arrive as compact rows under a topic id; the decoder expands them.
    const hello: HelloMessage = { type: 'hello', protocol: PROTOCOL_VERSION, features: [Feature.EVENT_ROWS, Feature.TOPIC_IDS, Feature.TS_BASE], ...this.#options.hello() };
    try {
      socket.send(JSON.stringify(hello));
    } catch (error) {
      this.#fail({ code: 'send_failed', message: describe(error) });
    }
  }

  #onFrame(data: unknown): void {
    const socket = this.#socket;
    this.#lastMessageAt = this.#now();
    if (this.#probeTimer) {
      // Any frame answers the offline probe: the connection is alive (e.g. a LAN server).
      clearTimeout(this.#probeTimer);
      this.#probeTimer = null;
    }
    let messages: ServerMessage[];
    try {
      messages = this.#decoder.decode(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
    } catch {
      return; // A frame we cannot parse is dropped; the protocol is JSON only.
    }
    for (const message of messages) {
      if (this.state === 'closed') return;
      if (!message || typeof message !== 'object') continue;
      if (message.type === 'welcome') this.#onWelcome(message);
      else if (message.type === 'error' && message.code === LAGGING) {
        const bytes = message.details?.bufferedBytes;
        this.#lagging = { bufferedBytes: typeof bytes === 'number' ? bytes : null };
      } else if (message.type === 'ping') this.#socket?.send(JSON.stringify({ type: 'pong', ts: message.ts }));
      else if (message.type === 'pong' && typeof message.ts === 'number') {
        this.update({ latencyMs: Math.max(0, this.#now() - message.ts) });
      }
      const set = this.#handlers.get(message.type);
      if (!set) continue;
      for (const handler of [...set]) {
        try {
          handler(message);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
    const unknownId = this.#unknownTopicId;
    if (unknownId !== null && this.#socket === socket && (this.state === 'open' || this.state === 'connecting')) {
      // Its events were dropped, not guessed at: a new connection resumes every topic from its position.
      this.#fail({ code: 'unknown_topic_id', message: `the server sent events under topic id ${unknownId}, which it never told this connection; reconnecting` });
    }
  }

  #onWelcome(welcome: WelcomeMessage): void {
    if (this.#connectTimer) clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
    this.#welcome = welcome;
    this.#lagging = null;
    this.#serverHeartbeatMs = welcome.heartbeatIntervalMs > 0 ? welcome.heartbeatIntervalMs : null;
    const reconnects = this.getSnapshot().reconnects + (this.#everOpened ? 1 : 0);
    this.#everOpened = true;
    this.update({
      state: 'open',
      attempt: 0,
      lastError: null,
      nextRetryAt: null,
      connectionId: welcome.connectionId,
      connectedAt: this.#now(),
      reconnects,
    });
    for (const [topic, since] of this.#topics) this.#sendSubscribe(topic, since);
    this.#scheduleHeartbeat();
  }

  #heartbeatIntervalMs(): number {
    const { config, environment } = this.#options;
    const visible = Math.min(config.heartbeatIntervalMs, this.#serverHeartbeatMs ?? Infinity);
    if (environment.state.visible) return visible;
    // Relaxed while hidden, but never so far that the server's own timeout closes us.
    return Math.max(visible, Math.min(config.hiddenHeartbeatIntervalMs, (this.#serverHeartbeatMs ?? Infinity) * 2));
  }

  #scheduleHeartbeat(): void {
    if (this.#heartbeatTimer) clearTimeout(this.#heartbeatTimer);
    const interval = this.#heartbeatIntervalMs();
    this.#heartbeatTimer = setTimeout(() => {
      this.#heartbeatTimer = null;
      if (this.state !== 'open') return;
      const deadMs = Math.max(this.#options.config.deadConnectionTimeoutMs, interval * 2);
      if (this.#now() - this.#lastMessageAt > deadMs) {
        this.#fail({ code: 'heartbeat_timeout', message: `no message for ${deadMs} ms` });
        return;
      }
      this.send({ type: 'ping', ts: this.#now() });
      this.#scheduleHeartbeat();
    }, interval);
  }

  #onClose(code: number, reason: string): void {
    if (FATAL_CLOSE_CODES.has(code)) {
      this.#clearTimers();
      this.#dropSocket();
      this.#welcome = null;
      this.update({
        state: 'fatal',
        // The reason is the server's code (`token_revoked`, `client_id_in_use`, …) when it sent one.
        lastError: { code: CODE_PATTERN.test(reason) ? reason : 'fatal_close', message: reason || `closed with code ${code}`, closeCode: code },
        nextRetryAt: null,
        connectionId: null,
      });
      return;
    }
    const lagging = this.#lagging;
    if (lagging && (code === CloseCode.SLOW_CONSUMER || code === ABNORMAL_CLOSURE)) {
      // Told before the cut: nothing is wrong with the server, so resume by offset at once.
      const waiting = lagging.bufferedBytes === null ? '' : ` (${lagging.bufferedBytes} bytes waiting)`;
      this.#fail({ code: LAGGING, message: `the server cut this connection because it could not keep up${waiting}; resuming`, closeCode: code }, 0);
      return;
    }
    this.#fail({ code: 'closed', message: reason || `closed with code ${code}`, closeCode: code });
  }

  /** The current socket failed: drop it and schedule the next attempt (or wait offline); `delayMs` overrides the backoff. */
  #fail(error: ConnectionError, delayMs?: number): void {
    if (this.state === 'closed' || this.state === 'fatal') return;
    this.#clearTimers();
    this.#dropSocket(4000, error.code);
    this.#welcome = null;
    this.#lagging = null;
    const attempt = this.getSnapshot().attempt;
    if (!this.#options.environment.state.online) {
      this.update({ state: 'offline', lastError: error, attempt: attempt + 1, nextRetryAt: null, connectionId: null });
      return;
    }
    const { reconnectMinDelayMs, reconnectMaxDelayMs, rateLimitedReconnectDelayMs } = this.#options.config;
    // Rate limited: the server asked for a longer pause, so wait at least half of its delay.
    const delay =
      delayMs ??
      (error.closeCode === CloseCode.RATE_LIMITED
        ? Math.floor(rateLimitedReconnectDelayMs / 2 + this.#random() * (rateLimitedReconnectDelayMs / 2))
        : fullJitterDelayMs(attempt, reconnectMinDelayMs, reconnectMaxDelayMs, this.#random));
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#open();
    }, delay);
    this.update({ state: 'reconnecting', lastError: error, attempt: attempt + 1, nextRetryAt: this.#now() + delay, connectionId: null });
  }

  #onEnvironment(signal: string): void {
    const { state } = this.getSnapshot();
    if (signal === 'offline') {
      if (state === 'reconnecting') {
        this.#clearTimers();
        this.update({ state: 'offline', nextRetryAt: null });
      } else if (state === 'open') this.#probe();
      return;
    }
    if (signal === 'hidden') {
      if (state === 'open') this.#scheduleHeartbeat();
      return;
    }
    // online / focus: try at once instead of waiting out the backoff.
    if (state === 'reconnecting' || state === 'offline') this.#open();
    else if (state === 'open') {
      // Back from hidden: probe now, and judge silence from here on at the visible rate.
      this.#lastMessageAt = Math.max(this.#lastMessageAt, this.#now() - this.#heartbeatIntervalMs());
      this.send({ type: 'ping', ts: this.#now() });
      this.#scheduleHeartbeat();
    }
  }

  /**
   * The network may be gone while the socket still looks open (a dead TCP connection
   * reports nothing until the heartbeat times out): ping now and judge it dead unless some
   * frame arrives within `offlineProbeTimeoutMs`.
   */
  #probe(): void {
    if (this.#probeTimer) return;
    const timeoutMs = this.#options.config.offlineProbeTimeoutMs;
    if (!this.send({ type: 'ping', ts: this.#now() })) {
      this.#fail({ code: 'offline', message: 'the network went offline' });
      return;
    }
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = null;
      if (this.state === 'open') this.#fail({ code: 'offline', message: `offline: no answer to a ping within ${timeoutMs} ms` });
    }, timeoutMs);
  }

  #clearTimers(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#connectTimer) clearTimeout(this.#connectTimer);
    if (this.#heartbeatTimer) clearTimeout(this.#heartbeatTimer);
    if (this.#probeTimer) clearTimeout(this.#probeTimer);
    this.#retryTimer = this.#connectTimer = this.#heartbeatTimer = this.#probeTimer = null;
  }

  /** Detaches and closes the current socket, so its late events can do nothing. */
  #dropSocket(code?: number, reason?: string): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = null;
    socket.onopen = socket.onmessage = socket.onclose = null;
    // Keep a no-op error handler: `ws` throws on an unhandled 'error' of a closing socket.
    socket.onerror = () => {};
    try {
      socket.close(code, reason);
    } catch {
      // Already closed or never opened.
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
