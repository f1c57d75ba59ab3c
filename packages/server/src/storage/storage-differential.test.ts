import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDashboard, isPulseboardError, seededRandom } from '@pulseboard/model';
import { MemoryStorage } from './memory-storage.js';
import { PostgresStorage } from './postgres-storage.js';
import { createTestDatabase, postgresAvailable, truncateAll, type TestDatabase } from './postgres-test-database.js';
import { SqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

/**
 * Seeded random operation sequences run against MemoryStorage and each other implementation
 * (SQLite; PostgreSQL where it runs) side by side: every answer (value or error) must be the
 * same, epochs compared by order of first appearance. The contract suite checks chosen cases; this looks for the cases nobody chose.
 */

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const STEPS = 300;
const T0 = Date.UTC(2026, 0, 1);
const LIMITS = { maxPoints: 6, maxAgeMs: 40 };

const root = mkdtempSync(join(tmpdir(), 'pulseboard-diff-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));


type Op = { name: string; run: (storage: Storage) => Promise<unknown> };

function randomOps(seed: number): Op[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (n: number) => Math.floor(random() * n);
  const nextId = new Map<string, number>();
  const ops: Op[] = [];
  let now = T0;
  for (let step = 0; step < STEPS; step++) {
    now += int(20);
    const at = now;
    const id = pick(['a', 'b']);
    const key = pick(['s1', 's2', 's3']);
    const roll = random();
    if (roll < 0.08) {
      ops.push({ name: `create ${id}`, run: (s) => s.createDashboard(createDashboard({ id, title: `T ${id}`, now: new Date(at).toISOString() })) });
    } else if (roll < 0.13) {
      const ifVersion = random() < 0.5 ? int(6) : undefined;
      ops.push({
        name: `replace ${id} if ${String(ifVersion)}`,
        run: (s) => s.replaceDashboard(createDashboard({ id, title: `R${step}`, now: new Date(at).toISOString() }), { ifVersion, now: at }),
      });
    } else if (roll < 0.16) {
      ops.push({ name: `delete ${id}`, run: (s) => s.deleteDashboard(id, at) });
    } else if (roll < 0.5) {
      const clientId = pick(['c1', 'c2', 'c3']);
      const next = nextId.get(clientId) ?? 1;
      // Mostly the next id; sometimes a duplicate or a gap.
      const mutationId = random() < 0.8 ? next : Math.max(1, next + pick([-2, -1, 1]));
      if (mutationId === next) nextId.set(clientId, next + 1);
      const widget = pick(['w1', 'w2', 'w3']);
      const [name, args] = pick([
        ['addWidget', { widget: { id: widget, type: 'stat' } }],
        ['moveWidget', { id: widget, x: int(10), y: int(5) }],
        ['removeWidget', { id: widget }],
        ['updateWidget', { id: widget, set: { title: `t${step}` }, expect: random() < 0.3 ? { title: 'x' } : undefined }],
        ['setDashboardMeta', { set: { title: `m${step}` } }],
        ['moveWidget', { id: widget, x: -1, y: 0 }],
      ] as const);
      ops.push({ name: `mutate ${clientId}#${mutationId} ${name}`, run: (s) => s.applyMutation({ clientId, mutationId, dashboardId: id, name, args }, at) });
    } else if (roll < 0.75) {
      const points = Array.from({ length: 1 + int(4) }, () => ({
        ...(random() < 0.5 ? { ts: at - int(60) } : {}),
        value: random() < 0.5 ? int(100) : { [pick(['x', 'y', 'z'])]: int(100) },
      }));
      const other = pick(['s1', 's2', 's3']);
      ops.push({ name: `append ${key},${other}`, run: (s) => s.appendPoints([{ key, points }, { key: other, points: points.slice(0, 1) }], LIMITS, at) });
    } else {
      const topic = random() < 0.5 ? `dashboard:${id}` : `stream:${key}`;
      const after = int(8);
      ops.push(
        pick([
          { name: `head ${topic}`, run: (s: Storage) => s.getHead(topic) },
          { name: `read ${topic} > ${after}`, run: (s: Storage) => s.readEvents(topic, after, 3) },
          { name: `snapshot ${topic}`, run: (s: Storage) => s.getSnapshot(topic) },
          { name: `stream ${key}`, run: (s: Storage) => s.getStream(key, { sinceTs: at - 30 }) },
          { name: 'list', run: async (s: Storage) => [await s.listDashboards(), await s.listStreams()] },
          { name: 'last ids', run: async (s: Storage) => Promise.all(['c1', 'c2', 'c3'].map((c) => s.getLastMutationId(c))) },
        ]),
      );
    }
  }
  return ops;
}

/** Replaces each epoch by its order of first appearance, so two implementations compare. */
function normalizer(): (value: unknown) => unknown {
  const epochs = new Map<string, string>();
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === 'epoch' && typeof v === 'string') {
          if (!epochs.has(v)) epochs.set(v, `epoch#${epochs.size}`);
          return [k, epochs.get(v)];
        }
        return [k, walk(v)];
      }),
    );
  };
  return walk;
}

async function outcome(op: Op, storage: Storage): Promise<unknown> {
  try {
    return { ok: await op.run(storage) };
  } catch (error) {
    if (!isPulseboardError(error)) throw error;
    return { error: { code: error.code, status: error.status, details: error.details } };
  }
}

/** Runs the seeds against MemoryStorage (the reference) and the implementation `open` builds. */
function compareWithMemory(name: string, open: (seed: number) => Promise<Storage>, options: { skip?: boolean; seeds?: number[] } = {}): void {
  describe.skipIf(options.skip ?? false)(`MemoryStorage and ${name}`, () => {
    for (const seed of options.seeds ?? SEEDS) {
      it(`give the same answers to the same random operations (seed ${seed})`, async () => {
        const memory = new MemoryStorage();
        const other = await open(seed);
        const [normMemory, normOther] = [normalizer(), normalizer()];
        try {
          for (const [index, op] of randomOps(seed).entries()) {
            const expected = normMemory(await outcome(op, memory));
            const actual = normOther(await outcome(op, other));
            expect(actual, `seed ${seed}, step ${index}: ${op.name}`).toEqual(expected);
          }
        } finally {
          await memory.close();
          await other.close();
        }
      });
    }
  });
}

compareWithMemory('SqliteStorage', async (seed) => new SqliteStorage({ file: join(root, `seed-${seed}.db`) }));

const HAVE_POSTGRES = await postgresAvailable('the PostgreSQL differential test');
let postgres: TestDatabase | null = null;
afterAll(async () => {
  await postgres?.drop();
});
compareWithMemory(
  'PostgresStorage',
  async () => {
    postgres ??= await createTestDatabase();
    const storage = await PostgresStorage.open({ connectionString: postgres.url });
    await truncateAll(postgres.url);
    return storage;
  },
  // Half the seeds: the rules are shared code; what differs is the SQL, and each seed costs ~2 s of round trips.
  { skip: !HAVE_POSTGRES, seeds: SEEDS.slice(0, 4) },
);
