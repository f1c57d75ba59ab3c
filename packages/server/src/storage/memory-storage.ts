import { mergePointValue, PulseboardError, type Dashboard, type PointValue } from '@pulseboard/model';
import { dashboardTopic, streamTopic, type DashboardEventData, type StreamPointEvent, type StreamSnapshot } from '@pulseboard/protocol';
import { applyExactlyOnce, type MutationTransaction, type StoredMutationResult } from './exactly-once.js';
import {
  DASHBOARD_LOG_RETAIN,
  ageCutoff,
  alreadyExists,
  assertMutationId,
  assertStreamLimits,
  countBound,
  newestTs,
  newEpoch,
  notFound,
  pendingStreamEpoch,
  requireTopic,
  tokensToRevoke,
  creatorRevoked,
  summarize,
  sourceAlreadyExists,
  sourceNotFound,
  versionMismatch,
} from './storage-rules.js';
import type {
  AppendResult,
  DashboardSummary,
  MutationInput,
  MutationRecord,
  SourceRecord,
  Storage,
  StoredEvent,
  StreamLimits,
  StreamListOptions,
  StreamSummary,
  TokenRecord,
  TopicHead,
  TopicPosition,
} from './storage.js';

interface TopicLog {
  epoch: string;
  head: number;
  /** events[i].offset === firstOffset + i (dense). */
  firstOffset: number;
  events: StoredEvent[];
}

interface StreamState {
  latest: PointValue;
  latestTs: number;
}

interface ClientState {
  lastMutationId: number;
  /** Stored results by mutation id, oldest first (Map keeps insertion order). */
  results: Map<number, StoredMutationResult>;
}

/**
 * Storage kept in process memory: for tests, demos and as the reference the SQLite and
 * PostgreSQL implementations are checked against (same contract suite). Every method
 * runs synchronously to completion before its promise settles, so each write is atomic;
 * values are cloned on the way in and out so callers never share state with the store.
 */
export class MemoryStorage implements Storage {
  readonly kind = 'memory' as const;
  readonly #dashboards = new Map<string, Dashboard>();
  readonly #topics = new Map<string, TopicLog>();
  readonly #streams = new Map<string, StreamState>();
  readonly #clients = new Map<string, ClientState>();
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #clientOwners = new Map<string, string>();
  readonly #instanceId = newEpoch();
  readonly #sources = new Map<string, SourceRecord>();
  #closed = false;

  /** The exactly-once step's view of this store; values are cloned on the way in. */
  readonly #mutationTx: MutationTransaction = {
    lastMutationId: (clientId) => this.#clients.get(clientId)?.lastMutationId ?? 0,
    storedResult: (clientId, mutationId) => this.#clients.get(clientId)?.results.get(mutationId),
    dashboard: (id) => this.#dashboards.get(id) ?? null,
    appendDashboardEvent: (id, data, now) => {
      const log = this.#dashboardLog(id);
      const event = this.#append(dashboardTopic(id), log, now, structuredClone(data));
      this.#trimDashboardLog(log);
      return event;
    },
    writeDashboard: (doc) => {
      this.#dashboards.set(doc.id, structuredClone(doc));
    },
    recordResult: (clientId, mutationId, result, trimThrough) => {
      const client = this.#clients.get(clientId) ?? { lastMutationId: 0, results: new Map() };
      client.lastMutationId = mutationId;
      client.results.set(mutationId, structuredClone(result));
      for (const id of client.results.keys()) {
        if (id > trimThrough) break;
        client.results.delete(id);
      }
      this.#clients.set(clientId, client);
    },
  };

  async close(): Promise<void> {
    this.#closed = true;
  }

  async listDashboards(): Promise<DashboardSummary[]> {
    this.#open();
    return [...this.#dashboards.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(summarize);
  }

  async getDashboard(id: string): Promise<Dashboard | null> {
    this.#open();
    const doc = this.#dashboards.get(id);
    return doc ? structuredClone(doc) : null;
  }

  async createDashboard(doc: Dashboard): Promise<Dashboard> {
    this.#open();
    if (this.#dashboards.has(doc.id)) throw alreadyExists(doc.id);
    const stored: Dashboard = { ...structuredClone(doc), version: 0 };
    this.#dashboards.set(doc.id, stored);
    // A recreated dashboard starts a new log: a new epoch tells old subscribers to resync.
    this.#topics.set(dashboardTopic(doc.id), { epoch: newEpoch(), head: 0, firstOffset: 1, events: [] });
    return structuredClone(stored);
  }

  async replaceDashboard(doc: Dashboard, options: { ifVersion?: number; now: number }): Promise<{ doc: Dashboard; event: StoredEvent }> {
    this.#open();
    const current = this.#dashboards.get(doc.id);
    if (!current) throw notFound(doc.id);
    if (options.ifVersion !== undefined && options.ifVersion !== current.version) {
      throw versionMismatch(doc.id, options.ifVersion, current.version);
    }
    const log = this.#dashboardLog(doc.id);
    const offset = log.head + 1;
    const next: Dashboard = {
      ...structuredClone(doc),
      version: offset,
      createdAt: current.createdAt,
      updatedAt: new Date(options.now).toISOString(),
    };
    const event = this.#append(dashboardTopic(doc.id), log, options.now, { kind: 'replace', doc: structuredClone(next) });
    this.#trimDashboardLog(log);
    this.#dashboards.set(doc.id, next);
    return { doc: structuredClone(next), event: structuredClone(event) };
  }

  async deleteDashboard(id: string, now: number): Promise<StoredEvent | null> {
    this.#open();
    if (!this.#dashboards.has(id)) return null;
    const log = this.#dashboardLog(id);
    // The log stays (so lagging readers can replay the `deleted` event) until the id is reused.
    const event = this.#append(dashboardTopic(id), log, now, { kind: 'deleted' });
    this.#trimDashboardLog(log);
    this.#dashboards.delete(id);
    return structuredClone(event);
  }

  async applyMutation(input: MutationInput, now: number): Promise<MutationRecord> {
    this.#open();
    assertMutationId(input.mutationId);
    // Synchronous from start to end, so nothing else runs in between: the whole call is one transaction.
    return structuredClone(applyExactlyOnce(this.#mutationTx, input, now) as MutationRecord);
  }

  async getLastMutationId(clientId: string): Promise<number> {
    this.#open();
    return this.#clients.get(clientId)?.lastMutationId ?? 0;
  }

  async appendPoints(
    batch: Array<{ key: string; points: Array<{ ts?: number; value: PointValue }> }>,
    limits: StreamLimits,
    now: number,
  ): Promise<AppendResult[]> {
    this.#open();
    assertStreamLimits(limits);
    const results: AppendResult[] = [];
    // One clone in and one out (structuredClone per point costs more than the append itself).
    for (const { key, points } of structuredClone(batch)) {
      const topic = streamTopic(key);
      const log = this.#streamLog(topic);
      const events: StoredEvent[] = [];
      let state = this.#streams.get(key);
      for (const point of points) {
        const ts = point.ts ?? now;
        events.push(this.#append(topic, log, now, { ts, value: point.value } satisfies StreamPointEvent));
        state = { latest: mergePointValue(state?.latest, point.value), latestTs: newestTs(state?.latestTs ?? 0, ts) };
      }
      if (!state) continue;
      this.#streams.set(key, state);
      // Each entry trims as it lands, as if the batch were sequential pushes (a key may repeat).
      this.#trimStream(key, limits);
      results.push({ key, latest: state.latest, events });
    }
    return structuredClone(results);
  }

  async getStream(key: string, options: { sinceTs?: number } = {}): Promise<(StreamSnapshot & TopicPosition) | null> {
    this.#open();
    if (!this.#streams.has(key)) return null;
    const log = this.#streamLog(streamTopic(key));
    return { ...this.#streamSnapshot(key, log, options.sinceTs), epoch: log.epoch, offset: log.head };
  }

  async listStreams(options: StreamListOptions = {}): Promise<StreamSummary[]> {
    this.#open();
    const { after = '', prefix = '', limit = Number.POSITIVE_INFINITY } = options;
    return [...this.#streams.entries()]
      .filter(([key]) => key > after && key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([key, state]) => ({
        key,
        offset: this.#topics.get(streamTopic(key))?.head ?? 0,
        latest: structuredClone(state.latest),
        latestTs: state.latestTs,
      }));
  }

  async getHead(topic: string): Promise<TopicHead | null> {
    this.#open();
    const log = this.#knownLog(topic);
    return log ? { epoch: log.epoch, offset: log.head, firstOffset: log.firstOffset } : null;
  }

  async readEvents(topic: string, afterOffset: number, limit: number): Promise<StoredEvent[]> {
    this.#open();
    const log = this.#topics.get(topic);
    if (!log || limit <= 0) return [];
    const start = Math.max(0, afterOffset + 1 - log.firstOffset);
    return structuredClone(log.events.slice(start, start + limit));
  }

  async getSnapshot(topic: string): Promise<{ position: TopicPosition; snapshot: Dashboard | StreamSnapshot } | null> {
    this.#open();
    const parsed = requireTopic(topic);
    const log = this.#knownLog(topic);
    if (!log) return null;
    const position = { epoch: log.epoch, offset: log.head };
    if (parsed.kind === 'dashboard') {
      return { position, snapshot: structuredClone(this.#dashboards.get(parsed.id) as Dashboard) };
    }
    return { position, snapshot: this.#streamSnapshot(parsed.key, log) };
  }

  async createToken(token: TokenRecord): Promise<void> {
    this.#open();
    if (this.#tokens.has(token.id) || [...this.#tokens.values()].some((t) => t.hash === token.hash)) {
      throw new PulseboardError('already_exists', `token "${token.id}" already exists`, { status: 409 });
    }
    const creator = token.createdBy === null ? undefined : this.#tokens.get(token.createdBy);
    if (creator && creator.revokedAt !== null) throw creatorRevoked(creator.id);
    this.#tokens.set(token.id, structuredClone(token));
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | null> {
    this.#open();
    for (const token of this.#tokens.values()) if (token.hash === hash) return structuredClone(token);
    return null;
  }

  async touchToken(id: string, at: number): Promise<void> {
    this.#open();
    const token = this.#tokens.get(id);
    if (token) token.lastUsedAt = at;
  }

  async claimClientId(clientId: string, tokenId: string, _now: number): Promise<string> {
    this.#open();
    const owner = this.#clientOwners.get(clientId);
    if (owner !== undefined) return owner;
    this.#clientOwners.set(clientId, tokenId);
    return tokenId;
  }

  async getClientOwner(clientId: string): Promise<string | null> {
    this.#open();
    return this.#clientOwners.get(clientId) ?? null;
  }

  async findToken(hash: string, now: number): Promise<TokenRecord | null> {
    this.#open();
    for (const token of this.#tokens.values()) {
      if (token.hash !== hash) continue;
      const live = token.revokedAt === null && (token.expiresAt === null || token.expiresAt > now);
      return live ? structuredClone(token) : null;
    }
    return null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    this.#open();
    return [...this.#tokens.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map((t) => structuredClone(t));
  }

  async revokeToken(id: string, now: number = Date.now()): Promise<string[]> {
    this.#open();
    const token = this.#tokens.get(id);
    if (!token || token.revokedAt !== null) return [];
    const ids = tokensToRevoke([...this.#tokens.values()], id);
    for (const revoked of ids) (this.#tokens.get(revoked) as TokenRecord).revokedAt = now;
    return ids;
  }

  async listSources(): Promise<SourceRecord[]> {
    this.#open();
    return [...this.#sources.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => structuredClone(r));
  }

  async getSource(id: string): Promise<SourceRecord | null> {
    this.#open();
    const record = this.#sources.get(id);
    return record ? structuredClone(record) : null;
  }

  async createSource(record: SourceRecord): Promise<void> {
    this.#open();
    if (this.#sources.has(record.id)) throw sourceAlreadyExists(record.id);
    this.#sources.set(record.id, structuredClone(record));
  }

  async replaceSource(record: SourceRecord): Promise<void> {
    this.#open();
    const existing = this.#sources.get(record.id);
    if (!existing) throw sourceNotFound(record.id);
    this.#sources.set(record.id, { ...structuredClone(record), createdAt: existing.createdAt });
  }

  async deleteSource(id: string): Promise<boolean> {
    this.#open();
    return this.#sources.delete(id);
  }

  #open(): void {
    if (this.#closed) throw new PulseboardError('storage_closed', 'storage is closed', { status: 503 });
  }

  #append(topic: string, log: TopicLog, ts: number, data: DashboardEventData | StreamPointEvent): StoredEvent {
    log.head += 1;
    const event: StoredEvent = { topic, epoch: log.epoch, offset: log.head, ts, data };
    log.events.push(event);
    return event;
  }

  #dashboardLog(id: string): TopicLog {
    const log = this.#topics.get(dashboardTopic(id));
    if (!log) throw new Error(`dashboard "${id}" has no topic log`);
    return log;
  }

  /** The log a push appends to, created (in its pending epoch) by the first push. */
  #streamLog(topic: string): TopicLog {
    let log = this.#topics.get(topic);
    if (!log) {
      log = this.#emptyStreamLog(topic);
      this.#topics.set(topic, log);
    }
    return log;
  }

  #emptyStreamLog(topic: string): TopicLog {
    return { epoch: pendingStreamEpoch(this.#instanceId, topic), head: 0, firstOffset: 1, events: [] };
  }

  /** The log of a topic clients may read: a stream never pushed reads as empty (and is not stored), dashboards must exist. */
  #knownLog(topic: string): TopicLog | null {
    const parsed = requireTopic(topic);
    if (parsed.kind === 'stream') return this.#topics.get(topic) ?? this.#emptyStreamLog(topic);
    return this.#dashboards.has(parsed.id) ? this.#dashboardLog(parsed.id) : null;
  }

  #trimDashboardLog(log: TopicLog): void {
    this.#dropBefore(log, log.head - DASHBOARD_LOG_RETAIN + 1);
  }

  /** Drops a prefix of the stream log: past the count limit, then up to the first point left inside the age limit. */
  #trimStream(key: string, limits: StreamLimits): void {
    const state = this.#streams.get(key);
    const log = this.#topics.get(streamTopic(key));
    if (!state || !log) return;
    const cutoff = ageCutoff(state.latestTs, limits);
    const inCount = countBound(log.head, limits);
    this.#dropBefore(log, log.events.find((e) => e.offset >= inCount && (e.data as StreamPointEvent).ts >= cutoff)?.offset ?? log.head + 1);
  }

  #dropBefore(log: TopicLog, offset: number): void {
    if (offset <= log.firstOffset) return;
    log.events.splice(0, offset - log.firstOffset);
    log.firstOffset = offset;
  }

  #streamSnapshot(key: string, log: TopicLog, sinceTs?: number): StreamSnapshot {
    const state = this.#streams.get(key);
    const history = log.events
      .map((e) => ({ ...(e.data as StreamPointEvent), offset: e.offset }))
      .filter((p) => sinceTs === undefined || p.ts >= sinceTs);
    return {
      key,
      latest: state ? structuredClone(state.latest) : null,
      latestTs: state ? state.latestTs : null,
      history: structuredClone(history),
    };
  }
}
