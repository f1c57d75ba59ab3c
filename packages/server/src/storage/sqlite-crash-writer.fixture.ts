/**
 * Test fixture for sqlite-storage.integration.test.ts: writes acknowledged mutations and
 * stream points in a loop, printing each acknowledgement, until the test kills it with SIGKILL.
 * Usage: node --import tsx sqlite-crash-writer.fixture.ts <db file>
 */
import { createDashboard } from '@pulseboard/model';
import { SqliteStorage } from './sqlite-storage.js';

const file = process.argv[2];
if (!file) throw new Error('usage: sqlite-crash-writer.fixture.ts <db file>');
const storage = new SqliteStorage({ file });
const now = Date.now();
await storage.createDashboard(createDashboard({ id: 'crash', title: 'Crash', now: new Date(now).toISOString() }));
for (let id = 1; ; id++) {
  await storage.applyMutation({ clientId: 'writer', mutationId: id, dashboardId: 'crash', name: 'setDashboardMeta', args: { set: { title: `t${id}` } } }, now + id);
  await storage.appendPoints([{ key: 'crash', points: [{ value: id }] }], { maxPoints: 100_000, maxAgeMs: 3_600_000 }, now + id);
  process.stdout.write(`ack ${id}\n`);
}
