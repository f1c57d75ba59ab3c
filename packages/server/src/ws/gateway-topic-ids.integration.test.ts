import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage, ServerMessage, SubscribedMessage } from '@pulseboard/protocol';
import type { StoredEvent } from '../storage/storage.js';
import { startHarness, type Harness, type TestClient } from './gateway-test-harness.js';

const TOPIC_IDS = ['event-rows', 'topic-ids'];
const isEvent = (topic: string) => (m: ServerMessage) => m.type === 'event' && m.topic === topic;
const isSubscribed = (topic: string) => (m: ServerMessage) => m.type === 'subscribed' && m.topic === topic;

async function subscribe(client: TestClient, topic: string, since?: { epoch: string; offset: number }, nth = 1): Promise<SubscribedMessage> {
  client.send({ type: 'subscribe', topic, ...(since ? { since } : {}) });
  const all = await client.waitForCount<SubscribedMessage>(isSubscribed(topic), nth);
  return all[nth - 1] as SubscribedMessage;
}

/** Frames received from `from` on, joined. */
const rawSince = (client: TestClient, from: number): string => client.raw.slice(from).join('\n');

describe('WebSocket gateway: topic-ids', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('gives a topic-ids connection the id in subscribed and events as [id, offset, row…], and event-rows and plain connections the bytes they always got', async () => {
    h = await startHarness();
    const ids = await h.client({ features: TOPIC_IDS });
    const rows = await h.client({ features: ['event-rows'] });
    const plain = await h.client();
    const alone = await h.client({ features: ['topic-ids'] });
    expect(ids.messages[0]).toMatchObject({ type: 'welcome', features: TOPIC_IDS });
    expect(rows.messages[0]).toMatchObject({ type: 'welcome', features: ['event-rows'] });
    // topic-ids shortens rows: without event-rows it is not granted.
    expect(alone.messages[0]).toMatchObject({ type: 'welcome', features: [] });

    const topic = 'stream:cpu.load';
    const clients = [ids, rows, plain, alone];
    const subs = await Promise.all(clients.map((c) => subscribe(c, topic)));
    const id = subs[0]?.id as number;
    expect(Number.isInteger(id) && id > 0).toBe(true);
    expect(subs[0]).toEqual({ ...subs[1], id });
    for (const sub of subs.slice(1)) expect(sub).not.toHaveProperty('id');

    const start = clients.map((c) => c.raw.length);
    const [result] = await h.sync.push([{ key: 'cpu.load', points: [{ value: { host: 'web-01', cpu: 0.71 } }] }]);
    const event = result?.events[0] as StoredEvent;
    await Promise.all(clients.map((c) => c.waitForCount(isEvent(topic), 1)));
    const value = JSON.stringify((event.data as { value: unknown }).value);
    expect(rawSince(ids, start[0] as number)).toBe(`[${id},1,[${event.ts},${value}]]`);
    expect(rawSince(rows, start[1] as number)).toBe(`{"type":"events","topic":"${topic}","epoch":"${event.epoch}","offset":1,"rows":[[${event.ts},${value}]]}`);
    expect(rawSince(plain, start[2] as number)).toBe(JSON.stringify({ type: 'event', topic, epoch: event.epoch, offset: 1, ts: event.ts, data: event.data }));
    expect(rawSince(alone, start[3] as number)).toBe(rawSince(plain, start[2] as number));

    const backdated = Date.now() - 60_000;
    await h.sync.push([{ key: 'cpu.load', points: [{ value: 1 }, { value: { n: 2 } }, { ts: backdated, value: 3 }] }]);
    const seen = await Promise.all(clients.map((c) => c.waitForCount(isEvent(topic), 4)));
    for (const events of seen) expect(events).toEqual(seen[2]);
    expect((seen[0]?.[3] as EventMessage).data).toEqual({ ts: backdated, value: 3 });
    expect(rawSince(ids, start[0] as number)).not.toContain('"type"');
    expect(ids.unknownTopicIds).toEqual([]);
  });

  it('gives a ts-base connection the node\'s base in welcome and the times of rows under ids after it; ts-base needs topic-ids', async () => {
    h = await startHarness();
    const based = await h.client({ features: [...TOPIC_IDS, 'ts-base'] });
    const ids = await h.client({ features: TOPIC_IDS });
    const rowsOnly = await h.client({ features: ['event-rows', 'ts-base'] });
    const welcome = based.messages[0] as ServerMessage & { tsBase?: number };
    expect(welcome).toMatchObject({ type: 'welcome', features: [...TOPIC_IDS, 'ts-base'] });
    const tsBase = welcome.tsBase as number;
    expect(Number.isInteger(tsBase) && tsBase > 0 && tsBase <= Date.now()).toBe(true);
    // Without topic-ids there are no rows under ids to shorten: not granted.
    expect(rowsOnly.messages[0]).toMatchObject({ type: 'welcome', features: ['event-rows'] });
    expect(rowsOnly.messages[0]).not.toHaveProperty('tsBase');
    expect(ids.messages[0]).not.toHaveProperty('tsBase');

    const topic = 'stream:cpu.load';
    const clients = [based, ids, rowsOnly];
    const subs = await Promise.all(clients.map((c) => subscribe(c, topic)));
    const id = subs[0]?.id as number;
    const start = clients.map((c) => c.raw.length);
    const backdated = tsBase - 60_000;
    const [result] = await h.sync.push([{ key: 'cpu.load', points: [{ value: { cpu: 0.71 } }, { ts: backdated, value: 3 }] }]);
    const [first, second] = result?.events as [StoredEvent, StoredEvent];
    const seen = await Promise.all(clients.map((c) => c.waitForCount(isEvent(topic), 2)));
    expect(rawSince(based, start[0] as number)).toBe(`[${id},1,[${first.ts - tsBase},{"cpu":0.71}],[${second.ts - tsBase},3,-60000]]`);
    expect(rawSince(ids, start[1] as number)).toBe(`[${id},1,[${first.ts},{"cpu":0.71}],[${second.ts},3,${backdated}]]`);
    for (const events of seen) expect(events).toEqual(seen[2]);
    expect(seen[0]?.[1]).toMatchObject({ ts: second.ts, data: { ts: backdated, value: 3 } });
  });

  it('gives every topic-ids subscriber of a topic the same id and the same bytes, and each topic its own id', async () => {
    h = await startHarness();
    const [a, b] = await Promise.all([h.client({ features: TOPIC_IDS }), h.client({ features: TOPIC_IDS })]);
    const subsA = [await subscribe(a, 'stream:x'), await subscribe(a, 'stream:y')];
    const subsB = [await subscribe(b, 'stream:y'), await subscribe(b, 'stream:x')];
    expect(subsA.map((s) => s.id)).toEqual([subsB[1]?.id, subsB[0]?.id]);
    expect(subsA[0]?.id).not.toBe(subsA[1]?.id);

    const start = [a.raw.length, b.raw.length] as const;
    await h.sync.push([
      { key: 'x', points: [{ value: 1 }, { value: 2 }] },
      { key: 'y', points: [{ value: 3 }] },
    ]);
    await Promise.all([a, b].map((c) => c.waitForCount((m) => m.type === 'event', 3)));
    expect(rawSince(a, start[0])).toBe(rawSince(b, start[1]));
    expect(rawSince(a, start[0])).toContain(`[${subsA[0]?.id as number},1,`);
  });

  it('gives a topic a new id in a new epoch: events of the new epoch come with topic and epoch until the connection resubscribes', async () => {
    h = await startHarness();
    await h.createDashboard('ops');
    const topic = 'dashboard:ops';
    const ids = await h.client({ features: TOPIC_IDS });
    const writer = await h.client();
    const first = await subscribe(ids, topic);
    let mutationId = 0;
    const addWidget = async (id: string): Promise<void> => {
      mutationId += 1;
      writer.send({ type: 'mutate', dashboardId: 'ops', mutationId, name: 'addWidget', args: { widget: { id, type: 'stat' } } });
      await writer.waitFor((m) => m.type === 'ack' && m.mutationId === mutationId);
    };
    await addWidget('w1');
    await ids.waitForCount(isEvent(topic), 1);

    await h.sync.deleteDashboard('ops');
    await ids.waitForCount(isEvent(topic), 2);
    await h.createDashboard('ops');
    const start = ids.raw.length;
    await addWidget('w2');
    const [, , reborn] = await ids.waitForCount<EventMessage>(isEvent(topic), 3);
    expect(reborn?.epoch).not.toBe(first.epoch);
    // Never an id this connection was not told: the topic and the new epoch, in the events form.
    expect(rawSince(ids, start)).toContain(`"type":"events","topic":"${topic}","epoch":"${reborn?.epoch as string}"`);

    const second = await subscribe(ids, topic, undefined, 2);
    expect(second.epoch).toBe(reborn?.epoch);
    expect(second.id).toBeGreaterThan(first.id as number);
    const after = ids.raw.length;
    await addWidget('w3');
    await ids.waitForCount(isEvent(topic), 4);
    expect(rawSince(ids, after)).toMatch(new RegExp(`^\\[${second.id as number},${second.offset + 1},\\[`));
    expect(ids.unknownTopicIds).toEqual([]);
  });

  it('sends events held for a lagging connection under the id it was told, even when the topic was forgotten and got a new id meanwhile', async () => {
    h = await startHarness({ storage: 'memory', config: { softLimitBytes: 16 * 1024, hardLimitBytes: 64 * 1024 * 1024, closeTimeoutMs: 60_000 } });
    const topic = 'stream:held';
    const stalled = await h.client({ features: TOPIC_IDS });
    const told = await subscribe(stalled, topic);
    const socket = (stalled.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const blob = 'x'.repeat(48 * 1024);
    let pushed = 0;
    while (h.gateway.stats().lagging === 0 && pushed < 2_000) {
      pushed += 1;
      await h.sync.push([{ key: 'held', points: [{ value: { i: pushed, blob } }] }]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(h.gateway.stats().lagging).toBe(1);
    // Held back in the lagging queue, then the topic's only topic-ids holder lets go of it.
    await h.sync.push([{ key: 'held', points: [{ value: 1 }, { value: 2 }] }]);
    pushed += 2;
    stalled.send({ type: 'unsubscribe', topic });
    await expect.poll(() => h?.gateway.stats().topics.some((t) => t.topic === topic)).toBe(false);
    const other = await h.client({ features: TOPIC_IDS });
    const fresh = await subscribe(other, topic);
    expect(fresh.id).not.toBe(told.id);

    socket.resume();
    await stalled.waitFor((m) => m.type === 'unsubscribed', 20_000);
    expect(stalled.unknownTopicIds).toEqual([]);
    expect(stalled.messages.filter(isEvent(topic)).map((m) => (m as EventMessage).offset)).toEqual(Array.from({ length: pushed }, (_, i) => i + 1));
  });

  it('replays to a reconnected topic-ids client under the id its new connection is told, the same events a plain client replays', async () => {
    h = await startHarness({ config: { replayBatchSize: 3 } });
    const topic = 'stream:replay';
    const before = await h.client({ features: TOPIC_IDS });
    const subscribed = await subscribe(before, topic);
    await h.sync.push([{ key: 'replay', points: [{ value: 1 }, { value: 2 }] }]);
    const seen = await before.waitForCount<EventMessage>(isEvent(topic), 2);
    await before.close();
    await h.sync.push([{ key: 'replay', points: [4, 5, 6, 7, 8, 9, 10].map((value) => ({ value })) }]);

    const since = { epoch: subscribed.epoch, offset: (seen[1] as EventMessage).offset };
    const again = await h.client({ features: TOPIC_IDS });
    const plain = await h.client();
    const [resumed, plainResumed] = [await subscribe(again, topic, since), await subscribe(plain, topic, since)];
    expect(resumed).toMatchObject({ recovered: true, epoch: since.epoch, offset: 2 });
    expect(Number.isInteger(resumed.id)).toBe(true);
    expect(resumed).toEqual({ ...plainResumed, id: resumed.id });
    const [replayed, plainReplayed] = await Promise.all([again.waitForCount(isEvent(topic), 7), plain.waitForCount(isEvent(topic), 7)]);
    expect(replayed).toEqual(plainReplayed);
    expect((replayed as EventMessage[]).map((e) => e.offset)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(again.raw.join('\n')).not.toContain('"type":"events"');
    expect(again.unknownTopicIds).toEqual([]);
  });
});
