import type { Pool } from 'pg';
import { PulseboardError } from '@pulseboard/model';

/**
 * The PostgreSQL schema as an ordered list of migrations (the same tables as SQLite, see
 * docs/storage.md). `pulseboard_migrations` records each version run. Append a new entry to
 * change the schema; never edit a released one.
 */
export const PG_MIGRATIONS: readonly string[] = [
  // 1: the initial schema.
  `
  CREATE TABLE dashboards (
    id       TEXT PRIMARY KEY,
    doc      JSON NOT NULL,             -- the Dashboard (JSON keeps the text as written)
    version  BIGINT NOT NULL
  );
  CREATE TABLE topics (
    topic         TEXT PRIMARY KEY,     -- dashboard:<id> | stream:<key>; its row lock orders the writers of a log
    epoch         TEXT NOT NULL,
    head          BIGINT NOT NULL,
    first_offset  BIGINT NOT NULL
  );
  CREATE TABLE events (
    topic     TEXT NOT NULL,
    "offset"  BIGINT NOT NULL,
    ts        BIGINT NOT NULL,
    point_ts  BIGINT,
    data      JSON NOT NULL,
    PRIMARY KEY (topic, "offset")
  );
  CREATE TABLE clients (
    client_id         TEXT PRIMARY KEY,  -- its row lock orders one client's mutations across nodes
    last_mutation_id  BIGINT NOT NULL
  );
  CREATE TABLE mutation_results (
    client_id    TEXT NOT NULL,
    mutation_id  BIGINT NOT NULL,
    result       JSON NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
  );
  CREATE TABLE streams (
    key        TEXT PRIMARY KEY,
    latest     JSON NOT NULL,
    latest_ts  BIGINT NOT NULL
  );
  CREATE TABLE tokens (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    hash          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    scopes        JSON NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT,
    revoked_at    BIGINT,
    kind          TEXT NOT NULL DEFAULT 'token',   -- token | share
    label         TEXT,
    created_by    TEXT,                            -- creator's tokenId
    last_used_at  BIGINT
  );
  CREATE INDEX tokens_created_by ON tokens (created_by);
  CREATE TABLE client_owners (
    client_id   TEXT PRIMARY KEY,
    token_id    TEXT NOT NULL,                     -- Principal.tokenId ('admin' for the configured admin token)
    claimed_at  BIGINT NOT NULL
  );
  CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  );
  INSERT INTO meta (key, value) VALUES ('instance_id', replace(gen_random_uuid()::text, '-', ''));
  CREATE TABLE sources (
    id          TEXT PRIMARY KEY,
    definition  JSON NOT NULL,                     -- SourceDefinition (secret header values included)
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
  );
  CREATE TABLE leases (
    name        TEXT PRIMARY KEY,       -- singleton job name (demo feed, retention, a poller)
    holder      TEXT NOT NULL,          -- node id of the current holder
    expires_at  BIGINT NOT NULL         -- ms since epoch; past it anyone may take the lease
  );
  `,
];

/** Key of the advisory lock that serialises migrations between nodes starting at once. */
export const PG_MIGRATION_LOCK_KEY = 0x70756c73; // "puls"

/**
 * Brings the database up to the newest schema version in one transaction under an advisory
 * lock, so N nodes starting together migrate once; rejects a schema from a newer release.
 * Returns the versions this call applied.
 */
export async function migratePostgres(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [PG_MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS pulseboard_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM pulseboard_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > PG_MIGRATIONS.length) {
      throw new PulseboardError(
        'schema_too_new',
        `database schema version ${current} is newer than this server understands (${PG_MIGRATIONS.length}); upgrade Pulseboard`,
        { status: 500 },
      );
    }
    const applied: number[] = [];
    for (let version = current + 1; version <= PG_MIGRATIONS.length; version++) {
      await client.query(PG_MIGRATIONS[version - 1] as string);
      await client.query('INSERT INTO pulseboard_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
