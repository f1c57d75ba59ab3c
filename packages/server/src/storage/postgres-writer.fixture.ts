/**
 * Test fixture for postgres-storage.integration.test.ts: one "node" hammering the same
 * dashboard, the same shared clientId and the same stream as its siblings. Usage:
 * `postgres-writer.fixture.ts <databaseUrl> <name> <rounds>`. Prints one JSON line:
 * the shared mutation ids it applied (not duplicates), its own applied offsets and the
 * stream offsets it was given.
 */
import { PostgresStorage } from './postgres-storage.js';

const [url, name, roundsText] = process.argv.slice(2) as [string, string, string];
const rounds = Number(roundsText);
const storage = await PostgresStorage.open({ connectionString: url, poolSize: 2 });
const sharedApplied: number[] = [];
const ownOffsets: number[] = [];
const streamOffsets: number[] = [];
const limits = { maxPoints: 1_000_000, maxAgeMs: 365 * 86_400_000 };
for (let i = 1; i <= rounds; i++) {
  // Every process sends the same shared sequence, as a client resending through several nodes.
  const shared = await storage.applyMutation(
    { clientId: 'shared', mutationId: i, dashboardId: 'hammer', name: 'addWidget', args: { widget: { id: `s${i}`, type: 'stat' } } },
    Date.now(),
  );
  if (!shared.duplicate && shared.status === 'applied') sharedApplied.push(i);
  const own = await storage.applyMutation(
    { clientId: name, mutationId: i, dashboardId: 'hammer', name: 'setDashboardMeta', args: { set: { description: `${name}-${i}` } } },
    Date.now(),
  );
  if (own.offset !== undefined) ownOffsets.push(own.offset);
  const [pushed] = await storage.appendPoints([{ key: 'hammer', points: [{ value: i }, { value: { from: name } }] }], limits, Date.now());
  streamOffsets.push(...(pushed?.events.map((e) => e.offset) ?? []));
}
await storage.close();
process.stdout.write(`${JSON.stringify({ sharedApplied, ownOffsets, streamOffsets })}\n`);
