import pg from 'pg';
import { mergePointValue, PulseboardError, type Dashboard, type PointValue } from '@pulseboard/model';
import { dashboardTopic, streamTopic, type DashboardEventData, type StreamPointEvent, type StreamSnapshot } from '@pulseboard/protocol';
import { applyExactlyOnce, type MutationTransaction, type StoredMutationResult } from './exactly-once.js';
import { redactUrl } from '../redact-url.js';
import { isPgUnavailable, isRetryablePgError, storageUnavailable } from './postgres-errors.js';
import { migratePostgres } from './postgres-schema.js';
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

/** Connections per node in the pool. */
export const PG_POOL_SIZE = 10;
/** How long a request waits for a connection before answering `storage_unavailable`. */
export const PG_CONNECT_TIMEOUT_MS = 5_000;
/** How often a transaction that hit a deadlock or serialization failure runs again. */
const PG_TRANSACTION_ATTEMPTS = 5;

/** What a caller passes to open a PostgreSQL storage. */
export interface PostgresStorageOptions {
  /** `postgres://user:pass@host:port/db` */
  connectionString: string;
  poolSize?: number;
  connectTimeoutMs?: number;
}

type Db = pg.PoolClient | pg.Pool;
type PointBatch = Array<{ key: string; points: Array<{ ts?: number; value: PointValue }> }>;
interface TopicRow {
  topic: string;
  epoch: string;
  head: number;
  first_offset: number;
}
interface TokenRow {
  id: string;
  name: string;
  hash: string;
  role: TokenRecord['role'];
  scopes: TokenRecord['scopes'];
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  kind: TokenRecord['kind'];
  label: string | null;
  created_by: string | null;
  last_used_at: number | null;
}

const INT8_OID = 20;
// BIGINT columns hold offsets and millisecond times, all far below 2^53: read them as numbers.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Storage in PostgreSQL through a `pg` pool, for N nodes sharing one database. Each write is
 * one READ COMMITTED transaction that first locks the rows ordering it: the topic row (so
 * offsets stay dense with writers on many nodes) and, for mutations, the client row (so a
 * mutation id is applied once). A deadlock or serialization failure reruns the transaction;
 * a lost connection answers `storage_unavailable` (503) and writes nothing.
 */
export class PostgresStorage implements Storage {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  /** The database's own random id (`meta`), from which the epochs of never-pushed streams are derived. */
  readonly #instanceId: string;
  #closed = false;

  private constructor(pool: pg.Pool, instanceId: string) {
    this.#pool = pool;
    this.#instanceId = instanceId;
  }

  /**
   * Connects, runs the missing migrations (under an advisory lock) and returns the storage.
   * Rejects with a message naming the database when it cannot be reached or its schema is
   * newer than this code.
   */
  static async open(options: PostgresStorageOptions): Promise<PostgresStorage> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? PG_POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? PG_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      types,
    });
    // An idle connection cut by the network reports here; the pool drops it and the next query reconnects.
    pool.on('error', () => {});
    let instanceId: string;
    try {
      await migratePostgres(pool);
      const { rows } = await pool.query<{ value: string }>("SELECT value FROM meta WHERE key = 'instance_id'");
      instanceId = rows[0]?.value ?? '';
    } catch (error) {
      await pool.end().catch(() => {});
      if (error instanceof PulseboardError) throw error;
      const where = redactUrl(options.connectionString);
      const reason = error instanceof Error ? error.message : String(error);
      throw new PulseboardError('storage_unavailable', `cannot open PostgreSQL at ${where}: ${reason}`, { status: 503, cause: error });
    }
    return new PostgresStorage(pool, instanceId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async listDashboards(): Promise<DashboardSummary[]> {
    const rows = await this.#query<{ id: string; version: number; title: string; description: string | null; updated_at: string; widget_count: number }>(
      `SELECT id, version, doc->>'title' AS title, doc->>'description' AS description, doc->>'updatedAt' AS updated_at,
              (SELECT count(*)::int FROM json_object_keys(doc->'widgets')) AS widget_count
       FROM dashboards ORDER BY id COLLATE "C"`,
    );
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      ...(row.description === null ? {} : { description: row.description }),
      version: row.version,
      widgetCount: row.widget_count,
      updatedAt: row.updated_at,
    }));
  }

  async getDashboard(id: string): Promise<Dashboard | null> {
    const [row] = await this.#query<{ doc: Dashboard }>('SELECT doc FROM dashboards WHERE id = $1', [id]);
    return row?.doc ?? null;
  }

  async createDashboard(input: Dashboard): Promise<Dashboard> {
    const doc: Dashboard = { ...input, version: 0 };
    const topic = dashboardTopic(doc.id);
    return this.#transaction(async (db) => {
      // Lock the topic row first (creating it if new), so a concurrent create of the same id waits here.
      await db.query('INSERT INTO topics (topic, epoch, head, first_offset) VALUES ($1, $2, 0, 1) ON CONFLICT (topic) DO NOTHING', [topic, newEpoch()]);
      await db.query('SELECT 1 FROM topics WHERE topic = $1 FOR UPDATE', [topic]);
      const existing = await db.query('SELECT 1 FROM dashboards WHERE id = $1', [doc.id]);
      if (existing.rowCount) throw alreadyExists(doc.id);
      // A recreated dashboard starts a new log: a new epoch tells old subscribers to resync.
      await db.query('DELETE FROM events WHERE topic = $1', [topic]);
      await db.query('UPDATE topics SET epoch = $2, head = 0, first_offset = 1 WHERE topic = $1', [topic, newEpoch()]);
      await db.query('INSERT INTO dashboards (id, doc, version) VALUES ($1, $2, 0)', [doc.id, JSON.stringify(doc)]);
      return doc;
    });
  }

  async replaceDashboard(input: Dashboard, options: { ifVersion?: number; now: number }): Promise<{ doc: Dashboard; event: StoredEvent }> {
    return this.#transaction(async (db) => {
      const topic = dashboardTopic(input.id);
      const log = await lockTopic(db, topic);
      const current = log ? await readDashboard(db, input.id) : null;
      if (!log || !current) throw notFound(input.id);
      if (options.ifVersion !== undefined && options.ifVersion !== current.version) throw versionMismatch(input.id, options.ifVersion, current.version);
      const doc: Dashboard = { ...input, version: log.head + 1, createdAt: current.createdAt, updatedAt: new Date(options.now).toISOString() };
      const event = await appendDashboardEvent(db, log, options.now, { kind: 'replace', doc });
      await writeDashboard(db, doc);
      return { doc, event };
    });
  }

  async deleteDashboard(id: string, now: number): Promise<StoredEvent | null> {
    return this.#transaction(async (db) => {
      const log = await lockTopic(db, dashboardTopic(id));
      if (!log || !(await db.query('SELECT 1 FROM dashboards WHERE id = $1', [id])).rowCount) return null;
      // The log stays (so lagging readers can replay the `deleted` event) until the id is reused.
      const event = await appendDashboardEvent(db, log, now, { kind: 'deleted' });
      await db.query('DELETE FROM dashboards WHERE id = $1', [id]);
      return event;
    });
  }

  async applyMutation(input: MutationInput, now: number): Promise<MutationRecord> {
    assertMutationId(input.mutationId);
    return this.#transaction(async (db) => applyExactlyOnce(mutationTransaction(db), input, now));
  }

  async getLastMutationId(clientId: string): Promise<number> {
    const [row] = await this.#query<{ last_mutation_id: number }>('SELECT last_mutation_id FROM clients WHERE client_id = $1', [clientId]);
    return row?.last_mutation_id ?? 0;
  }

  async appendPoints(batch: PointBatch, limits: StreamLimits, now: number): Promise<AppendResult[]> {
    assertStreamLimits(limits);
    const entries = batch.filter((entry) => entry.points.length > 0);
    if (entries.length === 0) {
      this.#open();
      return [];
    }
    return this.#transaction(async (db) => {
      // Lock every topic of the batch in one sorted order, so two batches never deadlock.
      const topics = [...new Set(entries.map((entry) => streamTopic(entry.key)))].sort();
      await db.query(
        'INSERT INTO topics (topic, epoch, head, first_offset) SELECT t, e, 0, 1 FROM unnest($1::text[], $2::text[]) AS x(t, e) ON CONFLICT (topic) DO NOTHING',
        [topics, topics.map((topic) => pendingStreamEpoch(this.#instanceId, topic))],
      );
      const locked = await db.query<TopicRow>('SELECT topic, epoch, head, first_offset FROM topics WHERE topic = ANY($1) ORDER BY topic FOR UPDATE', [topics]);
      const logs = new Map(locked.rows.map((row) => [row.topic, row]));
      const keys = [...new Set(entries.map((entry) => entry.key))];
      const previous = await db.query<{ key: string; latest: PointValue; latest_ts: number }>('SELECT key, latest, latest_ts FROM streams WHERE key = ANY($1)', [keys]);
      const state = new Map<string, { latest: PointValue | undefined; latestTs: number }>(keys.map((key) => [key, { latest: undefined, latestTs: 0 }]));
      for (const row of previous.rows) state.set(row.key, { latest: row.latest, latestTs: row.latest_ts });
      // Offsets and latest values in JS, entry after entry (a key may repeat); then a few statements for the whole batch.
      const rows = { topic: [] as string[], offset: [] as number[], pointTs: [] as number[], data: [] as string[] };
      const firstOffsets = new Map(locked.rows.map((row) => [row.topic, row.first_offset]));
      const results: AppendResult[] = [];
      for (const { key, points } of entries) {
        const topic = streamTopic(key);
        const log = logs.get(topic) as TopicRow;
        const stream = state.get(key) as { latest: PointValue | undefined; latestTs: number };
        const events: StoredEvent[] = [];
        for (const point of points) {
          const ts = point.ts ?? now;
          const event: StreamPointEvent = { ts, value: point.value };
          log.head += 1;
          rows.topic.push(topic);
          rows.offset.push(log.head);
          rows.pointTs.push(ts);
          rows.data.push(JSON.stringify(event));
          events.push({ topic, epoch: log.epoch, offset: log.head, ts: now, data: event });
          stream.latest = mergePointValue(stream.latest, point.value);
          stream.latestTs = newestTs(stream.latestTs, ts);
        }
        results.push({ key, latest: stream.latest as PointValue, events });
      }
      await db.query(
        `INSERT INTO events (topic, "offset", ts, point_ts, data)
         SELECT t, o, $1, p, d::json FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[]) AS x(t, o, p, d)`,
        [now, rows.topic, rows.offset, rows.pointTs, rows.data],
      );
      await db.query(
        `INSERT INTO streams (key, latest, latest_ts) SELECT k, l::json, ts FROM unnest($1::text[], $2::text[], $3::bigint[]) AS x(k, l, ts)
         ON CONFLICT (key) DO UPDATE SET latest = excluded.latest, latest_ts = excluded.latest_ts`,
        [keys, keys.map((key) => JSON.stringify(state.get(key)?.latest)), keys.map((key) => state.get(key)?.latestTs ?? 0)],
      );
      // Trimming once per stream at the end keeps what trimming after each entry keeps (the count
      // window first, then the age limit from the newest ts: both only grow). One query finds each
      // stream's first fresh offset, one statement deletes the prefixes and moves the heads.
      const bounds = topics.map((topic) => {
        const log = logs.get(topic) as TopicRow;
        const stream = state.get(topic.slice('stream:'.length)) as { latestTs: number };
        return { topic, from: Math.max(log.first_offset, countBound(log.head, limits)), cutoff: ageCutoff(stream.latestTs, limits) };
      });
      const fresh = await db.query<{ topic: string; offset: number | null }>(
        `SELECT x.t AS topic, (SELECT e."offset" FROM events e WHERE e.topic = x.t AND e."offset" >= x.f AND e.point_ts >= x.c ORDER BY e."offset" LIMIT 1) AS "offset"
         FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS x(t, f, c)`,
        [bounds.map((b) => b.topic), bounds.map((b) => b.from), bounds.map((b) => b.cutoff)],
      );
      for (const row of fresh.rows) {
        const log = logs.get(row.topic) as TopicRow;
        log.first_offset = row.offset ?? log.head + 1;
      }
      await db.query(
        `WITH moved AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS x(t, h, f, old)),
              trimmed AS (DELETE FROM events e USING moved WHERE e.topic = moved.t AND moved.f > moved.old AND e."offset" < moved.f)
         UPDATE topics SET head = moved.h, first_offset = moved.f FROM moved WHERE topics.topic = moved.t`,
        [topics, topics.map((t) => logs.get(t)?.head ?? 0), topics.map((t) => logs.get(t)?.first_offset ?? 1), topics.map((t) => firstOffsets.get(t) ?? 1)],
      );
      return results;
    });
  }

  async getStream(key: string, options: { sinceTs?: number } = {}): Promise<(StreamSnapshot & TopicPosition) | null> {
    return this.#readTransaction(async (db) => {
      const [stream] = (await db.query<{ latest: PointValue; latest_ts: number }>('SELECT latest, latest_ts FROM streams WHERE key = $1', [key])).rows;
      const [topic] = (await db.query<TopicRow>('SELECT topic, epoch, head, first_offset FROM topics WHERE topic = $1', [streamTopic(key)])).rows;
      if (!stream || !topic) return null;
      return { ...(await streamSnapshot(db, key, stream, options.sinceTs)), epoch: topic.epoch, offset: topic.head };
    });
  }

  async listStreams(options: StreamListOptions = {}): Promise<StreamSummary[]> {
    // Byte order (COLLATE "C"), as SQLite and memory sort keys; LIMIT NULL means no limit.
    const rows = await this.#query<{ key: string; latest: PointValue; latest_ts: number; head: number | null }>(
      `SELECT s.key, s.latest, s.latest_ts, t.head FROM streams s LEFT JOIN topics t ON t.topic = 'stream:' || s.key
       WHERE s.key COLLATE "C" > $1 AND s.key COLLATE "C" >= $2 AND s.key COLLATE "C" < $2 || chr(127)
       ORDER BY s.key COLLATE "C" LIMIT $3`,
      [options.after ?? '', options.prefix ?? '', options.limit ?? null],
    );
    return rows.map((row) => ({ key: row.key, offset: row.head ?? 0, latest: row.latest, latestTs: row.latest_ts }));
  }

  async getHead(topic: string): Promise<TopicHead | null> {
    const parsed = requireTopic(topic);
    const row = parsed.kind === 'stream' ? await this.#streamTopic(topic) : await this.#dashboardTopic(topic, parsed.id);
    // A stream never pushed reads as an empty log in the epoch its first push will use; nothing is written.
    return row ? { epoch: row.epoch, offset: row.head, firstOffset: row.first_offset } : null;
  }

  async readEvents(topic: string, afterOffset: number, limit: number): Promise<StoredEvent[]> {
    this.#open();
    if (limit <= 0) return [];
    // One statement reads the epoch and the events from the same snapshot.
    const rows = await this.#query<{ epoch: string; offset: number; ts: number; data: StoredEvent['data'] }>(
      `SELECT t.epoch, e."offset", e.ts, e.data FROM events e JOIN topics t ON t.topic = e.topic
       WHERE e.topic = $1 AND e."offset" > $2 ORDER BY e."offset" LIMIT $3`,
      [topic, afterOffset, limit],
    );
    return rows.map((row) => ({ topic, epoch: row.epoch, offset: row.offset, ts: row.ts, data: row.data }));
  }

  async getSnapshot(topic: string): Promise<{ position: TopicPosition; snapshot: Dashboard | StreamSnapshot } | null> {
    const parsed = requireTopic(topic);
    if (parsed.kind === 'dashboard') {
      const [row] = await this.#query<{ epoch: string; head: number; doc: Dashboard }>(
        'SELECT t.epoch, t.head, d.doc FROM topics t JOIN dashboards d ON d.id = $2 WHERE t.topic = $1',
        [topic, parsed.id],
      );
      return row ? { position: { epoch: row.epoch, offset: row.head }, snapshot: row.doc } : null;
    }
    return this.#readTransaction(async (db) => {
      const [found] = (await db.query<TopicRow>('SELECT topic, epoch, head, first_offset FROM topics WHERE topic = $1', [topic])).rows;
      const row = found ?? this.#emptyStreamTopic(topic);
      const [stream] = (await db.query<{ latest: PointValue; latest_ts: number }>('SELECT latest, latest_ts FROM streams WHERE key = $1', [parsed.key])).rows;
      return { position: { epoch: row.epoch, offset: row.head }, snapshot: await streamSnapshot(db, parsed.key, stream) };
    });
  }

  async createToken(token: TokenRecord): Promise<void> {
    try {
      await this.#transaction(async (db) => {
        if (token.createdBy !== null) {
          // FOR SHARE: a revocation of the creator running now waits for this, or this sees it.
          const { rows } = await db.query<{ revoked_at: number | null }>('SELECT revoked_at FROM tokens WHERE id = $1 FOR SHARE', [token.createdBy]);
          if (rows[0] && rows[0].revoked_at !== null) throw creatorRevoked(token.createdBy);
        }
        const t = token;
        await db.query(
          `INSERT INTO tokens (id, name, hash, role, scopes, created_at, expires_at, revoked_at, kind, label, created_by, last_used_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [t.id, t.name, t.hash, t.role, JSON.stringify(t.scopes), t.createdAt, t.expiresAt, t.revokedAt, t.kind, t.label, t.createdBy, t.lastUsedAt],
        );
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new PulseboardError('already_exists', `token "${token.id}" already exists`, { status: 409, cause: error });
      }
      throw error;
    }
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | null> {
    const [row] = await this.#query<TokenRow>('SELECT * FROM tokens WHERE hash = $1', [hash]);
    return row ? toToken(row) : null;
  }

  async touchToken(id: string, at: number): Promise<void> {
    await this.#query('UPDATE tokens SET last_used_at = $2 WHERE id = $1', [id, at]);
  }

  async claimClientId(clientId: string, tokenId: string, now: number): Promise<string> {
    // INSERT … DO NOTHING, then read: of two racing claims (on any nodes) exactly one wins, and both see it.
    await this.#query('INSERT INTO client_owners (client_id, token_id, claimed_at) VALUES ($1, $2, $3) ON CONFLICT (client_id) DO NOTHING', [clientId, tokenId, now]);
    const [row] = await this.#query<{ token_id: string }>('SELECT token_id FROM client_owners WHERE client_id = $1', [clientId]);
    return (row as { token_id: string }).token_id;
  }

  async getClientOwner(clientId: string): Promise<string | null> {
    const [row] = await this.#query<{ token_id: string }>('SELECT token_id FROM client_owners WHERE client_id = $1', [clientId]);
    return row?.token_id ?? null;
  }

  async findToken(hash: string, now: number): Promise<TokenRecord | null> {
    const [row] = await this.#query<TokenRow>(
      'SELECT * FROM tokens WHERE hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)',
      [hash, now],
    );
    return row ? toToken(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.#query<TokenRow>('SELECT * FROM tokens ORDER BY created_at, id COLLATE "C"')).map(toToken);
  }

  async revokeToken(id: string, now: number = Date.now()): Promise<string[]> {
    return this.#transaction(async (db) => {
      const { rows } = await db.query<{ revoked_at: number | null }>('SELECT revoked_at FROM tokens WHERE id = $1 FOR UPDATE', [id]);
      if (!rows[0] || rows[0].revoked_at !== null) return [];
      // The token and, transitively, the live tokens it created (share links of share links…).
      const tree = await db.query<{ id: string }>(
        `WITH RECURSIVE tree(id, depth) AS (
           SELECT $1::text, 0
           UNION SELECT t.id, tree.depth + 1 FROM tokens t JOIN tree ON t.created_by = tree.id WHERE t.revoked_at IS NULL
         ) SELECT id FROM tree GROUP BY id ORDER BY min(depth), id`,
        [id],
      );
      const ids = tree.rows.map((row) => row.id);
      await db.query('UPDATE tokens SET revoked_at = $2 WHERE id = ANY($1)', [ids, now]);
      return ids;
    });
  }

  async listSources(): Promise<SourceRecord[]> {
    return (await this.#query<SourceRow>('SELECT * FROM sources ORDER BY id COLLATE "C"')).map(toSource);
  }

  async getSource(id: string): Promise<SourceRecord | null> {
    const [row] = await this.#query<SourceRow>('SELECT * FROM sources WHERE id = $1', [id]);
    return row ? toSource(row) : null;
  }

  async createSource(record: SourceRecord): Promise<void> {
    try {
      await this.#query('INSERT INTO sources (id, definition, created_at, updated_at) VALUES ($1, $2, $3, $4)', [
        record.id,
        JSON.stringify(record.definition),
        record.createdAt,
        record.updatedAt,
      ]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw sourceAlreadyExists(record.id);
      throw error;
    }
  }

  async replaceSource(record: SourceRecord): Promise<void> {
    const [updated] = await this.#query('UPDATE sources SET definition = $2, updated_at = $3 WHERE id = $1 RETURNING id', [
      record.id,
      JSON.stringify(record.definition),
      record.updatedAt,
    ]);
    if (!updated) throw sourceNotFound(record.id);
  }

  async deleteSource(id: string): Promise<boolean> {
    return (await this.#query('DELETE FROM sources WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  /** The pool, for the singleton-runner lease (runner-lease.ts) on the same database. */
  get pool(): pg.Pool {
    return this.#pool;
  }

  #open(): void {
    if (this.#closed) throw new PulseboardError('storage_closed', 'storage is closed', { status: 503 });
  }

  async #query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    return (await this.#run((db) => db.query<R>(text, values))).rows;
  }

  /** Runs one statement outside a transaction, mapping a lost database to `storage_unavailable`. */
  async #run<T>(body: (db: Db) => Promise<T>): Promise<T> {
    this.#open();
    try {
      return await body(this.#pool);
    } catch (error) {
      throw isPgUnavailable(error) ? storageUnavailable(error) : error;
    }
  }

  /** Runs `body` in one transaction, again on deadlock/serialization failure; rolls back on any error. */
  async #transaction<T>(body: (db: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    this.#open();
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.#pool.connect();
      } catch (error) {
        throw isPgUnavailable(error) ? storageUnavailable(error) : error;
      }
      let broken: Error | undefined;
      // A connection cut between two statements reports here (not to a query): keep it from crashing the process.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query(begin);
        const result = await body(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        if (isRetryablePgError(error) && attempt < PG_TRANSACTION_ATTEMPTS) continue;
        // A connection lost mid-transaction (also during COMMIT) answers 503: the caller retries; exactly-once absorbs a repeat.
        throw isPgUnavailable(error) ? storageUnavailable(error) : error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    }
  }

  /** Several reads from one snapshot. */
  #readTransaction<T>(body: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#transaction(body, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  /** The topic row of a stream, or the empty one its first push will create. */
  async #streamTopic(topic: string): Promise<TopicRow> {
    const [row] = await this.#query<TopicRow>('SELECT topic, epoch, head, first_offset FROM topics WHERE topic = $1', [topic]);
    return row ?? this.#emptyStreamTopic(topic);
  }

  #emptyStreamTopic(topic: string): TopicRow {
    return { topic, epoch: pendingStreamEpoch(this.#instanceId, topic), head: 0, first_offset: 1 };
  }

  async #dashboardTopic(topic: string, id: string): Promise<TopicRow | null> {
    const [row] = await this.#query<TopicRow>(
      'SELECT topic, epoch, head, first_offset FROM topics WHERE topic = $1 AND EXISTS (SELECT 1 FROM dashboards WHERE id = $2)',
      [topic, id],
    );
    return row ?? null;
  }
}

/** The exactly-once step's view of one open transaction. */
function mutationTransaction(db: pg.PoolClient): MutationTransaction {
  let log: TopicRow | null = null;
  return {
    async lastMutationId(clientId) {
      // Upsert-and-lock in one statement: a second node with the same clientId waits here until this one commits.
      const { rows } = await db.query<{ last_mutation_id: number }>(
        `INSERT INTO clients (client_id, last_mutation_id) VALUES ($1, 0)
         ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = clients.last_mutation_id RETURNING last_mutation_id`,
        [clientId],
      );
      return rows[0]?.last_mutation_id ?? 0;
    },
    async storedResult(clientId, mutationId) {
      const { rows } = await db.query<{ result: StoredMutationResult }>(
        'SELECT result FROM mutation_results WHERE client_id = $1 AND mutation_id = $2',
        [clientId, mutationId],
      );
      return rows[0]?.result;
    },
    async dashboard(id) {
      log = await lockTopic(db, dashboardTopic(id));
      return log ? readDashboard(db, id) : null;
    },
    async appendDashboardEvent(_id, data, now) {
      if (!log) throw new Error('appendDashboardEvent before dashboard()');
      return appendDashboardEvent(db, log, now, data);
    },
    writeDashboard: (doc) => writeDashboard(db, doc),
    async recordResult(clientId, mutationId, result, trimThrough) {
      await db.query(
        `WITH advanced AS (UPDATE clients SET last_mutation_id = $2 WHERE client_id = $1),
              trimmed AS (DELETE FROM mutation_results WHERE client_id = $1 AND mutation_id <= $4)
         INSERT INTO mutation_results (client_id, mutation_id, result) VALUES ($1, $2, $3)
         ON CONFLICT (client_id, mutation_id) DO UPDATE SET result = excluded.result`,
        [clientId, mutationId, JSON.stringify(result), trimThrough],
      );
    },
  };
}

/** Locks a topic row for the rest of the transaction (the writers of one log queue here). */
async function lockTopic(db: pg.PoolClient, topic: string): Promise<TopicRow | null> {
  const { rows } = await db.query<TopicRow>('SELECT topic, epoch, head, first_offset FROM topics WHERE topic = $1 FOR UPDATE', [topic]);
  return rows[0] ?? null;
}

async function readDashboard(db: pg.PoolClient, id: string): Promise<Dashboard | null> {
  const { rows } = await db.query<{ doc: Dashboard }>('SELECT doc FROM dashboards WHERE id = $1', [id]);
  return rows[0]?.doc ?? null;
}

async function writeDashboard(db: pg.PoolClient, doc: Dashboard): Promise<void> {
  await db.query('UPDATE dashboards SET doc = $2, version = $3 WHERE id = $1', [doc.id, JSON.stringify(doc), doc.version]);
}

/** Appends one dashboard event at head + 1 and trims the log to DASHBOARD_LOG_RETAIN events. */
async function appendDashboardEvent(db: pg.PoolClient, log: TopicRow, now: number, data: DashboardEventData): Promise<StoredEvent> {
  const offset = log.head + 1;
  const firstOffset = Math.max(log.first_offset, offset - DASHBOARD_LOG_RETAIN + 1);
  // Insert, trim and move the head in one round trip.
  await db.query(
    `WITH inserted AS (INSERT INTO events (topic, "offset", ts, point_ts, data) VALUES ($1, $2, $3, NULL, $4)),
          trimmed AS (DELETE FROM events WHERE topic = $1 AND "offset" < $5)
     UPDATE topics SET head = $2, first_offset = $5 WHERE topic = $1`,
    [log.topic, offset, now, JSON.stringify(data), firstOffset],
  );
  log.head = offset;
  log.first_offset = firstOffset;
  return { topic: log.topic, epoch: log.epoch, offset, ts: now, data: structuredClone(data) };
}

async function streamSnapshot(
  db: pg.PoolClient,
  key: string,
  stream: { latest: PointValue; latest_ts: number } | undefined,
  sinceTs?: number,
): Promise<StreamSnapshot> {
  const { rows } = await db.query<{ offset: number; data: StreamPointEvent }>(
    'SELECT "offset", data FROM events WHERE topic = $1 AND point_ts >= $2 ORDER BY "offset"',
    [streamTopic(key), sinceTs ?? Number.MIN_SAFE_INTEGER],
  );
  return {
    key,
    latest: stream ? stream.latest : null,
    latestTs: stream ? stream.latest_ts : null,
    history: rows.map((row) => ({ ...row.data, offset: row.offset })),
  };
}

interface SourceRow {
  id: string;
  definition: SourceRecord['definition'];
  created_at: number;
  updated_at: number;
}

function toSource(row: SourceRow): SourceRecord {
  return { id: row.id, definition: row.definition, createdAt: row.created_at, updatedAt: row.updated_at };
}

function toToken(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    role: row.role,
    scopes: row.scopes,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    kind: row.kind,
    label: row.label,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
  };
}
