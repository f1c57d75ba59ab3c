import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, ServerHost } from './lib/harness.js';
import { runBurst } from './scenarios.js';

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

  it('reports the server process memory after a forced GC', async () => {
    const stats = await host.stats(true);

    expect(stats.memory.rss).toBeGreaterThan(stats.memory.heapUsed);
    expect(stats.cpu.user).toBeGreaterThan(0);
  });
});
