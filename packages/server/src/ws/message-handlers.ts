import { describeZodError, isPulseboardError, PulseboardError, safeParseWithMessages, slugSchema, streamKeySchema, type PointValue } from '@pulseboard/model';
import {
  CloseCode,
  dashboardTopic,
  ErrorCode,
  parseClientMessage,
  parseTopic,
  PROTOCOL_VERSION,
  Feature,
  KNOWN_FEATURES,
  type AckMessage,
  type ClientMessage,
  type ErrorMessage,
  type HelloMessage,
  type MutateMessage,
  type Position,
  type PresenceMessage,
  type ServerPresenceMessage,
  type PublishMessage,
  type ServerMessage,
  type SubscribeMessage,
} from '@pulseboard/protocol';
import { AUTH_FAILURE_MESSAGES, canAccessDashboard, canPush, type Auth } from '../auth.js';
import { bindClientId, CLIENT_ID_IN_USE } from '../client-binding.js';
import type { CachedSnapshot, SnapshotCache } from './snapshot-cache.js';
import type { MutationRecord, StoredEvent } from '../storage/storage.js';
import { FUTURE_TS_MESSAGE, isTooFarAhead } from '../stream-timestamps.js';
import type { SyncService } from '../sync-service.js';
import type { Connection } from './connection.js';
import type { GatewayConfig } from './gateway-config.js';
import { ReplayGapError, type Hub, type Subscription } from './hub.js';
import { AckWaiter } from './ack-waiter.js';
import { SharedFrame, type Outbox } from './outbox.js';
import type { TopicIds } from './topic-ids.js';

/** What the handlers work with, passed down by the gateway that owns them. */
export interface HandlerContext {
  sync: SyncService;
  auth: Auth;
  hub: Hub<Connection>;
  cache: SnapshotCache;
  config: GatewayConfig;
  outbox: Outbox;
  /** Node-wide topic ids (topic-ids feature). */
  topicIds: TopicIds;
  /** Closes a connection the gateway's way (queue flushed, a peer that never answers cut). */
  close(conn: Connection, code: number, reason: string): void;
  log(message: string, error?: unknown): void;
}

/** How a connection's first message went: `hello` (with whether the connection opened) or `invalid`. */
export type FirstMessage = { type: 'hello'; opened: Promise<boolean> } | { type: 'invalid' };

type ErrorRef = NonNullable<ErrorMessage['ref']>;

/** Times a subscribe starts over from a fresh snapshot when the log was trimmed under it. */
const MAX_SNAPSHOT_RETRIES = 3;

const INVALID: FirstMessage = { type: 'invalid' };

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
  /** The same with the topic id (topic-ids connections), kept while the id stays the same. */
  readonly #subscribedIdFrames = new WeakMap<CachedSnapshot, { id: number; frame: SharedFrame }>();

  constructor(context: HandlerContext) {
    this.#ctx = context;
  }

  /**
   * The first message of a connection: it must be a valid `hello`. For a `hello`, `opened`
   * resolves true once `welcome` is queued (then the caller runs what came in meanwhile).
   */
  handleFirst(conn: Connection, text: string): FirstMessage {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.#error(conn, ErrorCode.BAD_JSON, 'the message is not valid JSON');
      this.#ctx.close(conn, CloseCode.PROTOCOL_ERROR, 'the first message must be a JSON "hello"');
      return INVALID;
    }
    // A client of another version may shape its hello differently: answer 4002, not 4400.
    const protocol = (json as { type?: unknown; protocol?: unknown } | null)?.protocol;
    if ((json as { type?: unknown } | null)?.type === 'hello' && typeof protocol === 'number' && protocol !== PROTOCOL_VERSION) {
      const reason = `protocol ${protocol} is not supported; this server speaks ${PROTOCOL_VERSION}`;
      this.#error(conn, ErrorCode.BAD_MESSAGE, reason, { type: 'hello' });
      this.#ctx.close(conn, CloseCode.UNSUPPORTED_PROTOCOL, reason);
      return INVALID;
    }
    const parsed = parseClientMessage(json);
    if (parsed.ok && parsed.message.type === 'hello') {
      conn.phase = 'authenticating';
      return { type: 'hello', opened: this.#hello(conn, parsed.message) };
    }
    if (!parsed.ok && parsed.ref?.type === 'hello') {
      this.#error(conn, parsed.code, parsed.error, { type: 'hello' });
      this.#ctx.close(conn, CloseCode.PROTOCOL_ERROR, parsed.error);
      return INVALID;
    }
    this.#error(conn, ErrorCode.BAD_MESSAGE, 'the first message must be "hello"');
    this.#ctx.close(conn, CloseCode.PROTOCOL_ERROR, 'the first message must be "hello"');
    return INVALID;
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
        if (sub) this.removeSubscription(sub);
        return this.#send(conn, { type: 'unsubscribed', topic: message.topic });
      }
      case 'mutate':
        return conn.chain(() => this.#guard(conn, { type: 'mutate', mutationId: message.mutationId }, () => this.#mutate(conn, message)));
      case 'publish':
        return conn.chain(() => this.#guard(conn, { type: 'publish', ...(message.id === undefined ? {} : { id: message.id }) }, () => this.#publish(conn, message)));
      case 'ping':
        return this.#send(conn, { type: 'pong', ts: message.ts ?? Date.now() });
      case 'pong':
        return;
      case 'presence':
        return this.#presence(conn, message);
    }
  }

  /** Ends a subscription (unsubscribe, resubscribe, close): its ack waiter lets go, its presence preview ends for the others. */
  removeSubscription(sub: Subscription<Connection>): void {
    if (sub.removed) return;
    const conn = sub.conn;
    if (conn.subs?.get(sub.topic) === sub) conn.subs.delete(sub.topic);
    this.#ctx.hub.remove(sub);
    if (conn.topicIds) this.#ctx.topicIds.release(sub.topic);
    conn.ackWaiter?.settleIfTopic(sub.topic);
    if (sub.presence) this.#relayPresence(conn, sub.topic, { widgetId: null, layout: null, gone: true });
  }

  /** Checks the token and answers `welcome`; true when the connection is open. */
  async #hello(conn: Connection, message: HelloMessage): Promise<boolean> {
    try {
      const checked = await this.#ctx.auth.check(message.token);
      if (conn.closed) return false;
      if (!checked.ok) {
        // The close reason is the code (unauthorized, token_revoked, token_expired), so a client can say which.
        this.#error(conn, checked.code, AUTH_FAILURE_MESSAGES[checked.code], { type: 'hello' });
        this.#ctx.close(conn, CloseCode.UNAUTHORIZED, checked.code);
        return false;
      }
      const principal = checked.principal;
      // Set before the next await, so a revocation meanwhile (closeConnectionsOfToken) finds this connection.
      conn.principal = principal;
      try {
        await bindClientId(this.#ctx.sync.storage, message.clientId, principal);
      } catch (error) {
        if (!isPulseboardError(error) || error.code !== CLIENT_ID_IN_USE) throw error;
        if (conn.closed) return false;
        this.#error(conn, ErrorCode.CLIENT_ID_IN_USE, error.message, { type: 'hello' });
        this.#ctx.close(conn, CloseCode.FORBIDDEN, CLIENT_ID_IN_USE);
        return false;
      }
      if (conn.closed) return false;
      const lastMutationId = await this.#ctx.sync.storage.getLastMutationId(message.clientId);
      if (conn.closed) return false;
      conn.clientId = message.clientId;
      conn.actor = message.name ?? principal.name;
      conn.phase = 'open';
      // topic-ids shortens event rows, so it is granted only with event-rows; ts-base shortens rows under ids, so only with topic-ids.
      const asked = message.features;
      const compact = asked?.includes(Feature.EVENT_ROWS) === true;
      const features = asked?.filter(
        (feature) =>
          KNOWN_FEATURES.includes(feature) &&
          (feature !== Feature.TOPIC_IDS || compact) &&
          (feature !== Feature.TS_BASE || (compact && asked.includes(Feature.TOPIC_IDS))),
      );
      conn.eventRows = features?.includes(Feature.EVENT_ROWS) === true;
      conn.topicIds = features?.includes(Feature.TOPIC_IDS) === true;
      conn.tsBase = features?.includes(Feature.TS_BASE) === true ? this.#ctx.topicIds.tsBase : 0;
      this.#send(conn, {
        type: 'welcome',
        protocol: PROTOCOL_VERSION,
        connectionId: conn.id,
        clientId: message.clientId,
        lastMutationId,
        heartbeatIntervalMs: this.#ctx.config.heartbeatIntervalMs,
        serverTime: Date.now(),
        ...(features ? { features } : {}),
        ...(conn.tsBase !== 0 ? { tsBase: conn.tsBase } : {}),
      });
      return true;
    } catch (error) {
      this.#ctx.log(`connection ${conn.id}: hello failed`, error);
      this.#error(conn, ErrorCode.INTERNAL, 'internal error; the server logged it', { type: 'hello' });
      this.#ctx.close(conn, 1011, 'internal error');
      return false;
    }
  }

  async #subscribe(conn: Connection, message: SubscribeMessage): Promise<void> {
    const topic = message.topic;
    const ref: ErrorRef = { type: 'subscribe', topic };
    const parsed = parseTopic(topic);
    const idCheck = parsed?.kind === 'stream' ? safeParseWithMessages(streamKeySchema, parsed.key) : safeParseWithMessages(slugSchema, parsed?.id);
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
    if (!existing && subs.size >= this.#ctx.config.maxSubscriptionsPerConnection) {
      return this.#error(conn, ErrorCode.BAD_MESSAGE, `subscribe: at most ${this.#ctx.config.maxSubscriptionsPerConnection} topics per connection`, ref);
    }
    // Held before the old subscription lets go, so a resubscribe keeps the topic's id.
    if (conn.topicIds) this.#ctx.topicIds.retain(topic);
    if (existing) this.removeSubscription(existing);
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
      if (!sub.removed) conn.ackWaiter?.settleIfSent(sub);
    } catch (error) {
      if (!sub.removed) this.removeSubscription(sub);
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
      this.#send(conn, { type: 'subscribed', topic: sub.topic, epoch: since.epoch, offset: since.offset, recovered: true, ...this.#tellTopicId(sub, since.epoch) });
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
    this.#send(conn, { type: 'subscribed', topic: sub.topic, epoch: since.epoch, offset: since.offset, recovered: true, ...this.#tellTopicId(sub, since.epoch) });
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
    this.#ctx.outbox.enqueue(conn, conn.topicIds ? this.#subscribedWithId(sub, snapshot) : this.#subscribedFrame(snapshot));
    sub.epoch = snapshot.epoch;
    sub.offset = snapshot.offset;
    await this.#ctx.hub.activate(sub);
  }

  #subscribedFrame(snapshot: CachedSnapshot): SharedFrame {
    let frame = this.#subscribedFrames.get(snapshot);
    if (!frame) {
      frame = new SharedFrame(
        `{"type":"subscribed","topic":${JSON.stringify(snapshot.topic)},"epoch":${JSON.stringify(snapshot.epoch)},` +
          `"offset":${snapshot.offset},"recovered":false,"snapshot":${snapshot.json}}`,
      );
      this.#subscribedFrames.set(snapshot, frame);
    }
    return frame;
  }

  /** The `subscribed` of a snapshot with the topic id, for a topic-ids connection (shared while the id lasts). */
  #subscribedWithId(sub: Subscription<Connection>, snapshot: CachedSnapshot): SharedFrame {
    const { id } = this.#tellTopicId(sub, snapshot.epoch);
    const cached = this.#subscribedIdFrames.get(snapshot);
    if (cached?.id === id) return cached.frame;
    const frame = new SharedFrame(
      `{"type":"subscribed","topic":${JSON.stringify(snapshot.topic)},"epoch":${JSON.stringify(snapshot.epoch)},` +
        `"offset":${snapshot.offset},"recovered":false,"id":${id},"snapshot":${snapshot.json}}`,
    );
    this.#subscribedIdFrames.set(snapshot, { id, frame });
    return frame;
  }

  /**
   * The `id` of a `subscribed` for a topic-ids connection (none for others): the subscription
   * remembers it, so events of another epoch (another id) go out with their topic instead.
   */
  #tellTopicId(sub: Subscription<Connection>, epoch: string): { id: number } | Record<string, never> {
    if (!sub.conn.topicIds) return {};
    sub.topicId = this.#ctx.topicIds.idOf(sub.topic, epoch);
    return { id: sub.topicId };
  }

  async #mutate(conn: Connection, message: MutateMessage): Promise<void> {
    const principal = conn.principal;
    if (!principal || !canAccessDashboard(principal, message.dashboardId, 'edit')) {
      // Not recorded: lastMutationId does not move (docs/protocol.md, "Mutations").
      return this.#send(conn, {
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
      // The writer's own fast path: the hub drops the event if PubSub already delivered it.
      this.#ctx.hub.ingestCommitted(record.event);
      await AckWaiter.wait(conn, record.event, this.#ctx.config.ackWaitTimeoutMs);
    }
    this.#send(conn, ackOf(record));
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
    for (const event of events) this.#ctx.hub.ingestCommitted(event);
    const last = events[events.length - 1];
    this.#send(conn, { type: 'published', ...(message.id === undefined ? {} : { id: message.id }), stream: message.stream, offset: last?.offset ?? 0 });
  }

  #presence(conn: Connection, message: PresenceMessage): void {
    const topic = dashboardTopic(message.dashboardId);
    // A preview, edit mode or a selection is an edit in progress: a token that may only view
    // has none to show; it may still say it is here (viewing).
    const editingSomething = message.widgetId !== null || message.editing === true || (message.selectedId ?? null) !== null;
    if (!conn.principal || (editingSomething && !canAccessDashboard(conn.principal, message.dashboardId, 'edit'))) {
      return this.#error(conn, ErrorCode.FORBIDDEN, `presence: this token may not edit dashboard "${message.dashboardId}"`, { type: 'presence', topic });
    }
    const sub = conn.subs?.get(topic);
    if (!sub) {
      return this.#error(conn, ErrorCode.NOT_SUBSCRIBED, `presence: subscribe to ${topic} first`, { type: 'presence', topic });
    }
    // Once a connection has announced itself, its leaving is announced too (see removeSubscription).
    sub.presence = true;
    const { widgetId, layout, editing, selectedId, join } = message;
    this.#relayPresence(conn, topic, { widgetId, layout, ...(editing === undefined ? {} : { editing }), ...(selectedId === undefined ? {} : { selectedId }), ...(join ? { join } : {}) });
  }

  /** Announces a presence change to every node; each relays it to its own subscribers of the topic. */
  #relayPresence(conn: Connection, topic: string, state: Omit<ServerPresenceMessage, 'type' | 'topic' | 'clientId' | 'name'>): void {
    const payload = JSON.stringify({ type: 'presence', topic, clientId: conn.clientId, ...(conn.actor === undefined ? {} : { name: conn.actor }), ...state });
    this.#ctx.sync.pubsub.publishTransient({ topic, origin: conn.id, payload }).catch((error: unknown) => this.#ctx.log('presence relay failed', error));
  }

  #send(conn: Connection, message: ServerMessage): void {
    this.#ctx.outbox.enqueue(conn, JSON.stringify(message));
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
    this.#send(conn, { type: 'error', code, message, ...(ref ? { ref } : {}), ...(details ? { details } : {}) });
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
