import type { Dashboard, FieldConflict, MutationStatus, PointValue } from '@pulseboard/model';
import type { DashboardEventData, StreamPointEvent, StreamSnapshot, DashboardSummary, StreamSummary } from '@pulseboard/protocol';
import type { SourceDefinition } from '../sources/source-definition.js';

export type { DashboardSummary, StreamSummary };

/**
 * Storage: everything Pulseboard keeps. One interface, several implementations (memory,
 * SQLite, PostgreSQL later), all passing ONE contract suite (storage-contract.ts).
 *
 * Rules every implementation keeps:
 * - Each topic (`dashboard:<id>`, `stream:<key>`) has an event log with dense offsets
 *   (1, 2, 3, …) and an `epoch` (random string) that changes only when the log is reset
 *   (a dashboard deleted and created again gets a new epoch).
 * - Every write that produces an event is ONE transaction: the document/stream state, the
 *   event and (for mutations) the client's lastMutationId and stored result commit together,
 *   so an acknowledged write survives a crash (kill -9) and nothing is half-applied.
 * - Snapshot reads return the state together with the position it reflects, read atomically.
 * - Methods reject with a PulseboardError (stable `code`, HTTP `status`) for expected
 *   failures: `not_found` (404), `already_exists` (409), `version_mismatch` (412),
 *   `out_of_order` (409).
 */
export interface Storage {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  close(): Promise<void>;

  listDashboards(): Promise<DashboardSummary[]>;
  /** The document (its `version` is its topic's offset), or null. */
  getDashboard(id: string): Promise<Dashboard | null>;
  /** Stores a new dashboard (version 0, a fresh epoch). Rejects `already_exists`. */
  createDashboard(doc: Dashboard): Promise<Dashboard>;
  /**
   * Replaces the whole document (HTTP PUT, import over an existing id). With `ifVersion`,
   * rejects `version_mismatch` unless the stored version equals it. Appends a `replace` event.
   */
  replaceDashboard(doc: Dashboard, options: { ifVersion?: number; now: number }): Promise<{ doc: Dashboard; event: StoredEvent }>;
  /** Deletes the dashboard and appends a `deleted` event; false when it did not exist. */
  deleteDashboard(id: string, now: number): Promise<StoredEvent | null>;

  /**
   * Applies one client mutation exactly once (DESIGN.md §4), in one transaction:
   * - mutationId <= lastMutationId(clientId): returns the stored result with `duplicate: true`;
   * - mutationId > lastMutationId + 1: rejects `out_of_order` (details: {expected});
   * - otherwise runs the model's `applyMutation` on the current document; applied/conflict
   *   results write the document (version+1, updatedAt) and an event; every result (also
   *   rejected/superseded, also for an unknown dashboard: status rejected, code not_found)
   *   is stored and advances lastMutationId.
   */
  applyMutation(input: MutationInput, now: number): Promise<MutationRecord>;
  getLastMutationId(clientId: string): Promise<number>;

  /**
   * Appends points to one or more streams in ONE transaction (the batch push), merging object
   * values into the latest value, then trims each stream's history to `limits`.
   * Points without ts get `now`. Returns the new events per stream, in input order.
   */
  appendPoints(batch: Array<{ key: string; points: Array<{ ts?: number; value: PointValue }> }>, limits: StreamLimits, now: number): Promise<AppendResult[]>;
  /** Latest value + retained history (only points with ts >= sinceTs when given), or null if never pushed. */
  getStream(key: string, options?: { sinceTs?: number }): Promise<(StreamSnapshot & TopicPosition) | null>;
  /** Streams that were pushed to, by key; `options` pages through them (see StreamListOptions). */
  listStreams(options?: StreamListOptions): Promise<StreamSummary[]>;

  /**
   * Position of a topic. An unknown stream reads as an empty log (offset 0) in the epoch its
   * first push will use, and nothing is written (topics are created by pushes only); unknown
   * dashboards give null.
   */
  getHead(topic: string): Promise<TopicHead | null>;
  /** Events with offset > afterOffset, oldest first, at most `limit`. */
  readEvents(topic: string, afterOffset: number, limit: number): Promise<StoredEvent[]>;
  /** Snapshot and the position it reflects, read atomically; null for an unknown dashboard. */
  getSnapshot(topic: string): Promise<{ position: TopicPosition; snapshot: Dashboard | StreamSnapshot } | null>;

  /**
   * Stores a token. Rejects `already_exists` (409) for a taken id or hash, and `token_revoked`
   * (401) when `createdBy` names a stored token that is revoked (a link made by a token being
   * revoked at the same moment must not outlive it).
   */
  createToken(token: TokenRecord): Promise<void>;
  /** The live (not revoked, not expired at `now`) token with this hash. */
  findToken(hash: string, now: number): Promise<TokenRecord | null>;
  /** The token with this hash whatever its state (revoked, expired): to say why it was refused. */
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  listTokens(): Promise<TokenRecord[]>;
  /**
   * Revokes the token (at `now`, default the current time) and, in the same transaction, every
   * live token it created, transitively (the share links it made). Returns the ids revoked, the
   * given one first; empty when it is unknown or already revoked.
   */
  revokeToken(id: string, now?: number): Promise<string[]>;
  /** Records when a token was last used (callers write it at most once a minute per token). */
  touchToken(id: string, at: number): Promise<void>;

  /**
   * Binds a clientId to a token identity (`Principal.tokenId`): the first call for a clientId
   * claims it. Returns the tokenId that owns it, the caller's own when it just claimed it.
   */
  claimClientId(clientId: string, tokenId: string, now: number): Promise<string>;
  /** The tokenId owning the clientId, or null when no token has used it yet. */
  getClientOwner(clientId: string): Promise<string | null>;

  /** Pull data sources (docs/sources.md), ordered by id. The definition is stored as opaque JSON. */
  listSources(): Promise<SourceRecord[]>;
  getSource(id: string): Promise<SourceRecord | null>;
  /** Stores a new source. Rejects `already_exists`. */
  createSource(record: SourceRecord): Promise<void>;
  /** Replaces a source's definition and updatedAt (createdAt is kept). Rejects `not_found`. */
  replaceSource(record: SourceRecord): Promise<void>;
  /** False when it did not exist. */
  deleteSource(id: string): Promise<boolean>;
}

/** A stored pull data source: its definition (secrets included) and when it was created/changed. */
export interface SourceRecord {
  id: string;
  definition: SourceDefinition;
  createdAt: number;
  updatedAt: number;
}

export interface TopicPosition {
  epoch: string;
  offset: number;
}

export interface TopicHead extends TopicPosition {
  /** Oldest offset still in the log (replayable); offset + 1 when the log is empty. */
  firstOffset: number;
}

/** One entry of a topic's log. `data` is DashboardEventData or StreamPointEvent. */
export interface StoredEvent {
  topic: string;
  epoch: string;
  offset: number;
  ts: number;
  data: DashboardEventData | StreamPointEvent;
}

export interface MutationInput {
  clientId: string;
  mutationId: number;
  dashboardId: string;
  name: string;
  args: unknown;
  /** Display name of the author (token or hello name). */
  actor?: string;
}

export interface MutationRecord {
  dashboardId: string;
  mutationId: number;
  status: MutationStatus;
  /** Offset of the event, for applied and conflict. */
  offset?: number;
  conflicts: FieldConflict[];
  error?: { code: string; message: string };
  /** True when this is the stored result of an earlier delivery of the same mutation. */
  duplicate: boolean;
  /** The event written (absent for duplicates, rejected and superseded results). */
  event?: StoredEvent;
}

/** A page of the stream list: keys starting with `prefix`, after the key `after`, at most `limit`, by key. */
export interface StreamListOptions {
  prefix?: string;
  /** Only keys sorting after this one (the last key of the previous page). */
  after?: string;
  limit?: number;
}

export interface StreamLimits {
  /** Most points kept per stream. */
  maxPoints: number;
  /** Points older than this (relative to the newest push) are dropped. */
  maxAgeMs: number;
}

export interface AppendResult {
  key: string;
  latest: PointValue;
  events: StoredEvent[];
}

export type TokenRole = 'admin' | 'scoped';

/** A stored API token (only its hash is kept). Share links are tokens with an expiry. */
export interface TokenRecord {
  id: string;
  name: string;
  /** sha256 hex of the secret. */
  hash: string;
  role: TokenRole;
  scopes: TokenScopes;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /** `share`: a share link made with POST /api/dashboards/:id/share; `token`: any other. */
  kind: TokenKind;
  /** A share link's label (shown in the dashboard's list of links); null: none. */
  label: string | null;
  /** tokenId of the creator (`admin` for the configured admin token); null: not recorded. */
  createdBy: string | null;
  /** When it last authenticated a request (recorded at most once a minute); null: never. */
  lastUsedAt: number | null;
}

export type TokenKind = 'token' | 'share';

export interface TokenScopes {
  /** Stream key prefixes this token may push to ("" = any). */
  push?: string[];
  /** Dashboard ids this token may view ("*" = any). */
  view?: string[];
  /** Dashboard ids this token may edit ("*" = any); edit implies view. */
  edit?: string[];
  /** Stream key prefixes this token may read beyond its dashboards' streams ("" = any). */
  read?: string[];
}
