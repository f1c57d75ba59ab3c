import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startChildServer, type ChildCli } from '@pulseboard/testing';
import { Pusher } from './pusher.js';

const KEYS = ['collector.a', 'collector.b', 'collector.c'];
/** Points per key per phase; four phases stay under the default history of 1,000 points. */
const PER_PHASE = 60;

const children: ChildCli[] = [];
let dataDir = '';

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function start(port: number): Promise<ChildCli & { url: string }> {
  const child = await startChildServer(['--port', String(port), '--data', dataDir, '--no-demo'], { PULSEBOARD_ADMIN_TOKEN: ADMIN_TOKEN });
  children.push(child);
  return child;
}

describe('Pusher against a real server that is killed and restarted', () => {
  it('loses nothing accepted before flush() resolved, and keeps each key in push order', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'pulseboard-pusher-'));
    let server = await start(0);
    const port = Number(new URL(server.url).port);
    const pusher = new Pusher({ url: server.url, token: ADMIN_TOKEN, maxBatchPoints: 25, flushIntervalMs: 1, retryMinDelayMs: 20, retryMaxDelayMs: 200 });
    let next = 0;
    const pushPhase = () => {
      for (let i = 0; i < PER_PHASE; i++, next++) for (const key of KEYS) expect(pusher.push(key, next)).toBe(true);
    };

    pushPhase();
    await pusher.flush();
    expect(pusher.stats.sent).toBe(PER_PHASE * KEYS.length);

    // Mid-stream: a batch is on its way or waiting when the server dies without warning.
    pushPhase();
    server.child.kill('SIGKILL');
    await server.exited;
    pushPhase(); // accepted while the server is down: buffered
    server = await start(port);
    pushPhase();
    await pusher.close();

    expect(pusher.stats).toMatchObject({ dropped: 0, rejected: 0, buffered: 0, inFlight: 0 });
    expect(pusher.stats.retries).toBeGreaterThan(0);
    for (const key of KEYS) {
      const response = await fetch(`${server.url}/api/streams/${key}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = (await response.json()) as { history: Array<{ value: number }> };
      const values = body.history.map((p) => p.value);
      // At least once: a batch committed just before the kill may be sent again, so compare
      // first occurrences, which must be every value pushed, in push order.
      const firstSeen = values.filter((v, i) => values.indexOf(v) === i);
      expect(firstSeen, key).toEqual(Array.from({ length: next }, (_, i) => i));
    }
  });
});
