import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPubSub } from '../pubsub/local-pubsub.js';
import type { SingletonRunner, SingletonStop } from '../singleton-runner.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { SyncService } from '../sync-service.js';
import { SourceManager, SOURCES_SINGLETON } from './source-manager.js';
import { startUpstream, type UpstreamServer } from './upstream-test-server.js';

/** A lease the test grants and takes away, as a PostgreSQL or Redis lease would. */
class ManualLease implements SingletonRunner {
  #start: (() => SingletonStop) | null = null;
  #stop: SingletonStop | null = null;

  async run(name: string, start: () => SingletonStop): Promise<void> {
    expect(name).toBe(SOURCES_SINGLETON);
    this.#start = start;
  }
  holds(): boolean {
    return this.#stop !== null;
  }
  grant(): void {
    this.#stop = this.#start!();
  }
  async lose(): Promise<void> {
    const stop = this.#stop;
    this.#stop = null;
    await stop?.();
  }
  async close(): Promise<void> {
    await this.lose();
  }
}

let upstream: UpstreamServer;
beforeAll(async () => {
  upstream = await startUpstream({ n: 5 });
});
afterAll(async () => {
  await upstream.close();
});

describe('SourceManager and the SingletonRunner seam', () => {
  it('runs sources only while this node holds the lease, and says "elsewhere" otherwise', async () => {
    const storage = new MemoryStorage();
    const sync = new SyncService({ storage, pubsub: new LocalPubSub(), streamLimits: { maxPoints: 100, maxAgeMs: 3_600_000 } });
    const lease = new ManualLease();
    const manager = new SourceManager({
      sync,
      singleton: lease,
      log: () => {},
      limits: { allowHosts: ['127.0.0.1'], maxResponseBytes: 65_536, maxRedirects: 3, hostConcurrency: 2 },
    });
    const now = Date.now();
    await storage.createSource({
      id: 'lease',
      definition: { id: 'lease', name: 'lease', kind: 'http-json', enabled: true, url: `${upstream.url}/value`, method: 'GET', headers: [], intervalMs: 60_000, timeoutMs: 1000, selectors: [{ stream: 'lease.n', path: 'n' }] },
      createdAt: now,
      updatedAt: now,
    });
    await manager.start();

    expect(manager.status('lease')?.state).toBe('elsewhere');
    await expect(manager.runNow('lease')).rejects.toMatchObject({ code: 'runs_elsewhere', status: 409 });
    expect(upstream.hits.get('/value') ?? 0).toBe(0);

    lease.grant();
    expect(manager.status('lease')?.nextRunAt).toEqual(expect.any(Number));
    const status = await manager.runNow('lease');
    expect(status).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    expect((await storage.getStream('lease.n'))?.latest).toBe(5);

    await lease.lose();
    expect(manager.status('lease')).toMatchObject({ state: 'elsewhere', nextRunAt: null });
    manager.close();
    await lease.close();
  });
});
