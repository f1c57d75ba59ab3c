/**
 * Starts a real Pulseboard server for the fuzz suite through its public entry: port 0, a
 * throwaway SQLite data directory, no demo, a known admin token, and a rate limit high
 * enough that the frames are processed rather than dropped (dropping is tested elsewhere).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@pulseboard/server';

export interface FuzzServer {
  url: string;
  adminToken: string;
  /** Errors the server logged (an unexpected failure is logged before it becomes `internal`). */
  logged: string[];
  close(): Promise<void>;
}

export async function startFuzzServer(): Promise<FuzzServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pulseboard-fuzz-'));
  const adminToken = `fuzz-admin-${randomBytes(12).toString('hex')}`;
  const logged: string[] = [];
  const server = await startServer({
    port: 0,
    dataDir,
    demo: false,
    adminToken,
    print: () => undefined,
    logError: (message, error) => logged.push(`${message} ${error instanceof Error ? error.stack?.split('\n').slice(0, 3).join(' | ') : String(error ?? '')}`),
    gateway: { messagesPerSecond: 1_000_000, burstMessages: 1_000_000 },
  });
  return {
    url: server.url,
    adminToken,
    logged,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
