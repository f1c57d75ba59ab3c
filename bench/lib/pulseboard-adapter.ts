/**
 * Starts the Pulseboard server under test through its public entry, `@pulseboard/server`'s
 * `startServer(options)`, on 127.0.0.1:0 with a throwaway data directory, the demo off and a
 * known admin token. The import is dynamic and the result duck-typed, so the bench still
 * type-checks and runs its baselines while the server package is being written.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BaselineServer } from '../baseline-ws.js';

export interface PulseboardUnderTest extends BaselineServer {
  token: string;
}

/** Extra `startServer` options, as JSON, e.g. BENCH_PULSEBOARD_OPTIONS='{"storage":"memory"}'. */
const EXTRA_OPTIONS_ENV = 'BENCH_PULSEBOARD_OPTIONS';

/** `options`: `startServer` options for this variant (e.g. `{gateway: {flushWindowMs: 16}}`). */
export async function startPulseboard(options: Record<string, unknown> = {}): Promise<PulseboardUnderTest> {
  const specifier = '@pulseboard/server';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot import ${specifier} (is packages/server/src/index.ts written yet?): ${(error as Error).message}`, { cause: error });
  }
  const startServer = mod.startServer;
  if (typeof startServer !== 'function') {
    throw new Error(`${specifier} does not export startServer() (exports: ${Object.keys(mod).join(', ') || 'none'})`);
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'pulseboard-bench-'));
  const removeDataDir = (): void => rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeDataDir);
  const token = `bench-admin-${randomBytes(16).toString('hex')}`;
  const extra = process.env[EXTRA_OPTIONS_ENV] ? (JSON.parse(process.env[EXTRA_OPTIONS_ENV]) as Record<string, unknown>) : {};

  const server = (await (startServer as (options: unknown) => Promise<unknown>)({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminToken: token,
    demo: false,
    print: () => {},
    ...options,
    ...extra,
  })) as { url?: string; port?: number; close?: () => Promise<void> | void };

  const port = server.port ?? (server.url ? Number(new URL(server.url).port) : NaN);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`startServer() returned no usable port or url (keys: ${Object.keys(server).join(', ')})`);
  if (typeof server.close !== 'function') throw new Error('startServer() returned no close()');
  const close = server.close.bind(server);
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    token,
    close: async () => {
      await close();
      removeDataDir();
    },
  };
}

/** The body of Pulseboard's batch push, POST /api/streams: `{streams: {key: {points}}}`. */
export function pulseboardBatchBody(batch: Array<{ key: string; points: Array<{ ts: number; value: number }> }>): unknown {
  return { streams: Object.fromEntries(batch.map(({ key, points }) => [key, { points }])) };
}
