import { describeZodError, isPulseboardError, PulseboardError, slugSchema, streamKeySchema, type PointValue } from '@pulseboard/model';
import {
  CloseCode,
  dashboardTopic,
  ErrorCode,
  parseClientMessage,
  parseTopic,
  PROTOCOL_VERSION,
  type AckMessage,
  type ClientMessage,
  type ErrorMessage,
  type HelloMessage,
  type MutateMessage,
  type Position,
  type PresenceMessage,
  type PublishMessage,
  type ServerMessage,
  type SubscribeMessage,
} from '@pulseboard/protocol';
import { AUTH_FAILURE_MESSAGES, canAccessDashboard, canPush, type Auth } from '../auth.js';
import { bindClientId, CLIENT_ID_IN_USE } from '../client-binding.js';
import type { CachedSnapshot, SnapshotCache } from '../snapshot-cache.js';
import type { MutationRecord, StoredEvent } from '../storage/storage.js';
import { FUTURE_TS_MESSAGE, isTooFarAhead } from '../stream-timestamps.js';
import type { SyncService } from '../sync-service.js';
import type { Connection } from './connection.js';
import type { GatewayConfig } from './gateway-config.js';
import { ReplayGapError, type Hub, type Subscription } from './hub.js';
import { SharedFrame, type OutItem } from './outbox.js';

/** What the handlers need from the gateway. */
export interface HandlerContext {
  sync: SyncService;
  auth: Auth;
  hub: Hub<Connection>;
  cache: SnapshotCache;
  config: GatewayConfig;
  send(conn: Connection, message: ServerMessage): void;
  sendRaw(conn: Connection, item: OutItem): void;
  close(conn: Connection, code: number, reason: string): void;
  removeSubscription(sub: Subscription<Connection>): void;
  /** Called right after `welcome` is queued: runs the messages that came in meanwhile. */
  onOpen(conn: Connection): void;
  log(message: string, error?: unknown): void;
}

type ErrorRef = NonNullable<ErrorMessage['ref']>;

/** Times a subscribe starts over from a fresh snapshot when the log was trimmed under it. */
const MAX_SNAPSHOT_RETRIES = 3;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function notFound(topic: string): PulseboardError {
  const parsed = parseTopic(topic);
  const what = parsed?.kind === 'stream' ? `stream "${parsed.key}"` : `dashboard "${parsed?.id ?? topic}"`;
  return new PulseboardError(ErrorCode.NOT_FOUND, `${what} does not exist`, { status: 404 });
}

/**
 * What the server does with each client message (docs/protocol.md). Every handler catches
 * its own failures: an expected one becomes an `error` naming the problem, an unexpected
 * one is logged and answered with `error` internal; the connection stays up.
 */
export class MessageHandlers {
  readonly #ctx: HandlerContext;
  /** The `subscribed` frame built from a cached snapshot, shared by every subscriber that gets it. */
  readonly #subscribedFrames = new WeakMap<CachedSnapshot, SharedFrame>();

  constructor(context: HandlerContext) {
    this.#ctx = context;
  }

  /** The first message of a connection: it must be a valid `hello`. Returns its type for metrics (`hello` or `invalid`). */
  handleFirst(conn: Connection, text: string): 'hello' | 'invalid' {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.#error(conn, ErrorCode.BAD_JSON, 'the message is not valid JSON');
      this.#ctx.close(conn, CloseCode.PROTOCOL_ERROR, 'the first message must be a JSON "hello"');
      return 'invalid';
    }
    // A client of another version may shape its hello differently: answer 4002, not 4400.
    const protocol = (json as { type?: unknown; protocol?: unknown } | null)?.protocol;
    if ((json as { type?: unknown } | null)?.type === 'hello' && typeof protocol === 'number' && protocol !== PROTOCOL_VERSION) {
      const reason = `protocol ${protocol} is not supported; this server speaks ${PROTOCOL_VERSION}`;
      this.#error(conn, ErrorCode.BAD_MESSAGE, reason, { type: 'hello' });
      this.#ctx.close(conn, CloseCode.UNSUPPORTED_PROTOCOL, reason);
      return 'invalid';
    }
    const parsed = parseClientMessage(json);
    if (parsed.ok && parsed.message.type === 'hello') {
      conn.phase = 'authenticating';
      void this.#hello(conn, parsed.message);
      return 'hello';
    }
    if (!parsed.ok && parsed.ref?.type === 'hello') {
      this.#error(conn, parsed.code, parsed.error, { type: 'hello' });
      this.#ctx.close(conn, CloseCode.PROTOCOL_ERROR, parsed.error);
      return 'invalid';
    }
    this.#error(conn, ErrorCode.BAD_MESSAGE, 'the first message must be "hello"');
    this.#ctx.close(conn, CloseCode.PROTOCOL_ERROR, 'the first message must be "hello"');
    return 'invalid';
  }

  /** A validated message of an open connection. */
  handle(conn: Connection, message: ClientMessage): void {
    switch (message.type) {
      case 'hello':
        return this.#error(conn, ErrorCode.BAD_MESSAGE, 'hello: this connection already said hello', { type: 'hello' });
      case 'subscribe':
        void this.#guard(conn, { type: 'subscribe', topic: message.topic }, () => this.#subscribe(conn, message));
        return;
      case 'unsubscribe': {
        const sub = conn.subs?.get(message.topic);
        if (sub) this.#ctx.removeSubscription(sub);
        return this.#ctx.send(conn, { type: 'unsubscribed', topic: message.topic });
      }
      case 'mutate':
        return conn.chain(() => this.#guard(conn, { type: 'mutate', mutationId: message.mutationId }, () => this.#mutate(conn, message)));
      case 'publish':
        return conn.chain(() => this.#guard(conn, { type: 'publish', ...(message.id === undefined ? {} : { id: message.id }) }, () => this.#publish(conn, message)));
      case 'ping':
        return this.#ctx.send(conn, { type: 'pong', ts: message.ts ?? Date.now() });
      case 'pong':
        return;
      case 'presence':
        return this.#presence(conn, message);
    }
  }

  /** Tells the other viewers of `topic` that this connection's preview is over (it left). */
  relayPresenceEnd(conn: Connection, topic: string): void {
    this.#relayPresence(conn, topic, null, null);
  }

  async #hello(conn: Connection, message: HelloMessage): Promise<void> {
    try {
      const checked = await this.#ctx.auth.check(message.token);
      if (conn.closed) return;
      if (!checked.ok) {
        // The close reason is the code (unauthorized, token_revoked, token_expired), so a client can say which.
        this.#error(conn, checked.code, AUTH_FAILURE_MESSAGES[checked.code], { type: 'hello' });
        return this.#ctx.close(conn, CloseCode.UNAUTHORIZED, checked.code);
      }
      const principal = checked.principal;
      // Set before the next await, so a revocation meanwhile (closeConnectionsOfToken) finds this connection.
      conn.principal = principal;
      try {
        await bindClientId(this.#ctx.sync.storage, message.clientId, principal);
      } catch (error) {
        if (!isPulseboardError(error) || error.code !== CLIENT_ID_IN_USE) throw error;
        if (conn.closed) return;
        this.#error(conn, ErrorCode.CLIENT_ID_IN_USE, error.message, { type: 'hello' });
        return this.#ctx.close(conn, CloseCode.FORBIDDEN, CLIENT_ID_IN_USE);
      }
      if (conn.closed) return;
      const lastMutationId = await this.#ctx.sync.storage.getLastMutationId(message.clientId);
      if (conn.closed) return;
      conn.clientId = message.clientId;
      conn.actor = message.name ?? principal.name;
      conn.phase = 'open';
      this.#ctx.send(conn, {
        type: 'welcome',
        protocol: PROTOCOL_VERSION,
        connectionId: conn.id,
        clientId: message.clientId,
        lastMutationId,
        heartbeatIntervalMs: this.#ctx.config.heartbeatIntervalMs,
        serverTime: Date.now(),
      });
      this.#ctx.onOpen(conn);
    } catch (error) {
      this.#ctx.log(`connection ${conn.id}: hello failed`, error);
      this.#error(conn, ErrorCode.INTERNAL, 'internal error; the server logged it', { type: 'hello' });
      this.#ctx.close(conn, 1011, 'internal error');
    }
  }

  async #subscribe(conn: Connection, message: SubscribeMessage): Promise<void> {
    const topic = message.topic;
    const ref: ErrorRef = { type: 'subscribe', topic };
    const parsed = parseTopic(topic);
    const idCheck = parsed?.kind === 'stream' ? streamKeySchema.safeParse(parsed.key) : slugSchema.safeParse(parsed?.id);
    if (!parsed || !idCheck.success) {
      return this.#error(conn, ErrorCode.BAD_MESSAGE, `subscribe: topic: ${idCheck.success ? 'invalid' : describeZodError(idCheck.error)}`, ref);
    }
    const principal = conn.principal;
    const allowed =
      principal !== null &&
      (parsed.kind === 'dashboard' ? canAccessDashboard(principal, parsed.id, 'view') : await this.#ctx.sync.streamAccess.canRead(principal, parsed.key));
    if (conn.closed) return;
    if (!allowed) return this.#error(conn, ErrorCode.FORBIDDEN, `this token may not read ${topic}`, ref);

    const subs = (conn.subs ??= new Map());
    const existing = subs.get(topic);
    if (existing) this.#ctx.removeSubscription(existing);
    else if (subs.size >= this.#ctx.config.maxSubscriptionsPerConnection) {
      return this.#error(conn, ErrorCode.BAD_MESSAGE, `subscribe: at most ${this.#ctx.config.maxSubscriptionsPerConnection} topics per connection`, ref);
    }
    const sub = this.#ctx.hub.add(conn, topic);
    subs.set(topic, sub);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          if (attempt === 0 && message.since && (await this.#replay(conn, sub, message.since))) break;
          await this.#snapshot(conn, sub);
          break;
        } catch (error) {
          if (!(error instanceof ReplayGapError) || attempt >= MAX_SNAPSHOT_RETRIES || sub.removed) throw error;
          // The cached snapshot is older than what the log still holds: read a fresh one.
          this.#ctx.cache.invalidate(topic);
          sub.ready = false;
        }
      }
      if (!sub.removed) this.#checkAckWaiter(sub);
    } catch (error) {
      if (!sub.removed) this.#ctx.removeSubscription(sub);
      throw error;
    }
  }

  /**
   * Replays every event after `since` when the log still holds them: `subscribed
   * {recovered: true}`, the events in batches, then live. False when it cannot (other epoch,
   * trimmed): the caller sends a snapshot instead.
   */
  async #replay(conn: Connection, sub: Subscription<Connection>, since: Position): Promise<boolean> {
    const cached = await this.#ctx.cache.replay(sub.topic, since);
    if (sub.removed) return true;
    if (cached) {
      this.#ctx.send(conn, { type: 'subscribed', topic: sub.topic, epoch: since.epoch, offset: since.offset, recovered: true });
      sub.epoch = since.epoch;
      sub.offset = since.offset;
      for (const event of cached) this.#ctx.hub.sendStored(sub, event);
      await this.#ctx.hub.activate(sub);
      return true;
    }
    const { storage } = this.#ctx.sync;
    const batchSize = this.#ctx.config.replayBatchSize;
    const head = await storage.getHead(sub.topic);
    if (sub.removed) return true;
    if (!head) throw notFound(sub.topic);
    if (head.epoch !== since.epoch || since.offset < head.firstOffset - 1 || since.offset > head.offset) return false;
    let batch = await storage.readEvents(sub.topic, since.offset, batchSize);
    if (sub.removed) return true;
    if (!continues(batch, since)) return false;
    this.#ctx.send(conn, { type: 'subscribed', topic: sub.topic, epoch: since.epoch, offset: since.offset, recovered: true });
    sub.epoch = since.epoch;
    sub.offset = since.offset;
    for (;;) {
      for (const event of batch) this.#ctx.hub.sendStored(sub, event);
      if (batch.length < batchSize) break;
      // Let the outbox send this batch as its own frame before reading the next.
      await yieldToEventLoop();
      if (sub.removed) return true;
      batch = await storage.readEvents(sub.topic, sub.offset, batchSize);
      if (sub.removed) return true;
      if (!continues(batch, sub)) throw new ReplayGapError(sub.topic, sub.offset);
    }
    await this.#ctx.hub.activate(sub);
    return true;
  }

  /** `subscribed {recovered: false}` with the snapshot and its position, then live events after it. */
  async #snapshot(conn: Connection, sub: Subscription<Connection>): Promise<void> {
    const snapshot = await this.#ctx.cache.get(sub.topic);
    if (sub.removed) return;
    if (!snapshot) throw notFound(sub.topic);
    let frame = this.#subscribedFrames.get(snapshot);
    if (!frame) {
      frame = new SharedFrame(
        `{"type":"subscribed","topic":${JSON.stringify(snapshot.topic)},"epoch":${JSON.stringify(snapshot.epoch)},` +
          `"offset":${snapshot.offset},"recovered":false,"snapshot":${snapshot.json}}`,
      );
      this.#subscribedFrames.set(snapshot, frame);
    }
    this.#ctx.sendRaw(conn, frame);
    sub.epoch = snapshot.epoch;
    sub.offset = snapshot.offset;
    await this.#ctx.hub.activate(sub);
  }

  async #mutate(conn: Connection, message: MutateMessage): Promise<void> {
    const principal = conn.principal;
    if (!principal || !canAccessDashboard(principal, message.dashboardId, 'edit')) {
      // Not recorded: lastMutationId does not move (docs/protocol.md, "Mutations").
      return this.#ctx.send(conn, {
        type: 'ack',
        dashboardId: message.dashboardId,
        mutationId: message.mutationId,
        status: 'rejected',
        error: { code: ErrorCode.FORBIDDEN, message: `this token may not edit dashboard "${message.dashboardId}"` },
      });
    }
    let record: MutationRecord;
    try {
      record = await this.#ctx.sync.mutate({
        clientId: conn.clientId,
        mutationId: message.mutationId,
        dashboardId: message.dashboardId,
        name: message.name,
        args: message.args,
        ...(conn.actor === undefined ? {} : { actor: conn.actor }),
      });
    } catch (error) {
      if (!isPulseboardError(error)) throw error;
      return this.#error(conn, error.code, error.message, { type: 'mutate', mutationId: message.mutationId }, error.details);
    }
    if (record.event) {
      this.#ingest(record.event);
      await this.#waitForOwnEvent(conn, record.event);
    }
    this.#ctx.send(conn, ackOf(record));
  }

  async #publish(conn: Connection, message: PublishMessage): Promise<void> {
    const ref: ErrorRef = { type: 'publish', ...(message.id === undefined ? {} : { id: message.id }) };
    if (!conn.principal || !canPush(conn.principal, message.stream)) {
      return this.#error(conn, ErrorCode.FORBIDDEN, `this token may not push to stream "${message.stream}"`, ref);
    }
    const points = message.points ?? [{ value: message.value as PointValue }];
    // Same rule as HTTP: one far-future point would trim the stream's whole history by age.
    const now = Date.now();
    const ahead = points.findIndex((point) => point.ts !== undefined && isTooFarAhead(point.ts, now));
    if (ahead >= 0) return this.#error(conn, ErrorCode.BAD_MESSAGE, `publish: points.${ahead}.ts: ${FUTURE_TS_MESSAGE}`, ref);
    let events: StoredEvent[];
    try {
      const results = await this.#ctx.sync.push([{ key: message.stream, points }]);
      events = results[0]?.events ?? [];
    } catch (error) {
      if (!isPulseboardError(error)) throw error;
      return this.#error(conn, error.code, error.message, ref, error.details);
    }
    for (const event of events) this.#ingest(event);
    const last = events[events.length - 1];
    this.#ctx.send(conn, { type: 'published', ...(message.id === undefined ? {} : { id: message.id }), stream: message.stream, offset: last?.offset ?? 0 });
  }

  #presence(conn: Connection, message: PresenceMessage): void {
    const topic = dashboardTopic(message.dashboardId);
    // A preview is an edit in progress: a token that may only view has none to show.
    if (!conn.principal || !canAccessDashboard(conn.principal, message.dashboardId, 'edit')) {
      return this.#error(conn, ErrorCode.FORBIDDEN, `presence: this token may not edit dashboard "${message.dashboardId}"`, { type: 'presence', topic });
    }
    const sub = conn.subs?.get(topic);
    if (!sub) {
      return this.#error(conn, ErrorCode.NOT_SUBSCRIBED, `presence: subscribe to ${topic} first`, { type: 'presence', topic });
    }
    sub.presence = message.widgetId !== null;
    this.#relayPresence(conn, topic, message.widgetId, message.layout);
  }

  #relayPresence(conn: Connection, topic: string, widgetId: string | null, layout: PresenceMessage['layout']): void {
    let frame: SharedFrame | null = null;
    for (const other of this.#ctx.hub.subscribers(topic)) {
      if (other.conn === conn || !other.ready) continue;
      frame ??= new SharedFrame(
        JSON.stringify({ type: 'presence', topic, clientId: conn.clientId, ...(conn.actor === undefined ? {} : { name: conn.actor }), widgetId, layout }),
      );
      this.#ctx.sendRaw(other.conn, frame);
    }
  }

  /** The writer's own fast path: the hub drops it if PubSub already delivered it. */
  #ingest(event: StoredEvent): void {
    this.#ctx.cache.apply(event);
    this.#ctx.hub.ingest(event);
  }

  /** Holds the ack until the sender, if subscribed to the topic, has been sent the event. */
  #waitForOwnEvent(conn: Connection, event: StoredEvent): Promise<void> {
    const sub = conn.subs?.get(event.topic);
    if (!sub || sub.removed || conn.closed) return Promise.resolve();
    if (sub.ready && (sub.epoch !== event.epoch || sub.offset >= event.offset)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (conn.ackWaiter === waiter) conn.ackWaiter = null;
        resolve();
      };
      const timer = setTimeout(done, this.#ctx.config.ackWaitTimeoutMs);
      const waiter = { topic: event.topic, epoch: event.epoch, offset: event.offset, resolve: done };
      conn.ackWaiter = waiter;
    });
  }

  #checkAckWaiter(sub: Subscription<Connection>): void {
    const waiter = sub.conn.ackWaiter;
    if (waiter && waiter.topic === sub.topic && sub.epoch !== '' && (sub.epoch !== waiter.epoch || sub.offset >= waiter.offset)) waiter.resolve();
  }

  async #guard(conn: Connection, ref: ErrorRef, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (conn.closed) return;
      if (isPulseboardError(error) && error.status < 500) return this.#error(conn, error.code, error.message, ref, error.details);
      this.#ctx.log(`connection ${conn.id}: ${ref.type ?? 'message'} failed`, error);
      this.#error(conn, ErrorCode.INTERNAL, 'internal error; the server logged it', ref);
    }
  }

  #error(conn: Connection, code: string, message: string, ref?: ErrorRef, details?: Record<string, unknown>): void {
    this.#ctx.send(conn, { type: 'error', code, message, ...(ref ? { ref } : {}), ...(details ? { details } : {}) });
  }
}

/** True when `events` is empty or starts right after `position`, in its epoch. */
function continues(events: StoredEvent[], position: Position): boolean {
  const first = events[0];
  return !first || (first.offset === position.offset + 1 && first.epoch === position.epoch);
}

function ackOf(record: MutationRecord): AckMessage {
  return {
    type: 'ack',
    dashboardId: record.dashboardId,
    mutationId: record.mutationId,
    status: record.status,
    ...(record.offset === undefined ? {} : { offset: record.offset }),
    ...(record.conflicts.length > 0 ? { conflicts: record.conflicts } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}
