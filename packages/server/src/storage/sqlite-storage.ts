import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { mergePointValue, PulseboardError, type Dashboard, type PointValue } from '@pulseboard/model';
import { dashboardTopic, streamTopic, type DashboardEventData, type StreamPointEvent, type StreamSnapshot } from '@pulseboard/protocol';
import { applyExactlyOnce, type MutationTransaction, type StoredMutationResult } from './exactly-once.js';
import { migrate } from './sqlite-schema.js';
import { prepareStatements, type EventRow, type SourceRow, type StreamRow, type TokenRow, type TopicRow } from './sqlite-statements.js';
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
  creatorRevoked,
  sourceAlreadyExists,
  summarize,
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

/** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** What a caller passes to open a SQLite storage. */
export interface SqliteStorageOptions {
  /** Path of the database file; its directory is created if missing. */
  file: string;
  /**
   * `NORMAL` (default) survives a process crash or kill -9 in WAL mode; `FULL` also
   * survives power loss / OS crash, at the cost of an fsync per commit. See docs/storage.md.
   */
  synchronous?: 'NORMAL' | 'FULL';
  busyTimeoutMs?: number;
}

type PointBatch = Array<{ key: string; points: Array<{ ts?: number; value: PointValue }> }>;

/**
 * Storage in one SQLite file (WAL mode) through better-sqlite3. The driver is synchronous,
 * so every method runs its statements inside one `db.transaction` to completion and the
 * async signature only adapts it to the Storage interface. Statements are prepared once.
 */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #sql;
  readonly #tx;
  /** The database's own random id (schema 2), from which stream epochs are derived. */
  readonly #instanceId: string;

  constructor(options: SqliteStorageOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    const db = new Database(options.file);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS))}`);
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    this.#sql = prepareStatements(db);
    this.#instanceId = this.#sql.getMeta.get('instance_id')?.value ?? '';
    const mutationTx = this.#mutationTx();
    // Writes take the lock up front (IMMEDIATE) so a second process cannot deadlock a read-then-write.
    this.#tx = {
      createDashboard: db.transaction((doc: Dashboard) => this.#createDashboard(doc)).immediate,
      replaceDashboard: db.transaction((doc: Dashboard, ifVersion: number | undefined, now: number) => this.#replaceDashboard(doc, ifVersion, now)).immediate,
      deleteDashboard: db.transaction((id: string, now: number) => this.#deleteDashboard(id, now)).immediate,
      applyMutation: db.transaction((input: MutationInput, now: number) => applyExactlyOnce(mutationTx, input, now) as MutationRecord).immediate,
      appendPoints: db.transaction((batch: PointBatch, limits: StreamLimits, now: number) => this.#appendPoints(batch, limits, now)).immediate,
      read: db.transaction((read: () => unknown) => read()).deferred,
      createToken: db.transaction((token: TokenRecord) => this.#createToken(token)).immediate,
      revokeToken: db.transaction((id: string, now: number) => this.#revokeToken(id, now)).immediate,
    };
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    // Lets SQLite refresh its query-planner statistics where they are stale; cheap at close.
    this.#db.pragma('optimize');
    this.#db.close();
  }

  async listDashboards(): Promise<DashboardSummary[]> {
    this.#open();
    return this.#sql.listDashboards.all().map((row) =>
      row.doc === null
        ? {
            id: row.id,
            title: row.title ?? row.id,
            ...(row.description === null ? {} : { description: row.description }),
            version: row.version,
            widgetCount: row.widget_count,
            updatedAt: row.updated_at ?? '',
          }
        : summarize(JSON.parse(row.doc) as Dashboard),
    );
  }

  async getDashboard(id: string): Promise<Dashboard | null> {
    this.#open();
    const row = this.#sql.getDashboard.get(id);
    return row ? (JSON.parse(row.doc) as Dashboard) : null;
  }

  async createDashboard(doc: Dashboard): Promise<Dashboard> {
    this.#open();
    return this.#tx.createDashboard(doc);
  }

  async replaceDashboard(doc: Dashboard, options: { ifVersion?: number; now: number }): Promise<{ doc: Dashboard; event: StoredEvent }> {
    this.#open();
    return this.#tx.replaceDashboard(doc, options.ifVersion, options.now);
  }

  async deleteDashboard(id: string, now: number): Promise<StoredEvent | null> {
    this.#open();
    return this.#tx.deleteDashboard(id, now);
  }

  async applyMutation(input: MutationInput, now: number): Promise<MutationRecord> {
    this.#open();
    assertMutationId(input.mutationId);
    return this.#tx.applyMutation(input, now);
  }

  async getLastMutationId(clientId: string): Promise<number> {
    this.#open();
    return this.#sql.getClient.get(clientId)?.last_mutation_id ?? 0;
  }

  async appendPoints(batch: PointBatch, limits: StreamLimits, now: number): Promise<AppendResult[]> {
    this.#open();
    assertStreamLimits(limits);
    return this.#tx.appendPoints(batch, limits, now);
  }

  async getStream(key: string, options: { sinceTs?: number } = {}): Promise<(StreamSnapshot & TopicPosition) | null> {
    this.#open();
    return this.#read(() => {
      const stream = this.#sql.getStream.get(key);
      const topic = this.#sql.getTopic.get(streamTopic(key));
      if (!stream || !topic) return null;
      return { ...this.#streamSnapshot(key, stream, options.sinceTs), epoch: topic.epoch, offset: topic.head };
    });
  }

  async listStreams(options: StreamListOptions = {}): Promise<StreamSummary[]> {
    this.#open();
    const query = { after: options.after ?? '', prefix: options.prefix ?? '', limit: options.limit ?? -1 };
    return this.#sql.listStreams.all(query).map((row) => ({
      key: row.key,
      offset: row.head ?? 0,
      latest: JSON.parse(row.latest) as PointValue,
      latestTs: row.latest_ts,
    }));
  }

  async getHead(topic: string): Promise<TopicHead | null> {
    this.#open();
    const row = this.#knownTopic(topic);
    return row ? { epoch: row.epoch, offset: row.head, firstOffset: row.first_offset } : null;
  }

  async readEvents(topic: string, afterOffset: number, limit: number): Promise<StoredEvent[]> {
    this.#open();
    if (limit <= 0) return [];
    return this.#read(() => {
      const row = this.#sql.getTopic.get(topic);
      if (!row) return [];
      return this.#sql.readEvents.all(topic, afterOffset, limit).map((e) => toEvent(topic, row.epoch, e));
    });
  }

  async getSnapshot(topic: string): Promise<{ position: TopicPosition; snapshot: Dashboard | StreamSnapshot } | null> {
    this.#open();
    const parsed = requireTopic(topic);
    return this.#read(() => {
      const row = this.#sql.getTopic.get(topic) ?? (parsed.kind === 'stream' ? this.#emptyStreamTopic(topic) : undefined);
      if (!row) return null;
      const position = { epoch: row.epoch, offset: row.head };
      if (parsed.kind === 'stream') {
        return { position, snapshot: this.#streamSnapshot(parsed.key, this.#sql.getStream.get(parsed.key)) };
      }
      const doc = this.#sql.getDashboard.get(parsed.id);
      return doc ? { position, snapshot: JSON.parse(doc.doc) as Dashboard } : null;
    });
  }

  async createToken(token: TokenRecord): Promise<void> {
    this.#open();
    try {
      this.#tx.createToken(token);
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
        throw new PulseboardError('already_exists', `token "${token.id}" already exists`, { status: 409, cause: error });
      }
      throw error;
    }
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | null> {
    this.#open();
    const row = this.#sql.findTokenByHash.get(hash);
    return row ? toToken(row) : null;
  }

  async touchToken(id: string, at: number): Promise<void> {
    this.#open();
    this.#sql.touchToken.run(at, id);
  }

  async claimClientId(clientId: string, tokenId: string, now: number): Promise<string> {
    this.#open();
    const owner = this.#sql.getClientOwner.get(clientId);
    if (owner) return owner.token_id;
    // INSERT … DO NOTHING, then read: of two racing claims exactly one wins, and both see it.
    this.#sql.claimClient.run(clientId, tokenId, now);
    return (this.#sql.getClientOwner.get(clientId) as { token_id: string }).token_id;
  }

  async getClientOwner(clientId: string): Promise<string | null> {
    this.#open();
    return this.#sql.getClientOwner.get(clientId)?.token_id ?? null;
  }

  async findToken(hash: string, now: number): Promise<TokenRecord | null> {
    this.#open();
    const row = this.#sql.findToken.get(hash, now);
    return row ? toToken(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    this.#open();
    return this.#sql.listTokens.all().map(toToken);
  }

  async revokeToken(id: string, now: number = Date.now()): Promise<string[]> {
    this.#open();
    return this.#tx.revokeToken(id, now);
  }

  async listSources(): Promise<SourceRecord[]> {
    this.#open();
    return this.#sql.listSources.all().map(toSource);
  }

  async getSource(id: string): Promise<SourceRecord | null> {
    this.#open();
    const row = this.#sql.getSource.get(id);
    return row ? toSource(row) : null;
  }

  async createSource(record: SourceRecord): Promise<void> {
    this.#open();
    try {
      this.#sql.insertSource.run(record.id, JSON.stringify(record.definition), record.createdAt, record.updatedAt);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw sourceAlreadyExists(record.id);
      throw error;
    }
  }

  async replaceSource(record: SourceRecord): Promise<void> {
    this.#open();
    if (this.#sql.updateSource.run(JSON.stringify(record.definition), record.updatedAt, record.id).changes === 0) throw sourceNotFound(record.id);
  }

  async deleteSource(id: string): Promise<boolean> {
    this.#open();
    return this.#sql.deleteSource.run(id).changes > 0;
  }

  /** Runs several reads as one consistent snapshot (a deferred read transaction). */
  #read<T>(read: () => T): T {
    return this.#tx.read(read) as T;
  }

  #open(): void {
    if (!this.#db.open) throw new PulseboardError('storage_closed', 'storage is closed', { status: 503 });
  }

  // ---- transaction bodies (run inside #tx.*) -----------------------------------------------

  #createToken(token: TokenRecord): void {
    const creator = token.createdBy === null ? undefined : this.#sql.getToken.get(token.createdBy);
    if (creator && creator.revoked_at !== null) throw creatorRevoked(creator.id);
    const t = token;
    this.#sql.insertToken.run(t.id, t.name, t.hash, t.role, JSON.stringify(t.scopes), t.createdAt, t.expiresAt, t.revokedAt, t.kind, t.label, t.createdBy, t.lastUsedAt);
  }

  #revokeToken(id: string, now: number): string[] {
    const token = this.#sql.getToken.get(id);
    if (!token || token.revoked_at !== null) return [];
    const ids = this.#sql.tokenTree.all(id).map((row) => row.id);
    for (const revoked of ids) this.#sql.revokeToken.run(now, revoked);
    return ids;
  }

  #createDashboard(input: Dashboard): Dashboard {
    if (this.#sql.getDashboard.get(input.id)) throw alreadyExists(input.id);
    const doc: Dashboard = { ...input, version: 0 };
    const topic = dashboardTopic(doc.id);
    // A recreated dashboard starts a new log: a new epoch tells old subscribers to resync.
    this.#sql.deleteEventsBefore.run(topic, Number.MAX_SAFE_INTEGER);
    this.#sql.upsertTopic.run(topic, newEpoch());
    this.#sql.insertDashboard.run(doc.id, JSON.stringify(doc), 0);
    return doc;
  }

  #replaceDashboard(input: Dashboard, ifVersion: number | undefined, now: number): { doc: Dashboard; event: StoredEvent } {
    const row = this.#sql.getDashboard.get(input.id);
    if (!row) throw notFound(input.id);
    const current = JSON.parse(row.doc) as Dashboard;
    if (ifVersion !== undefined && ifVersion !== current.version) throw versionMismatch(input.id, ifVersion, current.version);
    const topic = dashboardTopic(input.id);
    const log = this.#topicRow(topic);
    const doc: Dashboard = { ...input, version: log.head + 1, createdAt: current.createdAt, updatedAt: new Date(now).toISOString() };
    const event = this.#appendDashboardEvent(topic, log, now, { kind: 'replace', doc });
    this.#sql.updateDashboard.run(JSON.stringify(doc), doc.version, doc.id);
    return { doc, event };
  }

  #deleteDashboard(id: string, now: number): StoredEvent | null {
    if (!this.#sql.getDashboard.get(id)) return null;
    const topic = dashboardTopic(id);
    // The log stays (so lagging readers can replay the `deleted` event) until the id is reused.
    const event = this.#appendDashboardEvent(topic, this.#topicRow(topic), now, { kind: 'deleted' });
    this.#sql.deleteDashboard.run(id);
    return event;
  }

  /** The exactly-once step's view of this database; it runs inside the `applyMutation` transaction. */
  #mutationTx(): MutationTransaction {
    return {
      lastMutationId: (clientId) => this.#sql.getClient.get(clientId)?.last_mutation_id ?? 0,
      storedResult: (clientId, mutationId) => {
        const row = this.#sql.getResult.get(clientId, mutationId);
        return row ? (JSON.parse(row.result) as StoredMutationResult) : undefined;
      },
      dashboard: (id) => {
        const row = this.#sql.getDashboard.get(id);
        return row ? (JSON.parse(row.doc) as Dashboard) : null;
      },
      appendDashboardEvent: (id, data, now) => {
        const topic = dashboardTopic(id);
        return this.#appendDashboardEvent(topic, this.#topicRow(topic), now, data);
      },
      writeDashboard: (doc) => {
        this.#sql.updateDashboard.run(JSON.stringify(doc), doc.version, doc.id);
      },
      recordResult: (clientId, mutationId, result, trimThrough) => {
        this.#sql.upsertClient.run(clientId, mutationId);
        this.#sql.insertResult.run(clientId, mutationId, JSON.stringify(result));
        this.#sql.trimResults.run(clientId, trimThrough);
      },
    };
  }

  #appendPoints(batch: PointBatch, limits: StreamLimits, now: number): AppendResult[] {
    const results: AppendResult[] = [];
    for (const { key, points } of batch) {
      if (points.length === 0) continue;
      const topic = streamTopic(key);
      const log = this.#streamTopic(topic);
      const previous = this.#sql.getStream.get(key);
      let latest = previous ? (JSON.parse(previous.latest) as PointValue) : undefined;
      let latestTs = previous?.latest_ts ?? 0;
      let head = log.head;
      const events: StoredEvent[] = [];
      for (const point of points) {
        const ts = point.ts ?? now;
        const data: StreamPointEvent = { ts, value: point.value };
        head += 1;
        this.#sql.insertEvent.run(topic, head, now, ts, JSON.stringify(data));
        // The returned event shares `value` with the caller's input: no per-point clone on the hot path.
        events.push({ topic, epoch: log.epoch, offset: head, ts: now, data });
        latest = mergePointValue(latest, point.value);
        latestTs = newestTs(latestTs, ts);
      }
      this.#sql.upsertStream.run(key, JSON.stringify(latest), latestTs);
      // One DELETE per stream: the prefix past the count limit, then up to the first fresh point left.
      const inCount = Math.max(log.first_offset, countBound(head, limits));
      const firstOffset = this.#sql.firstFreshOffset.get(topic, inCount, ageCutoff(latestTs, limits))?.offset ?? head + 1;
      if (firstOffset > log.first_offset) this.#sql.deleteEventsBefore.run(topic, firstOffset);
      this.#sql.setTopicHead.run(head, firstOffset, topic);
      results.push({ key, latest: latest as PointValue, events });
    }
    return results;
  }

  /** Appends one dashboard event, moves the head and trims the log to DASHBOARD_LOG_RETAIN events. */
  #appendDashboardEvent(topic: string, log: TopicRow, now: number, data: DashboardEventData): StoredEvent {
    const offset = log.head + 1;
    this.#sql.insertEvent.run(topic, offset, now, null, JSON.stringify(data));
    const firstOffset = Math.max(log.first_offset, offset - DASHBOARD_LOG_RETAIN + 1);
    if (firstOffset > log.first_offset) this.#sql.deleteEventsBefore.run(topic, firstOffset);
    this.#sql.setTopicHead.run(offset, firstOffset, topic);
    return { topic, epoch: log.epoch, offset, ts: now, data: structuredClone(data) };
  }

  #topicRow(topic: string): TopicRow {
    const row = this.#sql.getTopic.get(topic);
    if (!row) throw new Error(`topic "${topic}" has no row`);
    return row;
  }

  /** The topic row a push appends to, created (in its pending epoch) by the first push. */
  #streamTopic(topic: string): TopicRow {
    const existing = this.#sql.getTopic.get(topic);
    if (existing) return existing;
    const created = this.#emptyStreamTopic(topic);
    this.#sql.insertTopic.run(topic, created.epoch);
    return created;
  }

  #emptyStreamTopic(topic: string): TopicRow {
    return { epoch: pendingStreamEpoch(this.#instanceId, topic), head: 0, first_offset: 1 };
  }

  /** A topic clients may read: a stream never pushed reads as empty (nothing is written), dashboards must exist. */
  #knownTopic(topic: string): TopicRow | null {
    const parsed = requireTopic(topic);
    if (parsed.kind === 'stream') return this.#sql.getTopic.get(topic) ?? this.#emptyStreamTopic(topic);
    return this.#read(() => (this.#sql.getDashboard.get(parsed.id) ? (this.#sql.getTopic.get(topic) ?? null) : null));
  }

  #streamSnapshot(key: string, stream: StreamRow | undefined, sinceTs?: number): StreamSnapshot {
    const rows = this.#sql.streamHistory.all(streamTopic(key), sinceTs ?? Number.MIN_SAFE_INTEGER);
    return {
      key,
      latest: stream ? (JSON.parse(stream.latest) as PointValue) : null,
      latestTs: stream ? stream.latest_ts : null,
      history: rows.map((row) => ({ ...(JSON.parse(row.data) as StreamPointEvent), offset: row.offset })),
    };
  }
}

function toEvent(topic: string, epoch: string, row: EventRow): StoredEvent {
  return { topic, epoch, offset: row.offset, ts: row.ts, data: JSON.parse(row.data) as StoredEvent['data'] };
}

function toSource(row: SourceRow): SourceRecord {
  return { id: row.id, definition: JSON.parse(row.definition) as SourceRecord['definition'], createdAt: row.created_at, updatedAt: row.updated_at };
}

function toToken(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    role: row.role,
    scopes: JSON.parse(row.scopes) as TokenRecord['scopes'],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    kind: row.kind,
    label: row.label,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
  };
}
