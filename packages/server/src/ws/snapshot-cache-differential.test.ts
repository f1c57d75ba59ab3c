import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDashboard, isPulseboardError, seededRandom } from '@pulseboard/model';
import { SnapshotCache } from './snapshot-cache.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import type { Storage, StoredEvent } from '../storage/storage.js';

/**
 * Seeded random pushes, mutations, replaces, deletes and lookups against a storage, with a
 * SnapshotCache fed the committed events the way a node receives them: mostly in order, but
 * sometimes duplicated, late (after the next write's events) or lost. Every snapshot the cache
 * answers must equal what storage held at that position, and every catch-up it serves must be
 * the log's own events; with nothing lost, every answer is storage's current state.
 */

const SEEDS = [11, 12, 13, 14, 15, 16];
const STEPS = 400;
const T0 = Date.UTC(2026, 0, 1);
const LIMITS = { maxPoints: 6, maxAgeMs: 40 };
const TOPICS = ['dashboard:a', 'dashboard:b', 'stream:s1', 'stream:s2', 'stream:s3'];

const root = mkdtempSync(join(tmpdir(), 'pulseboard-cache-diff-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Delivery {
  /** Chance that a write's events are held back until after the next write's. */
  late: number;
  /** Chance that a write's events never arrive. */
  lost: number;
  /** Chance that an old event arrives again. */
  duplicate: number;
}

/** What storage held, by topic, epoch and offset: snapshots (as JSON) and events. */
class History {
  readonly snapshots = new Map<string, string>();
  readonly events = new Map<string, string>();

  async record(storage: Storage, topic: string): Promise<void> {
    const read = await storage.getSnapshot(topic);
    if (read) this.snapshots.set(`${topic}@${read.position.epoch}:${read.position.offset}`, JSON.stringify(read.snapshot));
  }
}

async function attempt<T>(run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    if (isPulseboardError(error)) return null;
    throw error;
  }
}

async function runSeed(seed: number, storage: Storage, delivery: Delivery): Promise<{ hits: number; answers: number }> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (n: number) => Math.floor(random() * n);
  const cache = new SnapshotCache(storage, { streamLimits: LIMITS, maxEntries: 4, maxTailEvents: 8 });
  const history = new History();
  const delivered: StoredEvent[] = [];
  let held: StoredEvent[] = [];
  let lostAny = false;
  const nextMutationId = new Map<string, number>();
  let now = T0;
  let answers = 0;

  const deliver = (events: StoredEvent[]) => {
    for (const event of events) {
      history.events.set(`${event.topic}@${event.epoch}:${event.offset}`, JSON.stringify(event));
      cache.apply(event);
      delivered.push(event);
      if (delivered.length > 0 && random() < delivery.duplicate) cache.apply(pick(delivered));
    }
  };
  const committed = async (events: StoredEvent[]) => {
    for (const topic of new Set(events.map((e) => e.topic))) await history.record(storage, topic);
    // Intermediate positions of a batch are in the log only: record the events for catch-up checks.
    for (const event of events) history.events.set(`${event.topic}@${event.epoch}:${event.offset}`, JSON.stringify(event));
    const roll = random();
    const previous = held;
    held = [];
    if (roll < delivery.lost) lostAny = true;
    else if (roll < delivery.lost + delivery.late) held = events;
    else deliver(events);
    deliver(previous);
  };

  for (const topic of TOPICS) await history.record(storage, topic);
  for (let step = 0; step < STEPS; step++) {
    now += int(20);
    const at = now;
    const id = pick(['a', 'b']);
    const roll = random();
    if (roll < 0.06) {
      if (await attempt(() => storage.createDashboard(createDashboard({ id, title: `T ${id}`, now: new Date(at).toISOString() })))) {
        await history.record(storage, `dashboard:${id}`);
      }
    } else if (roll < 0.1) {
      const result = await attempt(() => storage.replaceDashboard(createDashboard({ id, title: `R${step}`, now: new Date(at).toISOString() }), { now: at }));
      if (result) await committed([result.event]);
    } else if (roll < 0.12) {
      const event = await storage.deleteDashboard(id, at);
      if (event) await committed([event]);
    } else if (roll < 0.45) {
      const clientId = pick(['c1', 'c2']);
      const mutationId = nextMutationId.get(clientId) ?? 1;
      nextMutationId.set(clientId, mutationId + 1);
      const widget = pick(['w1', 'w2', 'w3']);
      const [name, args] = pick([
        ['addWidget', { widget: { id: widget, type: 'stat' } }],
        ['moveWidget', { id: widget, x: int(10), y: int(5) }],
        ['resizeWidget', { id: widget, w: 1 + int(4), h: 1 + int(3) }],
        ['removeWidget', { id: widget }],
        ['updateWidget', { id: widget, set: { title: `t${step}`, options: { unit: pick(['%', 'ms']) } } }],
        ['setDashboardMeta', { set: { title: `m${step}`, columns: pick([6, 12]) } }],
      ] as const);
      const record = await storage.applyMutation({ clientId, mutationId, dashboardId: id, name, args, actor: clientId }, at);
      if (record.event) await committed([record.event]);
    } else if (roll < 0.75) {
      const key = pick(['s1', 's2', 's3']);
      const points = Array.from({ length: 1 + int(4) }, () => ({
        ...(random() < 0.5 ? { ts: at - int(60) } : {}),
        value: random() < 0.5 ? int(100) : { [pick(['x', 'y'])]: int(100) },
      }));
      const results = await storage.appendPoints([{ key, points }], LIMITS, at);
      await committed(results.flatMap((r) => r.events));
    } else {
      const topic = pick(TOPICS);
      const answer = await cache.get(topic);
      const current = await storage.getSnapshot(topic);
      if (answer) {
        answers += 1;
        const key = `${topic}@${answer.epoch}:${answer.offset}`;
        const stored = history.snapshots.get(key);
        expect(stored, `seed ${seed} step ${step}: storage held ${key}`).toBeDefined();
        // Parsed: a patched document may list its widgets in another key order than storage.
        expect(JSON.parse(answer.json), `seed ${seed} step ${step}: ${key} is what storage held`).toEqual(JSON.parse(stored ?? 'null'));
        if (!lostAny && held.length === 0 && current) {
          expect({ epoch: answer.epoch, offset: answer.offset }, `seed ${seed} step ${step}: ${topic} is current`).toEqual(current.position);
        }
      } else if (!lostAny && held.length === 0) {
        expect(current, `seed ${seed} step ${step}: ${topic} is unknown to storage too`).toBeNull();
      }
      if (answer) {
        const since = { epoch: answer.epoch, offset: Math.max(0, answer.offset - int(10)) };
        const replay = await cache.replay(topic, since);
        if (replay) {
          expect(replay.map((e) => e.offset), `seed ${seed} step ${step}: catch-up of ${topic} is gapless`).toEqual(
            Array.from({ length: answer.offset - since.offset }, (_, i) => since.offset + 1 + i),
          );
          for (const event of replay) {
            expect(JSON.stringify(event)).toBe(history.events.get(`${event.topic}@${event.epoch}:${event.offset}`));
          }
          if (!lostAny && held.length === 0) {
            const stored = await storage.readEvents(topic, since.offset, 100);
            expect(replay, `seed ${seed} step ${step}: catch-up of ${topic} equals the log`).toEqual(stored);
          }
        }
      }
    }
  }
  return { hits: cache.stats().hits, answers };
}

describe('SnapshotCache against storage reads', () => {
  for (const seed of SEEDS) {
    it(`answers what MemoryStorage held, with events delivered in order, duplicated and late (seed ${seed})`, async () => {
      const { hits, answers } = await runSeed(seed, new MemoryStorage(), { late: 0.1, lost: 0, duplicate: 0.1 });
      expect(answers).toBeGreaterThan(20);
      expect(hits).toBeGreaterThan(0);
    });
    it(`never answers a position SQLite did not hold when events are lost (seed ${seed})`, async () => {
      const storage = new SqliteStorage({ file: join(root, `seed-${seed}.db`) });
      try {
        await runSeed(seed, storage, { late: 0.05, lost: 0.05, duplicate: 0.05 });
      } finally {
        await storage.close();
      }
    });
  }
});
