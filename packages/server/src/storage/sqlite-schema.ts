import type Database from 'better-sqlite3';

/**
 * The SQLite schema as an ordered list of migrations. `PRAGMA user_version` holds how many
 * have run; opening a database runs the missing ones in one transaction. Append a new
 * entry to change the schema; never edit a released one. docs/storage.md explains each table.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the initial schema.
  `
  CREATE TABLE dashboards (
    id       TEXT PRIMARY KEY,
    doc      TEXT NOT NULL,             -- the Dashboard as JSON (its version inside equals the column)
    version  INTEGER NOT NULL
  );
  CREATE TABLE topics (
    topic         TEXT PRIMARY KEY,     -- dashboard:<id> | stream:<key>
    epoch         TEXT NOT NULL,
    head          INTEGER NOT NULL,     -- offset of the newest event (0: none yet)
    first_offset  INTEGER NOT NULL      -- oldest offset still stored; head + 1 when empty
  );
  CREATE TABLE events (
    topic     TEXT NOT NULL,
    "offset"  INTEGER NOT NULL,
    ts        INTEGER NOT NULL,         -- server time of the commit
    point_ts  INTEGER,                  -- stream points: the point's own ts (age trimming)
    data      TEXT NOT NULL,            -- DashboardEventData | StreamPointEvent as JSON
    PRIMARY KEY (topic, "offset")
  ) WITHOUT ROWID;
  CREATE TABLE clients (
    client_id         TEXT PRIMARY KEY,
    last_mutation_id  INTEGER NOT NULL
  );
  CREATE TABLE mutation_results (
    client_id    TEXT NOT NULL,
    mutation_id  INTEGER NOT NULL,
    result       TEXT NOT NULL,         -- MutationRecord without event/duplicate, as JSON
    PRIMARY KEY (client_id, mutation_id)
  ) WITHOUT ROWID;
  CREATE TABLE streams (
    key        TEXT PRIMARY KEY,
    latest     TEXT NOT NULL,           -- merged latest value as JSON
    latest_ts  INTEGER NOT NULL
  );
  CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,   -- sha256 hex of the secret
    role        TEXT NOT NULL,
    scopes      TEXT NOT NULL,          -- TokenScopes as JSON
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    revoked_at  INTEGER
  );
  `,
  // 2: clientIds bound to tokens, share-link fields, the database's own id (stream epochs),
  // and no more empty stream topics (subscribing used to create them; only pushes do now).
  `
  CREATE TABLE client_owners (
    client_id   TEXT PRIMARY KEY,
    token_id    TEXT NOT NULL,          -- Principal.tokenId ('admin' for the configured admin token)
    claimed_at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'token';   -- token | share
  ALTER TABLE tokens ADD COLUMN label TEXT;
  ALTER TABLE tokens ADD COLUMN created_by TEXT;                      -- creator's tokenId
  ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;
  CREATE INDEX tokens_created_by ON tokens (created_by);
  CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  );
  INSERT INTO meta (key, value) VALUES ('instance_id', lower(hex(randomblob(16))));
  DELETE FROM topics WHERE topic LIKE 'stream:%' AND head = 0 AND substr(topic, 8) NOT IN (SELECT key FROM streams);
  `,
  // 3: pull data sources (docs/sources.md).
  `
  CREATE TABLE sources (
    id          TEXT PRIMARY KEY,
    definition  TEXT NOT NULL,          -- SourceDefinition as JSON (secret header values included)
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  );
  `,
];

/** Brings the database up to the newest schema version; rejects a database from a newer release. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this server understands (${MIGRATIONS.length})`);
  }
  if (current === MIGRATIONS.length) return;
  db.transaction(() => {
    for (let version = current; version < MIGRATIONS.length; version++) db.exec(MIGRATIONS[version] as string);
    // user_version cannot be bound as a parameter; the value is a trusted integer.
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
