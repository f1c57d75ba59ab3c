import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDashboard } from '@pulseboard/model';
import type { EventMessage, ServerMessage } from '@pulseboard/protocol';
import { LocalPubSub } from './pubsub/local-pubsub.js';
import { SqliteStorage } from './storage/sqlite-storage.js';
import { SyncService } from './sync-service.js';
import { readVersion, restoreVersion, thinHistory, thinningPlan } from './version-history.js';
import { startHarness, type Harness } from './ws/gateway-test-harness.js';

const DAY_MS = 24 * 3600_000;
const dirs: string[] = [];
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function syncOver(file: string): SyncService {
  return new SyncService({ storage: new SqliteStorage({ file }), pubsub: new LocalPubSub(), streamLimits: { maxPoints: 10, maxAgeMs: DAY_MS } });
}

describe('version history', () => {
  it('survives a restart: the same versions, authors and documents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulseboard-history-'));
    dirs.push(dir);
    const file = join(dir, 'pulseboard.db');
    const first = syncOver(file);
    await first.createDashboard(createDashboard({ id: 'ops', title: 'Ops', now: new Date().toISOString() }));
    const base = { clientId: 'alice-client-1', dashboardId: 'ops', actor: 'Alice' };
    await first.mutate({ ...base, mutationId: 1, name: 'addWidget', args: { widget: { id: 'cpu', type: 'gauge', title: 'CPU' } } });
    await first.mutate({ ...base, mutationId: 2, name: 'moveWidget', args: { id: 'cpu', x: 6, y: 0 } });
    const before = await first.storage.listVersions('ops', { limit: 10 });
    const v1 = await readVersion(first.storage, 'ops', 1);
    await first.storage.close();

    const second = syncOver(file);
    expect(await second.storage.listVersions('ops', { limit: 10 })).toEqual(before);
    expect(before.map((v) => `${v.version} ${v.actor ?? '-'} ${v.summary}`)).toEqual(['2 Alice moved “CPU”', '1 Alice added “CPU”', '0 - created the dashboard']);
    expect(await readVersion(second.storage, 'ops', 1)).toEqual(v1);
    expect(v1?.doc.widgets.cpu?.layout.x).toBe(0);
    await second.storage.close();
  });

  it('restores an old version as a new version that every subscribed client receives live', async () => {
    harness = await startHarness();
    await harness.createDashboard('ops', 'Ops');
    const base = { clientId: 'alice-client-1', dashboardId: 'ops', actor: 'Alice' };
    await harness.sync.mutate({ ...base, mutationId: 1, name: 'addWidget', args: { widget: { id: 'cpu', type: 'gauge', title: 'CPU' } } });
    await harness.sync.mutate({ ...base, mutationId: 2, name: 'updateWidget', args: { id: 'cpu', set: { title: 'Broken' } } });
    await harness.sync.mutate({ ...base, mutationId: 3, name: 'removeWidget', args: { id: 'cpu' } });

    const watchers = await Promise.all([harness.client(), harness.client()]);
    for (const w of watchers) {
      w.send({ type: 'subscribe', topic: 'dashboard:ops' });
      await w.waitFor((m) => m.type === 'subscribed');
    }
    const restored = await restoreVersion(harness.sync, 'ops', 1, 'Bob');
    expect(restored.version).toBe(4);
    expect(restored.widgets.cpu?.title).toBe('CPU');
    const isRestore = (m: ServerMessage) => m.type === 'event' && m.topic === 'dashboard:ops' && m.offset === 4;
    for (const w of watchers) {
      const event = await w.waitFor<EventMessage>(isRestore);
      expect(event.data).toEqual({ kind: 'replace', doc: restored });
    }
    const [latest] = await harness.storage.listVersions('ops', { limit: 1 });
    expect(latest).toMatchObject({ version: 4, actor: 'Bob', summary: 'restored version 1' });
    // The versions in between stay: restoring rewrote nothing.
    expect((await readVersion(harness.storage, 'ops', 2))?.doc.widgets.cpu?.title).toBe('Broken');
  });

  it('keeps every version of the retention window and the last of each older day', async () => {
    const now = Date.UTC(2026, 5, 30, 12);
    const versions = [
      { version: 1, ts: now - 40 * DAY_MS },
      { version: 2, ts: now - 40 * DAY_MS + 1000 },
      { version: 3, ts: now - 39 * DAY_MS },
      { version: 4, ts: now - DAY_MS },
      { version: 5, ts: now - 1000 },
    ].map((v) => ({ ...v, actor: null, summary: '' }));
    expect(thinningPlan(versions, now - 30 * DAY_MS)).toEqual({ keep: [2, 3], drop: [1] });

    harness = await startHarness();
    await harness.createDashboard('ops', 'Ops');
    // Versions 0–4 on the creation day, 40 days before "now"; 5 and 6 today.
    const created = Date.parse((await harness.storage.getDashboard('ops'))!.createdAt);
    const later = created + 40 * DAY_MS;
    for (let i = 1; i <= 6; i++) {
      await harness.storage.applyMutation({ clientId: 'alice-client-1', mutationId: i, dashboardId: 'ops', name: 'setDashboardMeta', args: { set: { title: `T${i}` } } }, i <= 4 ? created + i : later);
    }
    await thinHistory(harness.storage, 'ops', 30 * DAY_MS, later);
    expect((await harness.storage.listVersions('ops', { limit: 10 })).map((v) => v.version)).toEqual([6, 5, 4]);
    expect((await readVersion(harness.storage, 'ops', 4))?.doc.title).toBe('T4');
    expect((await readVersion(harness.storage, 'ops', 6))?.doc.title).toBe('T6');
    expect(await readVersion(harness.storage, 'ops', 2)).toBeNull();
  });
});
