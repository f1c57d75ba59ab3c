import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { PulseboardError } from '@pulseboard/model';
import { DAY_MS, MAX_TOKEN_LIFETIME_MS, parseDuration } from './durations.js';
import { DEFAULT_REDIS_PREFIX } from './pubsub/redis-pubsub.js';
import { parseHostList } from './sources/host-allow-list.js';
import { DEFAULT_HISTORY_KEEP_ALL_MS } from './version-history.js';
import { DEFAULT_GATEWAY_CONFIG, type GatewayConfig } from './ws/gateway-config.js';

/** Port the server listens on unless told otherwise. */
export const DEFAULT_PORT = 3000;
/** Bound to loopback by default: exposing a dashboard server is an explicit choice. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './data';
/** Most points kept per stream. */
export const DEFAULT_STREAM_MAX_POINTS = 1_000;
/** Points older than this (relative to the newest) are dropped: 24 hours. */
export const DEFAULT_STREAM_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Largest HTTP request body accepted: 1 MiB (a 1,000-point batch is ~50 KB). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** Longest life of a share link ('never' means this): 90 days. */
export const DEFAULT_MAX_SHARE_LIFETIME_MS = 90 * DAY_MS;
/** Where the web app's build lives (apps/web/dist in this repository). */
export const DEFAULT_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../apps/web/dist');

/** Largest answer a pull source may read: 1 MiB. */
export const DEFAULT_SOURCE_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Requests the pull sources make to one host at the same time. */
export const DEFAULT_SOURCE_HOST_CONCURRENCY = 8;

/** The WebSocket gateway settings a deployment may tune; the rest of GatewayConfig keeps its defaults. */
export const GATEWAY_SETTING_KEYS = ['maxPayloadBytes', 'heartbeatIntervalMs', 'messagesPerSecond', 'burstMessages', 'flushWindowMs'] as const;
export type GatewaySettings = Pick<GatewayConfig, (typeof GATEWAY_SETTING_KEYS)[number]>;

/** The tunable gateway settings among `options` (other GatewayConfig keys are left out). */
export function pickGatewaySettings(options: Partial<GatewayConfig> = {}): Partial<GatewaySettings> {
  const picked: Partial<GatewaySettings> = {};
  for (const key of GATEWAY_SETTING_KEYS) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

/** The resolved settings of one server process. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Directory holding the SQLite database (created on first start). */
  dataDir: string;
  /** Admin secret given by configuration; when absent one is generated on first start. */
  adminToken: string | undefined;
  /** Seed the "Demo" dashboard and run the demo feed. */
  demo: boolean;
  storageKind: 'sqlite' | 'memory' | 'postgres';
  /** PostgreSQL connection string (`postgres://…`); set, it selects PostgreSQL storage. */
  databaseUrl: string | undefined;
  /** Redis URL (`redis://…`); set, events and presence cross nodes through Redis pub/sub. */
  redisUrl: string | undefined;
  /** Prefix of the Redis channel names: one per deployment sharing a Redis. */
  redisPrefix: string;
  /** SQLite durability: NORMAL survives kill -9 (WAL); FULL also survives power loss. */
  sqliteSync: 'NORMAL' | 'FULL';
  streamMaxPoints: number;
  streamMaxAgeMs: number;
  /** Every version younger than this is kept; older history thins to the last version of each day. */
  historyKeepAllMs: number;
  bodyLimitBytes: number;
  /** Longest life of a share link; `expiresIn: 'never'` means this. */
  maxShareLifetimeMs: number;
  /** Directory of the built web app. */
  webDir: string;
  /** WebSocket limits and heartbeat (the dead-connection timeout follows as 3 heartbeats). */
  gateway: GatewaySettings;
  /** Hosts pull sources may fetch from (host-allow-list.ts); the server's own address is always allowed. */
  sourceHosts: string[];
  sourceMaxResponseBytes: number;
  sourceHostConcurrency: number;
  /** A Prometheus that scrapes this server: the demo's self-monitoring reads it (its host is allowed). */
  prometheusUrl: string | undefined;
}

/** Raised for a bad setting; `message` names the flag or variable and what is wrong. */
export class ConfigError extends PulseboardError {
  constructor(message: string) {
    super('invalid_config', message, { status: 500 });
    this.name = 'ConfigError';
  }
}

const UNITS_BYTES: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

/** Parses `512kb`, `1mb` or a bare number of bytes; null when malformed. */
export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(text);
  if (!match) return null;
  const value = Number(match[1]) * (UNITS_BYTES[(match[2] ?? 'b').toLowerCase()] ?? 1);
  return Number.isFinite(value) ? Math.round(value) : null;
}

const configSchema = z.object({
  port: z.number().int().min(0).max(65535),
  host: z.string().min(1),
  dataDir: z.string().min(1),
  adminToken: z.string().min(16, 'must be at least 16 characters').max(512).optional(),
  demo: z.boolean(),
  storageKind: z.enum(['sqlite', 'memory', 'postgres']),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  redisPrefix: z.string().min(1).max(200),
  sqliteSync: z.enum(['NORMAL', 'FULL']),
  streamMaxPoints: z.number().int().min(1).max(1_000_000),
  streamMaxAgeMs: z.number().int().min(1000),
  historyKeepAllMs: z.number().int().min(60_000),
  bodyLimitBytes: z.number().int().min(1024).max(1024 ** 3),
  maxShareLifetimeMs: z.number().int().min(60_000, 'must be at least 1m').max(MAX_TOKEN_LIFETIME_MS, 'must be at most 36500d'),
  webDir: z.string().min(1),
  gateway: z.object({
    maxPayloadBytes: z.number().int().min(1024).max(1024 ** 3),
    heartbeatIntervalMs: z.number().int().positive(),
    messagesPerSecond: z.number().int().positive(),
    burstMessages: z.number().int().positive(),
    flushWindowMs: z.number().int().min(0).max(1_000, 'must be at most 1s'),
  }),
  sourceHosts: z.array(z.string().min(1).max(256)).max(1000),
  sourceMaxResponseBytes: z.number().int().min(1024).max(1024 ** 3),
  sourceHostConcurrency: z.number().int().min(1).max(1000),
  prometheusUrl: z.url({ protocol: /^https?$/ }).optional(),
});

/** Names each setting (a path into ServerConfig) has on the command line and in the environment, for error messages. */
const SETTING_NAMES = {
  port: '--port / PORT',
  host: '--host / HOST',
  dataDir: '--data / PULSEBOARD_DATA_DIR',
  adminToken: 'PULSEBOARD_ADMIN_TOKEN',
  demo: '--no-demo / PULSEBOARD_DEMO',
  storageKind: '--storage / PULSEBOARD_STORAGE',
  databaseUrl: '--database / PULSEBOARD_DATABASE_URL',
  redisUrl: '--redis / PULSEBOARD_REDIS_URL',
  redisPrefix: '--redis-prefix / PULSEBOARD_REDIS_PREFIX',
  sqliteSync: '--sqlite-sync / PULSEBOARD_SQLITE_SYNC',
  streamMaxPoints: '--stream-max-points / PULSEBOARD_STREAM_MAX_POINTS',
  streamMaxAgeMs: '--stream-max-age / PULSEBOARD_STREAM_MAX_AGE',
  historyKeepAllMs: '--history-keep-all / PULSEBOARD_HISTORY_KEEP_ALL',
  bodyLimitBytes: '--body-limit / PULSEBOARD_BODY_LIMIT',
  maxShareLifetimeMs: '--max-share-lifetime / PULSEBOARD_MAX_SHARE_LIFETIME',
  webDir: '--web-dir / PULSEBOARD_WEB_DIR',
  gateway: 'gateway',
  'gateway.maxPayloadBytes': '--ws-max-payload / PULSEBOARD_WS_MAX_PAYLOAD',
  'gateway.heartbeatIntervalMs': '--ws-heartbeat / PULSEBOARD_WS_HEARTBEAT',
  'gateway.messagesPerSecond': '--ws-rate-limit / PULSEBOARD_WS_RATE_LIMIT',
  'gateway.burstMessages': '--ws-burst / PULSEBOARD_WS_BURST',
  'gateway.flushWindowMs': '--ws-flush-window / PULSEBOARD_WS_FLUSH_WINDOW',
  sourceHosts: '--source-hosts / PULSEBOARD_SOURCE_HOSTS',
  sourceMaxResponseBytes: '--source-max-response / PULSEBOARD_SOURCE_MAX_RESPONSE',
  sourceHostConcurrency: '--source-host-concurrency / PULSEBOARD_SOURCE_HOST_CONCURRENCY',
  prometheusUrl: '--prometheus-url / PULSEBOARD_PROMETHEUS_URL',
} satisfies Record<keyof ServerConfig, string> & Record<`gateway.${keyof GatewaySettings}`, string>;
type SettingKey = keyof typeof SETTING_NAMES;

/** Settings with defaults, for `startServer` callers that pass only a few (tests). */
export const DEFAULT_CONFIG: ServerConfig = {
  port: DEFAULT_PORT,
  host: DEFAULT_HOST,
  dataDir: DEFAULT_DATA_DIR,
  adminToken: undefined,
  demo: true,
  storageKind: 'sqlite',
  databaseUrl: undefined,
  redisUrl: undefined,
  redisPrefix: DEFAULT_REDIS_PREFIX,
  sqliteSync: 'NORMAL',
  streamMaxPoints: DEFAULT_STREAM_MAX_POINTS,
  streamMaxAgeMs: DEFAULT_STREAM_MAX_AGE_MS,
  historyKeepAllMs: DEFAULT_HISTORY_KEEP_ALL_MS,
  bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
  maxShareLifetimeMs: DEFAULT_MAX_SHARE_LIFETIME_MS,
  webDir: DEFAULT_WEB_DIR,
  gateway: {
    maxPayloadBytes: DEFAULT_GATEWAY_CONFIG.maxPayloadBytes,
    heartbeatIntervalMs: DEFAULT_GATEWAY_CONFIG.heartbeatIntervalMs,
    messagesPerSecond: DEFAULT_GATEWAY_CONFIG.messagesPerSecond,
    burstMessages: DEFAULT_GATEWAY_CONFIG.burstMessages,
    flushWindowMs: DEFAULT_GATEWAY_CONFIG.flushWindowMs,
  },
  sourceHosts: [],
  sourceMaxResponseBytes: DEFAULT_SOURCE_MAX_RESPONSE_BYTES,
  sourceHostConcurrency: DEFAULT_SOURCE_HOST_CONCURRENCY,
  prometheusUrl: undefined,
};

/** Validates a complete config; throws a ConfigError naming the first bad setting. */
export function validateConfig(config: ServerConfig): ServerConfig {
  const parsed = configSchema.safeParse(config);
  if (parsed.success) {
    if (parsed.data.storageKind === 'postgres' && !parsed.data.databaseUrl) {
      throw new ConfigError(`invalid setting ${SETTING_NAMES.storageKind}: postgres needs ${SETTING_NAMES.databaseUrl}`);
    }
    return { ...parsed.data, adminToken: parsed.data.adminToken, prometheusUrl: parsed.data.prometheusUrl, databaseUrl: parsed.data.databaseUrl, redisUrl: parsed.data.redisUrl };
  }
  const issue = parsed.error.issues[0];
  const key = issue?.path.map(String).join('.');
  const name = key ? ((SETTING_NAMES as Record<string, string>)[key] ?? key) : 'config';
  throw new ConfigError(`invalid setting ${name}: ${issue?.message ?? 'invalid value'}`);
}

/** Flags as `parseArgs` gives them (strings and booleans). */
export type ConfigFlags = Partial<Record<string, string | boolean | undefined>>;

/**
 * Resolves settings: flag first, then environment, then default. Throws a ConfigError naming
 * the setting for any malformed value (the CLI prints it and exits 1).
 */
export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const pick = (flag: string, envName: string): string | undefined => {
    const fromFlag = flags[flag];
    if (typeof fromFlag === 'string') return fromFlag;
    const fromEnv = env[envName];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const integer = (key: SettingKey, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    if (!/^\s*\d+\s*$/.test(text)) throw new ConfigError(`invalid setting ${SETTING_NAMES[key]}: "${text}" is not a whole number`);
    return Number(text);
  };
  const measured = (key: SettingKey, text: string | undefined, fallback: number, parse: (t: string) => number | null, example: string): number => {
    if (text === undefined) return fallback;
    const value = parse(text);
    if (value === null) throw new ConfigError(`invalid setting ${SETTING_NAMES[key]}: "${text}" is not valid (e.g. ${example})`);
    return value;
  };

  const demoEnv = env.PULSEBOARD_DEMO;
  const demo = flags['no-demo'] === true ? false : demoEnv !== undefined && demoEnv !== '' ? !['0', 'false', 'no', 'off'].includes(demoEnv.toLowerCase()) : true;

  const databaseUrl = pick('database', 'PULSEBOARD_DATABASE_URL');
  // A database URL alone selects PostgreSQL.
  const storageKind = pick('storage', 'PULSEBOARD_STORAGE') ?? (databaseUrl ? 'postgres' : DEFAULT_CONFIG.storageKind);
  if (storageKind !== 'sqlite' && storageKind !== 'memory' && storageKind !== 'postgres') {
    throw new ConfigError(`invalid setting ${SETTING_NAMES.storageKind}: "${storageKind}" is not one of sqlite, memory, postgres`);
  }

  const sqliteSync = (pick('sqlite-sync', 'PULSEBOARD_SQLITE_SYNC') ?? DEFAULT_CONFIG.sqliteSync).toUpperCase();
  if (sqliteSync !== 'NORMAL' && sqliteSync !== 'FULL') {
    throw new ConfigError(`invalid setting ${SETTING_NAMES.sqliteSync}: "${sqliteSync}" is not one of NORMAL, FULL`);
  }

  return validateConfig({
    port: integer('port', pick('port', 'PORT'), DEFAULT_PORT),
    host: pick('host', 'HOST') ?? DEFAULT_HOST,
    dataDir: path.resolve(pick('data', 'PULSEBOARD_DATA_DIR') ?? DEFAULT_DATA_DIR),
    adminToken: env.PULSEBOARD_ADMIN_TOKEN === '' ? undefined : env.PULSEBOARD_ADMIN_TOKEN,
    demo,
    storageKind,
    databaseUrl,
    redisUrl: pick('redis', 'PULSEBOARD_REDIS_URL'),
    redisPrefix: pick('redis-prefix', 'PULSEBOARD_REDIS_PREFIX') ?? DEFAULT_REDIS_PREFIX,
    sqliteSync,
    streamMaxPoints: integer('streamMaxPoints', pick('stream-max-points', 'PULSEBOARD_STREAM_MAX_POINTS'), DEFAULT_STREAM_MAX_POINTS),
    streamMaxAgeMs: measured('streamMaxAgeMs', pick('stream-max-age', 'PULSEBOARD_STREAM_MAX_AGE'), DEFAULT_STREAM_MAX_AGE_MS, parseDuration, '24h'),
    historyKeepAllMs: measured('historyKeepAllMs', pick('history-keep-all', 'PULSEBOARD_HISTORY_KEEP_ALL'), DEFAULT_HISTORY_KEEP_ALL_MS, parseDuration, '30d'),
    bodyLimitBytes: measured('bodyLimitBytes', pick('body-limit', 'PULSEBOARD_BODY_LIMIT'), DEFAULT_BODY_LIMIT_BYTES, parseByteSize, '1mb'),
    maxShareLifetimeMs: measured('maxShareLifetimeMs', pick('max-share-lifetime', 'PULSEBOARD_MAX_SHARE_LIFETIME'), DEFAULT_MAX_SHARE_LIFETIME_MS, parseDuration, '90d'),
    webDir: path.resolve(pick('web-dir', 'PULSEBOARD_WEB_DIR') ?? DEFAULT_WEB_DIR),
    gateway: {
      maxPayloadBytes: measured('gateway.maxPayloadBytes', pick('ws-max-payload', 'PULSEBOARD_WS_MAX_PAYLOAD'), DEFAULT_CONFIG.gateway.maxPayloadBytes, parseByteSize, '1mb'),
      heartbeatIntervalMs: measured('gateway.heartbeatIntervalMs', pick('ws-heartbeat', 'PULSEBOARD_WS_HEARTBEAT'), DEFAULT_CONFIG.gateway.heartbeatIntervalMs, parseDuration, '15s'),
      messagesPerSecond: integer('gateway.messagesPerSecond', pick('ws-rate-limit', 'PULSEBOARD_WS_RATE_LIMIT'), DEFAULT_CONFIG.gateway.messagesPerSecond),
      burstMessages: integer('gateway.burstMessages', pick('ws-burst', 'PULSEBOARD_WS_BURST'), DEFAULT_CONFIG.gateway.burstMessages),
      flushWindowMs: measured('gateway.flushWindowMs', pick('ws-flush-window', 'PULSEBOARD_WS_FLUSH_WINDOW'), DEFAULT_CONFIG.gateway.flushWindowMs, parseDuration, '16ms'),
    },
    sourceHosts: parseHostList(pick('source-hosts', 'PULSEBOARD_SOURCE_HOSTS') ?? ''),
    sourceMaxResponseBytes: measured('sourceMaxResponseBytes', pick('source-max-response', 'PULSEBOARD_SOURCE_MAX_RESPONSE'), DEFAULT_SOURCE_MAX_RESPONSE_BYTES, parseByteSize, '1mb'),
    sourceHostConcurrency: integer('sourceHostConcurrency', pick('source-host-concurrency', 'PULSEBOARD_SOURCE_HOST_CONCURRENCY'), DEFAULT_SOURCE_HOST_CONCURRENCY),
    prometheusUrl: pick('prometheus-url', 'PULSEBOARD_PROMETHEUS_URL'),
  });
}
