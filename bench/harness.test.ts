import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, ServerHost } from './lib/harness.js';
import { runBurst, runFanout } from './scenarios.js';

describe.each(['ws', 'ws-16ms'] as const)('bench harness (%s baseline; server and two client fleet processes)', (kind) => {
  let host: ServerHost;
  let fleet: Fleet;

  beforeAll(async () => {
    [host, fleet] = await Promise.all([ServerHost.start(kind), Fleet.start(2)]);
  });

  afterAll(async () => {
    await Promise.all([fleet?.stop(), host?.stop()]);
  });

  it('delivers every update of a burst to each of 10 clients exactly once, in offset order', async () => {
    const updates = 300;
    await fleet.connect(host.info, 10, ['stream:bench.burst']);

    const report = await runBurst(host.info, fleet, updates);

    expect(report.complete).toBe(true);
    expect(report.clients).toBe(10);
    expect(report.minPerClient).toBe(updates);
    expect(report.maxPerClient).toBe(updates);
    expect(report.received).toBe(10 * updates);
    expect(report.duplicates).toBe(0);
    expect(report.missing).toBe(0);
    expect(report.unexpectedCloses).toEqual({});
  });

  it('respawns the fleet processes empty (what a run does after a fleet stops answering)', async () => {
    await fleet.disconnect();
    await fleet.connect(host.info, 4, ['stream:bench.respawn']);
    const before = fleet.pids;

    await fleet.respawn();

    expect(fleet.pids).toHaveLength(2);
    expect(fleet.pids.some((pid) => before.includes(pid))).toBe(false);
    await expect(fleet.connect(host.info, 4, ['stream:bench.respawn'])).resolves.toMatchObject({ connected: 4 });
    await fleet.disconnect();
  });

  it('reports the server process memory after a forced GC', async () => {
    const stats = await host.stats(true);

    expect(stats.memory.rss).toBeGreaterThan(stats.memory.heapUsed);
    expect(stats.cpu.user).toBeGreaterThan(0);
  });
});

describe.each(['ws-16ms', 'pulseboard'] as const)('fanout scenario (%s; two client fleet processes)', (kind) => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await Fleet.start(2);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('delivers each single update to each of 7 idle clients exactly once and times every update', async () => {
    const updates = 6;

    const result = await runFanout(kind, fleet, { clients: 7, updates, spacingMs: 0, settleMs: 0, updateTimeoutMs: 10_000 });

    expect(result.lateUpdates).toBe(0);
    expect(result.undelivered).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.missing).toBe(0);
    expect(result.latency?.count).toBe(7 * updates);
    expect(result.lastClientMs).toHaveLength(updates);
    expect(result.lastClientMax).toBe(result.latency?.max);
    expect(result.connectPerSec).toBeGreaterThan(0);
    expect(result.rssMb).toBeGreaterThan(result.heapMb);
    expect(result.unexpectedCloses).toEqual({});
  });
});
