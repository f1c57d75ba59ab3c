import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from './sqlite-storage.js';

const root = mkdtempSync(join(tmpdir(), 'pulseboard-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ACKS_BEFORE_KILL = 30;

/** Runs the writer fixture until it has acknowledged `acks` writes, then kills it with SIGKILL. */
function writeThenKill(file: string, acks: number): Promise<number> {
  const fixture = fileURLToPath(new URL('./sqlite-crash-writer.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let lastAck = 0;
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) lastAck = Number(line.slice(4));
      if (lastAck >= acks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(lastAck);
      else reject(new Error(`writer exited on its own (${String(_code)}): ${stderr}`));
    });
  });
}

describe('SqliteStorage durability', () => {
  it('keeps every acknowledged write, whole, after the writing process is killed with SIGKILL', async () => {
    const file = join(root, 'crash.db');
    const lastAck = await writeThenKill(file, ACKS_BEFORE_KILL);
    expect(lastAck).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);

    const storage = new SqliteStorage({ file });
    const lastMutationId = await storage.getLastMutationId('writer');
    // Writes after the last printed ack may or may not have committed; none acknowledged is lost.
    expect(lastMutationId).toBeGreaterThanOrEqual(lastAck);
    const doc = await storage.getDashboard('crash');
    const head = await storage.getHead('dashboard:crash');
    expect(doc).toMatchObject({ title: `t${lastMutationId}`, version: lastMutationId });
    expect(head?.offset).toBe(lastMutationId);
    const events = await storage.readEvents('dashboard:crash', 0, 10_000);
    expect(events.map((e) => e.offset)).toEqual(Array.from({ length: lastMutationId }, (_, i) => i + 1));
    const stream = await storage.getStream('crash');
    expect(stream?.offset).toBeGreaterThanOrEqual(lastAck);
    expect(stream?.latest).toBe(stream?.offset);
    await storage.close();
  });
});
