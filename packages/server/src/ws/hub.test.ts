import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStorage } from '../storage/memory-storage.js';
import type { StoredEvent } from '../storage/storage.js';
import { Hub, ReplayGapError, type Subscription } from './hub.js';
import type { OutItem } from './outbox.js';

const LIMITS = { maxPoints: 1_000, maxAgeMs: 3_600_000 };
const TOPIC = 'stream:t';

function textOf(item: OutItem): string {
  return typeof item === 'string' ? item : item.text;
}

describe('Hub', () => {
  let storage: MemoryStorage;
  let delivered: Map<string, number[]>;
  let hub: Hub<string>;
  let events: StoredEvent[];

  beforeEach(async () => {
    storage = new MemoryStorage();
    delivered = new Map();
    hub = new Hub<string>({
      storage,
      replayBatchSize: 3,
      deliver: (sub: Subscription<string>, item: OutItem) => {
        const list = delivered.get(sub.conn) ?? [];
        list.push((JSON.parse(textOf(item)) as { offset: number }).offset);
        delivered.set(sub.conn, list);
      },
    });
    const [result] = await storage.appendPoints([{ key: 't', points: [1, 2, 3, 4, 5, 6].map((value) => ({ value })) }], LIMITS, Date.now());
    events = result?.events ?? [];
  });

  async function subscribeAt(conn: string, offset: number): Promise<Subscription<string>> {
    const sub = hub.add(conn, TOPIC);
    sub.epoch = events[0]?.epoch ?? '';
    sub.offset = offset;
    await hub.activate(sub);
    return sub;
  }

  const event = (offset: number) => events[offset - 1] as StoredEvent;

  it('delivers each event once, in offset order, whatever order and how often it arrives', async () => {
    await subscribeAt('a', 0);
    for (const offset of [3, 1, 1, 5, 2, 4, 3, 6, 2]) hub.ingestCommitted(event(offset));
    await vi.waitFor(() => expect(delivered.get('a')).toEqual([1, 2, 3, 4, 5, 6]));
  });

  it('reads a gap from storage when an event arrives ahead of the next expected one', async () => {
    await subscribeAt('a', 0);
    hub.ingestCommitted(event(1));
    hub.ingestCommitted(event(6));
    await vi.waitFor(() => expect(delivered.get('a')).toEqual([1, 2, 3, 4, 5, 6]));
  });

  it('skips a gap storage cannot fill, so subscribers notice it and resubscribe', async () => {
    await subscribeAt('a', 6);
    const ghost: StoredEvent = { ...event(6), offset: 9 };
    hub.ingestCommitted(ghost);
    await vi.waitFor(() => expect(delivered.get('a')).toEqual([9]));
  });

  it('catches a late subscriber up from storage to where the topic already is', async () => {
    await subscribeAt('a', 0);
    for (let offset = 1; offset <= 6; offset++) hub.ingestCommitted(event(offset));
    await subscribeAt('b', 2);
    expect(delivered.get('b')).toEqual([3, 4, 5, 6]);
    hub.ingestCommitted(event(6));
    expect(delivered.get('b')).toEqual([3, 4, 5, 6]);
  });

  it('holds events that arrive before any subscriber has a position, then releases those after it', async () => {
    const sub = hub.add('a', TOPIC);
    hub.ingestCommitted(event(2));
    hub.ingestCommitted(event(3));
    sub.epoch = event(1).epoch;
    sub.offset = 1;
    await hub.activate(sub);
    await vi.waitFor(() => expect(delivered.get('a')).toEqual([2, 3]));
  });

  it('throws ReplayGapError when the events a subscriber needs are no longer stored', async () => {
    await subscribeAt('a', 0);
    for (let offset = 1; offset <= 6; offset++) hub.ingestCommitted(event(offset));
    const sub = hub.add('b', TOPIC);
    sub.epoch = 'another-epoch-entirely';
    sub.offset = 0;
    await hub.activate(sub); // another epoch: nothing to catch up in this one
    const stale = hub.add('c', TOPIC);
    stale.epoch = event(1).epoch;
    stale.offset = 0;
    vi.spyOn(storage, 'readEvents').mockResolvedValueOnce([event(4)]);
    await expect(hub.activate(stale)).rejects.toBeInstanceOf(ReplayGapError);
  });

  it('follows a new epoch when the log is reset', async () => {
    await subscribeAt('a', 6);
    hub.ingestCommitted({ ...event(1), epoch: 'fresh-epoch', offset: 1 });
    hub.ingestCommitted({ ...event(2), epoch: 'fresh-epoch', offset: 2 });
    expect(delivered.get('a')).toEqual([1, 2]);
    expect(hub.stats()).toEqual([{ topic: TOPIC, subscribers: 1, epoch: 'fresh-epoch', offset: 2 }]);
  });

  it('serialises an event once for all its subscribers and forgets a topic when its last subscriber leaves', async () => {
    const items: OutItem[] = [];
    const sharing = new Hub<string>({ storage, replayBatchSize: 10, deliver: (_sub, item) => items.push(item) });
    const subs = ['a', 'b', 'c'].map((conn) => {
      const sub = sharing.add(conn, TOPIC);
      sub.epoch = event(1).epoch;
      sub.offset = 0;
      return sub;
    });
    for (const sub of subs) await sharing.activate(sub);
    sharing.ingestCommitted(event(1));
    expect(items).toHaveLength(3);
    expect(new Set(items).size).toBe(1);
    for (const sub of subs) sharing.remove(sub);
    expect(sharing.stats()).toEqual([]);
  });
});
