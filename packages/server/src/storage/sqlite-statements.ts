import type Database from 'better-sqlite3';
import type { TokenRecord } from './storage.js';

/** Row shapes and prepared statements of SqliteStorage (schema: sqlite-schema.ts). */

/** One row of the dashboard list: the summary fields, or (when SQLite cannot read the JSON) the document. */
export interface DashboardSummaryRow {
  id: string;
  version: number;
  title: string | null;
  description: string | null;
  updated_at: string | null;
  widget_count: number;
  /** Set only for a document SQLite's JSON functions refuse (nested past their depth limit, say). */
  doc: string | null;
}

/** A `topics` row. */
export interface TopicRow {
  epoch: string;
  head: number;
  first_offset: number;
}
/** The columns of `events` a reader needs. */
export interface EventRow {
  offset: number;
  ts: number;
  data: string;
}
/** A `streams` row. */
export interface StreamRow {
  key: string;
  latest: string;
  latest_ts: number;
}
/** A `tokens` row. */
export interface TokenRow {
  id: string;
  name: string;
  hash: string;
  role: TokenRecord['role'];
  scopes: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  kind: TokenRecord['kind'];
  label: string | null;
  created_by: string | null;
  last_used_at: number | null;
}

/** A `sources` row. */
export interface SourceRow {
  id: string;
  definition: string;
  created_at: number;
  updated_at: number;
}

/** Every statement the storage runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  return {
    // Summaries straight from the JSON, so listing never parses whole documents in JS. A document
    // SQLite's JSON functions refuse (they fail the whole query) comes back whole, for JS to read.
    listDashboards: db.prepare<[], DashboardSummaryRow>(
      `SELECT id, version,
              CASE WHEN json_valid(doc) THEN json_extract(doc, '$.title') END AS title,
              CASE WHEN json_valid(doc) THEN json_extract(doc, '$.description') END AS description,
              CASE WHEN json_valid(doc) THEN json_extract(doc, '$.updatedAt') END AS updated_at,
              (SELECT count(*) FROM json_each(CASE WHEN json_valid(doc) THEN doc ELSE '{}' END, '$.widgets')) AS widget_count,
              CASE WHEN json_valid(doc) THEN NULL ELSE doc END AS doc
       FROM dashboards ORDER BY id`,
    ),
    getDashboard: db.prepare<[string], { doc: string }>('SELECT doc FROM dashboards WHERE id = ?'),
    insertDashboard: db.prepare<[string, string, number]>('INSERT INTO dashboards (id, doc, version) VALUES (?, ?, ?)'),
    updateDashboard: db.prepare<[string, number, string]>('UPDATE dashboards SET doc = ?, version = ? WHERE id = ?'),
    deleteDashboard: db.prepare<[string]>('DELETE FROM dashboards WHERE id = ?'),

    getTopic: db.prepare<[string], TopicRow>('SELECT epoch, head, first_offset FROM topics WHERE topic = ?'),
    insertTopic: db.prepare<[string, string]>('INSERT INTO topics (topic, epoch, head, first_offset) VALUES (?, ?, 0, 1)'),
    upsertTopic: db.prepare<[string, string]>(
      'INSERT INTO topics (topic, epoch, head, first_offset) VALUES (?, ?, 0, 1) ON CONFLICT (topic) DO UPDATE SET epoch = excluded.epoch, head = 0, first_offset = 1',
    ),
    setTopicHead: db.prepare<[number, number, string]>('UPDATE topics SET head = ?, first_offset = ? WHERE topic = ?'),

    insertEvent: db.prepare<[string, number, number, number | null, string]>(
      'INSERT INTO events (topic, "offset", ts, point_ts, data) VALUES (?, ?, ?, ?, ?)',
    ),
    readEvents: db.prepare<[string, number, number], EventRow>(
      'SELECT "offset", ts, data FROM events WHERE topic = ? AND "offset" > ? ORDER BY "offset" LIMIT ?',
    ),
    deleteEventsBefore: db.prepare<[string, number]>('DELETE FROM events WHERE topic = ? AND "offset" < ?'),
    firstFreshOffset: db.prepare<[string, number, number], { offset: number }>(
      'SELECT "offset" FROM events WHERE topic = ? AND "offset" >= ? AND point_ts >= ? ORDER BY "offset" LIMIT 1',
    ),
    streamHistory: db.prepare<[string, number], EventRow>(
      'SELECT "offset", ts, data FROM events WHERE topic = ? AND point_ts >= ? ORDER BY "offset"',
    ),

    getStream: db.prepare<[string], StreamRow>('SELECT key, latest, latest_ts FROM streams WHERE key = ?'),
    upsertStream: db.prepare<[string, string, number]>(
      'INSERT INTO streams (key, latest, latest_ts) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET latest = excluded.latest, latest_ts = excluded.latest_ts',
    ),
    // Stream keys are ASCII below char(127), so [prefix, prefix || char(127)) is every key with that prefix (an index range).
    listStreams: db.prepare<[{ after: string; prefix: string; limit: number }], StreamRow & { head: number | null }>(
      `SELECT s.key, s.latest, s.latest_ts, t.head FROM streams s LEFT JOIN topics t ON t.topic = 'stream:' || s.key
       WHERE s.key > @after AND s.key >= @prefix AND s.key < @prefix || char(127) ORDER BY s.key LIMIT @limit`,
    ),

    getClient: db.prepare<[string], { last_mutation_id: number }>('SELECT last_mutation_id FROM clients WHERE client_id = ?'),
    upsertClient: db.prepare<[string, number]>(
      'INSERT INTO clients (client_id, last_mutation_id) VALUES (?, ?) ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id',
    ),
    getResult: db.prepare<[string, number], { result: string }>('SELECT result FROM mutation_results WHERE client_id = ? AND mutation_id = ?'),
    insertResult: db.prepare<[string, number, string]>('INSERT OR REPLACE INTO mutation_results (client_id, mutation_id, result) VALUES (?, ?, ?)'),
    trimResults: db.prepare<[string, number]>('DELETE FROM mutation_results WHERE client_id = ? AND mutation_id <= ?'),

    insertToken: db.prepare<[string, string, string, string, string, number, number | null, number | null, string, string | null, string | null, number | null]>(
      `INSERT INTO tokens (id, name, hash, role, scopes, created_at, expires_at, revoked_at, kind, label, created_by, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getToken: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE id = ?'),
    findTokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    touchToken: db.prepare<[number, string]>('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
    // The token and, transitively, the live tokens it created (share links of share links…).
    tokenTree: db.prepare<[string], { id: string }>(
      'WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT t.id FROM tokens t JOIN tree ON t.created_by = tree.id WHERE t.revoked_at IS NULL) SELECT id FROM tree',
    ),
    revokeToken: db.prepare<[number, string]>('UPDATE tokens SET revoked_at = ? WHERE id = ?'),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    getClientOwner: db.prepare<[string], { token_id: string }>('SELECT token_id FROM client_owners WHERE client_id = ?'),
    claimClient: db.prepare<[string, string, number]>('INSERT INTO client_owners (client_id, token_id, claimed_at) VALUES (?, ?, ?) ON CONFLICT (client_id) DO NOTHING'),
    findToken: db.prepare<[string, number], TokenRow>(
      'SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)',
    ),
    listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at, id'),
    listSources: db.prepare<[], SourceRow>('SELECT * FROM sources ORDER BY id'),
    getSource: db.prepare<[string], SourceRow>('SELECT * FROM sources WHERE id = ?'),
    insertSource: db.prepare<[string, string, number, number]>('INSERT INTO sources (id, definition, created_at, updated_at) VALUES (?, ?, ?, ?)'),
    updateSource: db.prepare<[string, number, string]>('UPDATE sources SET definition = ?, updated_at = ? WHERE id = ?'),
    deleteSource: db.prepare<[string]>('DELETE FROM sources WHERE id = ?'),
  };
}

/** The prepared statements of one connection. */
export type SqliteStatements = ReturnType<typeof prepareStatements>;
