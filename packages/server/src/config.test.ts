import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, parseByteSize, resolveConfig } from './config.js';
import { parseDuration } from './durations.js';

describe('resolveConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', demo: true, storageKind: 'sqlite', adminToken: undefined });
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.streamMaxPoints).toBe(DEFAULT_CONFIG.streamMaxPoints);
  });

  it('reads the environment, and flags win over it', () => {
    const env = { PORT: '4000', HOST: '0.0.0.0', PULSEBOARD_DATA_DIR: '/tmp/pb', PULSEBOARD_ADMIN_TOKEN: 'a-long-admin-secret-123', PULSEBOARD_STREAM_MAX_AGE: '2h', PULSEBOARD_BODY_LIMIT: '2mb' };
    const fromEnv = resolveConfig({}, env);
    expect(fromEnv).toMatchObject({ port: 4000, host: '0.0.0.0', dataDir: '/tmp/pb', adminToken: 'a-long-admin-secret-123', streamMaxAgeMs: 7_200_000, bodyLimitBytes: 2 * 1024 * 1024 });
    const fromFlags = resolveConfig({ port: '5000', data: '/tmp/other', 'no-demo': true, storage: 'memory' }, env);
    expect(fromFlags).toMatchObject({ port: 5000, dataDir: '/tmp/other', demo: false, storageKind: 'memory' });
    expect(resolveConfig({ 'sqlite-sync': 'full' }, {}).sqliteSync).toBe('FULL');
  });

  it('reads the WebSocket settings (payload cap, heartbeat, rate limit) from flags and environment', () => {
    expect(resolveConfig({}, {}).gateway).toEqual(DEFAULT_CONFIG.gateway);
    const env = { PULSEBOARD_WS_MAX_PAYLOAD: '256kb', PULSEBOARD_WS_HEARTBEAT: '30s', PULSEBOARD_WS_RATE_LIMIT: '100', PULSEBOARD_WS_BURST: '150' };
    expect(resolveConfig({}, env).gateway).toEqual({ maxPayloadBytes: 256 * 1024, heartbeatIntervalMs: 30_000, messagesPerSecond: 100, burstMessages: 150, flushWindowMs: 4 });
    expect(resolveConfig({ 'ws-flush-window': '16ms' }, {}).gateway.flushWindowMs).toBe(16);
    expect(resolveConfig({}, { PULSEBOARD_WS_FLUSH_WINDOW: '0' }).gateway.flushWindowMs).toBe(0);
    expect(resolveConfig({ 'ws-heartbeat': '5s', 'ws-rate-limit': '10' }, env).gateway).toMatchObject({ heartbeatIntervalMs: 5_000, messagesPerSecond: 10 });
  });

  it('selects PostgreSQL from a database URL, and takes a Redis URL', () => {
    const env = { PULSEBOARD_DATABASE_URL: 'postgres://pb@db:5432/pulseboard', PULSEBOARD_REDIS_URL: 'redis://cache:6379' };
    expect(resolveConfig({}, env)).toMatchObject({ storageKind: 'postgres', databaseUrl: 'postgres://pb@db:5432/pulseboard', redisUrl: 'redis://cache:6379' });
    expect(resolveConfig({ database: 'postgresql://other/db' }, env)).toMatchObject({ storageKind: 'postgres', databaseUrl: 'postgresql://other/db' });
    expect(resolveConfig({}, {})).toMatchObject({ storageKind: 'sqlite', databaseUrl: undefined, redisUrl: undefined });
  });

  it('turns the demo off with PULSEBOARD_DEMO=0', () => {
    expect(resolveConfig({}, { PULSEBOARD_DEMO: '0' }).demo).toBe(false);
    expect(resolveConfig({}, { PULSEBOARD_DEMO: 'true' }).demo).toBe(true);
  });

  it.each([
    [{ port: 'abc' }, {}, /--port \/ PORT: "abc" is not a whole number/],
    [{}, { PORT: '70000' }, /--port \/ PORT/],
    [{ storage: 'mongo' }, {}, /--storage \/ PULSEBOARD_STORAGE: "mongo" is not one of sqlite, memory, postgres/],
    [{ storage: 'postgres' }, {}, /--storage \/ PULSEBOARD_STORAGE: postgres needs --database \/ PULSEBOARD_DATABASE_URL/],
    [{ database: 'mysql://x' }, {}, /--database \/ PULSEBOARD_DATABASE_URL: must start with postgres:\/\//],
    [{}, { PULSEBOARD_REDIS_URL: 'localhost:6379' }, /--redis \/ PULSEBOARD_REDIS_URL: must start with redis:\/\//],
    [{}, { PULSEBOARD_STREAM_MAX_AGE: 'forever' }, /--stream-max-age \/ PULSEBOARD_STREAM_MAX_AGE: "forever" is not valid/],
    [{}, { PULSEBOARD_BODY_LIMIT: 'huge' }, /--body-limit \/ PULSEBOARD_BODY_LIMIT/],
    [{}, { PULSEBOARD_ADMIN_TOKEN: 'short' }, /PULSEBOARD_ADMIN_TOKEN: must be at least 16 characters/],
    [{ 'stream-max-points': '0' }, {}, /--stream-max-points/],
    [{ 'sqlite-sync': 'sometimes' }, {}, /--sqlite-sync \/ PULSEBOARD_SQLITE_SYNC: "SOMETIMES" is not one of NORMAL, FULL/],
    [{}, { PULSEBOARD_WS_MAX_PAYLOAD: 'lots' }, /--ws-max-payload \/ PULSEBOARD_WS_MAX_PAYLOAD: "lots" is not valid/],
    [{ 'ws-max-payload': '10' }, {}, /--ws-max-payload \/ PULSEBOARD_WS_MAX_PAYLOAD/],
    [{ 'ws-heartbeat': 'often' }, {}, /--ws-heartbeat \/ PULSEBOARD_WS_HEARTBEAT: "often" is not valid/],
    [{}, { PULSEBOARD_WS_RATE_LIMIT: '0' }, /--ws-rate-limit \/ PULSEBOARD_WS_RATE_LIMIT/],
    [{ 'ws-burst': 'many' }, {}, /--ws-burst \/ PULSEBOARD_WS_BURST: "many" is not a whole number/],
    [{ 'ws-flush-window': 'soon' }, {}, /--ws-flush-window \/ PULSEBOARD_WS_FLUSH_WINDOW: "soon" is not valid/],
    [{}, { PULSEBOARD_WS_FLUSH_WINDOW: '5s' }, /--ws-flush-window \/ PULSEBOARD_WS_FLUSH_WINDOW: must be at most 1s/],
  ])('rejects a bad value, naming the setting (%o %o)', (flags, env, message) => {
    expect(() => resolveConfig(flags, env)).toThrow(ConfigError);
    expect(() => resolveConfig(flags, env)).toThrow(message);
  });
});

describe('parseDuration and parseByteSize', () => {
  it('read units and bare numbers', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('soon')).toBeNull();
    expect(parseByteSize('512kb')).toBe(524_288);
    expect(parseByteSize('1MB')).toBe(1_048_576);
    expect(parseByteSize('-1')).toBeNull();
  });
});
