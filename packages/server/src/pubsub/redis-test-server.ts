import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** The Redis the pubsub tests share (each test uses its own channel prefix). */
export const TEST_REDIS_URL = process.env.PULSEBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const IS_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/**
 * True when Redis answers PING. Outside CI a missing server is reported loudly and the suite
 * skips; with CI=true this returns true anyway, so the suite runs and fails.
 */
export async function redisAvailable(suite: string): Promise<boolean> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    const bar = '!'.repeat(78);
    console.warn(
      `\n${bar}\n!! ${IS_CI ? 'FAILING' : 'SKIPPING'} ${suite}: no Redis at ${TEST_REDIS_URL} (${(error as Error).message})\n` +
        `!! Install and start it (apt-get install -y redis-server), or set PULSEBOARD_TEST_REDIS_URL\n${bar}\n`,
    );
    return IS_CI;
  } finally {
    client.disconnect();
  }
}

/** A channel prefix no other test (or deployment) uses. */
export function uniqueRedisPrefix(): string {
  return `pulseboard-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server this test started on its own port (so stopping it leaves the machine's Redis alone). */
export interface OwnRedis {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: an outage, not a shutdown) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
}

/** Starts `redis-server` on a free port, without persistence. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/Ready to accept connections/i.test(out)) resolve();
      });
      proc.on('exit', (code) => reject(new Error(`redis-server exited (${String(code)}): ${out}`)));
      proc.on('error', reject);
    });
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}
