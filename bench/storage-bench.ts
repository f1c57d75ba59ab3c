/**
 * Storage micro-benchmark (SQLite file in a temp dir, WAL, synchronous=NORMAL):
 * - appendPoints: 1,000 points over 100 keys in one call; median and p95 of 20 runs, in ms.
 * - applyMutation: sequential mutations (alternating moveWidget / setDashboardMeta) per second.
 * Wall time and CPU time (user + system) are both shown: on a busy machine the CPU figures
 * say more about the code, the wall figures about what a client would wait.
 * - floor: the same 1,000 rows as bare INSERTs in one transaction, to read the figures
 *   against on a busy or slow machine.
 * Run: npx tsx bench/storage-bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createDashboard } from '@pulseboard/model';
import { MemoryStorage, SqliteStorage, type Storage } from '@pulseboard/server';

const APPEND_RUNS = 20;
const KEYS = 100;
const POINTS_PER_KEY = 10;
const MUTATIONS = 5_000;
const LIMITS = { maxPoints: 1_000, maxAgeMs: 24 * 3_600_000 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
}

/** CPU time (user + system) since `start`, in ms: less disturbed than wall time on a busy machine. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1_000;
}

async function benchAppend(storage: Storage): Promise<{ medianMs: number; p95Ms: number; cpuMedianMs: number }> {
  const timings: number[] = [];
  const cpu: number[] = [];
  let now = Date.now();
  // Two warm-up runs so prepared statements and page cache are hot, as in a running server.
  for (let run = -2; run < APPEND_RUNS; run++) {
    now += 1_000;
    const batch = Array.from({ length: KEYS }, (_, k) => ({
      key: `bench.key${k}`,
      points: Array.from({ length: POINTS_PER_KEY }, (_, p) => ({ ts: now + p, value: k % 2 ? p : { p, status: 'ok' } })),
    }));
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await storage.appendPoints(batch, LIMITS, now);
    if (run >= 0) {
      timings.push(performance.now() - start);
      cpu.push(cpuMsSince(cpuStart));
    }
  }
  timings.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { medianMs: percentile(timings, 0.5), p95Ms: percentile(timings, 0.95), cpuMedianMs: percentile(cpu, 0.5) };
}

/** The floor: 1,000 bare INSERTs (same table shape) in one transaction, no reads, no trimming. */
function benchRawInsert(file: string): { medianMs: number; p95Ms: number; cpuMedianMs: number } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE events (topic TEXT NOT NULL, "offset" INTEGER NOT NULL, ts INTEGER, point_ts INTEGER, data TEXT, PRIMARY KEY (topic, "offset")) WITHOUT ROWID');
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?)');
  let offset = 0;
  const batch = db.transaction(() => {
    for (let p = 0; p < POINTS_PER_KEY; p++) {
      offset++;
      for (let k = 0; k < KEYS; k++) insert.run(`stream:bench.key${k}`, offset, 1, 1, JSON.stringify({ ts: 1, value: p }));
    }
  });
  const timings: number[] = [];
  const cpu: number[] = [];
  for (let run = -2; run < APPEND_RUNS; run++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    batch();
    if (run >= 0) {
      timings.push(performance.now() - start);
      cpu.push(cpuMsSince(cpuStart));
    }
  }
  db.close();
  timings.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { medianMs: percentile(timings, 0.5), p95Ms: percentile(timings, 0.95), cpuMedianMs: percentile(cpu, 0.5) };
}

async function benchMutations(storage: Storage): Promise<{ perSecond: number; cpuPerSecond: number }> {
  const now = Date.now();
  await storage.createDashboard(createDashboard({ id: 'bench', title: 'Bench', now: new Date(now).toISOString() }));
  for (let i = 0; i < 12; i++) {
    await storage.applyMutation({ clientId: 'setup', mutationId: i + 1, dashboardId: 'bench', name: 'addWidget', args: { widget: { id: `w${i}`, type: 'stat' } } }, now);
  }
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 1; i <= MUTATIONS; i++) {
    const args = i % 2 ? { id: `w${i % 12}`, x: i % 9, y: i % 7 } : { set: { title: `Bench ${i}` } };
    await storage.applyMutation({ clientId: 'bench-client', mutationId: i, dashboardId: 'bench', name: i % 2 ? 'moveWidget' : 'setDashboardMeta', args }, now + i);
  }
  return { perSecond: MUTATIONS / ((performance.now() - start) / 1_000), cpuPerSecond: MUTATIONS / (cpuMsSince(cpuStart) / 1_000) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pulseboard-bench-'));
  try {
    const rows: Array<Record<string, string>> = [];
    for (const [name, open] of [
      ['sqlite (file, WAL, NORMAL)', () => new SqliteStorage({ file: join(dir, 'a', 'bench.db') })],
      ['sqlite (file, WAL, FULL)', () => new SqliteStorage({ file: join(dir, 'b', 'bench.db'), synchronous: 'FULL' })],
      ['memory', () => new MemoryStorage()],
    ] as const) {
      const storage = open();
      const append = await benchAppend(storage);
      const mutations = await benchMutations(storage);
      await storage.close();
      rows.push({
        storage: name,
        'appendPoints 1000 pts/100 keys median ms': append.medianMs.toFixed(2),
        'p95 ms': append.p95Ms.toFixed(2),
        'cpu ms': append.cpuMedianMs.toFixed(2),
        'applyMutation /s': Math.round(mutations.perSecond).toString(),
        'per cpu-s': Math.round(mutations.cpuPerSecond).toString(),
      });
    }
    const floor = benchRawInsert(join(dir, 'raw.db'));
    rows.push({
      storage: 'floor: 1000 bare INSERTs, 1 tx',
      'appendPoints 1000 pts/100 keys median ms': floor.medianMs.toFixed(2),
      'p95 ms': floor.p95Ms.toFixed(2),
      'cpu ms': floor.cpuMedianMs.toFixed(2),
      'applyMutation /s': '-',
      'per cpu-s': '-',
    });
    console.table(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
