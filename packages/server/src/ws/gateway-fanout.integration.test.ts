import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, type EventMessage, type ServerMessage, type SubscribedMessage } from '@pulseboard/protocol';
import type { PubSub } from '../pubsub/pubsub.js';
import type { StoredEvent } from '../storage/storage.js';
import { startHarness, type Harness, type TestClient } from './gateway-test-harness.js';

const isEvent = (topic: string) => (m: ServerMessage) => m.type === 'event' && m.topic === topic;

function offsetsOf(client: TestClient, topic: string): number[] {
  return client.messages.filter(isEvent(topic)).map((m) => (m as EventMessage).offset);
}

/** A copy of a dashboard event without its data's `args`. */
function withoutArgs(event: ServerMessage): ServerMessage {
  const { args: _args, ...data } = (event as EventMessage).data as { args?: unknown };
  return { ...event, data } as ServerMessage;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('WebSocket gateway: fan-out', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('sends many messages that are ready at once in fewer frames (a JSON array per frame)', async () => {
    h = await startHarness();
    const client = await h.client();
    client.send({ type: 'subscribe', topic: 'stream:burst' });
    await client.waitFor((m) => m.type === 'subscribed');
    const framesBefore = client.frames;
    const messagesBefore = client.messages.length;
    await h.sync.push([{ key: 'burst', points: range(1, 50).map((value) => ({ value })) }]);
    await client.waitForCount(isEvent('stream:burst'), 50);
    expect(client.messages.length - messagesBefore).toBe(50);
    expect(client.frames - framesBefore).toBeLessThan(5);
    expect(offsetsOf(client, 'stream:burst')).toEqual(range(1, 50));
  });

  it('sends events as per-topic rows to a client that asked for event-rows, the old form to one that did not, with the same content', async () => {
    h = await startHarness();
    const rows = await h.client({ features: ['event-rows', 'no-such-feature'] });
    const plain = await h.client();
    expect(rows.messages.find((m) => m.type === 'welcome')).toMatchObject({ features: ['event-rows'] });
    expect(plain.messages.find((m) => m.type === 'welcome')).not.toHaveProperty('features');
    for (const client of [rows, plain]) {
      client.send({ type: 'subscribe', topic: 'stream:rows' });
      await client.waitFor((m) => m.type === 'subscribed');
    }
    const start = [rows.raw.length, plain.raw.length] as const;
    const payload = { host: 'web-01', cpu: 0.71, status: 'ok' };
    const backdated = Date.now() - 60_000;
    await h.sync.push([{ key: 'rows', points: [...range(1, 20).map((n) => ({ value: { ...payload, n } })), { ts: backdated, value: { ...payload, n: 21 } }] }]);
    const [fromRows, fromPlain] = await Promise.all([rows.waitForCount(isEvent('stream:rows'), 21), plain.waitForCount(isEvent('stream:rows'), 21)]);

    expect(fromRows).toEqual(fromPlain);
    expect((fromRows[20] as EventMessage).data).toEqual({ ts: backdated, value: { ...payload, n: 21 } });
    const rowFrames = rows.raw.slice(start[0]).join('');
    const plainFrames = plain.raw.slice(start[1]).join('');
    expect(rowFrames).toContain('"type":"events"');
    expect(rowFrames).not.toContain('"type":"event"');
    expect(plainFrames).not.toContain('"type":"events"');
    expect(rowFrames.length).toBeLessThan(plainFrames.length * 0.6);
  });

  it('sends dashboard rows without what a receiver restores or does not need, and keeps args where a conflict needs them', async () => {
    h = await startHarness();
    await h.createDashboard('ops');
    const rows = await h.client({ features: ['event-rows'] });
    const plain = await h.client();
    const editor = await h.client();
    const other = await h.client();
    for (const client of [rows, plain]) {
      client.send({ type: 'subscribe', topic: 'dashboard:ops' });
      await client.waitFor((m) => m.type === 'subscribed');
    }
    const start = rows.raw.length;
    const edits = [
      { name: 'addWidget', args: { widget: { id: 'cpu', type: 'stat', title: 'cpu' } } },
      { name: 'moveWidget', args: { id: 'cpu', x: 3, y: 0 } },
      { name: 'updateWidget', args: { id: 'cpu', set: { title: 'CPU' } } },
    ];
    for (const [i, edit] of edits.entries()) editor.send({ type: 'mutate', dashboardId: 'ops', mutationId: i + 1, ...edit });
    await plain.waitForCount(isEvent('dashboard:ops'), 3);
    // Another client expects the title it saw before the edit above: applied, but a conflict.
    other.send({ type: 'mutate', dashboardId: 'ops', mutationId: 1, name: 'updateWidget', args: { id: 'cpu', set: { title: 'Load' }, expect: { title: 'cpu' } } });
    const [fromRows, fromPlain] = await Promise.all([rows.waitForCount(isEvent('dashboard:ops'), 4), plain.waitForCount(isEvent('dashboard:ops'), 4)]);

    const data = (events: ServerMessage[]) => events.map((e) => (e as EventMessage).data as { status: string; args?: unknown; patch?: unknown });
    expect(data(fromPlain).map((d) => d.status)).toEqual(['applied', 'applied', 'applied', 'conflict']);
    expect(data(fromPlain).every((d) => d.patch !== undefined)).toBe(true);
    // Applied with a patch: everything but args, defaults restored by parseServerFrame.
    expect(fromRows.slice(0, 3)).toEqual(fromPlain.slice(0, 3).map(withoutArgs));
    // A conflict keeps its args (its author's client names the edit in a notice).
    expect(fromRows[3]).toEqual(fromPlain[3]);
    const rowFrames = rows.raw.slice(start).join('');
    expect(rowFrames).not.toContain('"status":"applied"');
    expect(rowFrames).not.toContain('"conflicts":[]');
  });

  it('keeps offsets dense with no gap and no duplicate when subscribers join, with or without since, during a stream of writes', async () => {
    h = await startHarness({ config: { replayBatchSize: 7 } });
    const topic = 'stream:flow';
    const total = 300;
    const early = await h.client();
    early.send({ type: 'subscribe', topic });
    const first = await early.waitFor<SubscribedMessage>((m) => m.type === 'subscribed');

    const joins: Array<Promise<{ client: TestClient; start: number }>> = [];
    const join = async (since?: number): Promise<{ client: TestClient; start: number }> => {
      const client = await h!.client();
      client.send({ type: 'subscribe', topic, ...(since === undefined ? {} : { since: { epoch: first.epoch, offset: since } }) });
      const subscribed = await client.waitFor<SubscribedMessage>((m) => m.type === 'subscribed');
      if (since !== undefined) expect(subscribed.recovered).toBe(true);
      return { client, start: subscribed.offset };
    };
    for (let i = 1; i <= total; i++) {
      await h.sync.push([{ key: 'flow', points: [{ value: i }] }]);
      if (i % 40 === 0) joins.push(join(), join(Math.max(0, i - 25)), join(0));
      if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const joined = await Promise.all(joins);
    await early.waitForCount(isEvent(topic), total);
    expect(offsetsOf(early, topic)).toEqual(range(1, total));
    for (const { client, start } of joined) {
      await client.waitFor((m) => m.type === 'event' && m.offset === total);
      expect(offsetsOf(client, topic)).toEqual(range(start + 1, total));
    }
  });

  it('delivers in offset order, reading gaps from storage, when PubSub reorders and loses events', async () => {
    // Like Redis at its worst: events come in reversed pairs, and every fifth is lost.
    let held: StoredEvent | null = null;
    let seen = 0;
    const unreliable = (inner: PubSub): PubSub => ({
      kind: 'redis',
      connected: true,
      subscribe: (listener) => inner.subscribe(listener),
      publishTransient: (message) => inner.publishTransient(message),
      subscribeTransient: (listener) => inner.subscribeTransient(listener),
      close: () => inner.close(),
      async publish(event) {
        seen += 1;
        if (seen % 5 === 0) return;
        if (held === null) {
          held = event;
          return;
        }
        await inner.publish(event);
        await inner.publish(held);
        held = null;
      },
    });
    h = await startHarness({ wrapPubSub: unreliable });
    const client = await h.client();
    client.send({ type: 'subscribe', topic: 'stream:lossy' });
    await client.waitFor((m) => m.type === 'subscribed');
    // 42, not 41: the 41st would be held back until a 42nd came (a gap shows only after it).
    for (let i = 1; i <= 42; i++) await h.sync.push([{ key: 'lossy', points: [{ value: i }] }]);
    await client.waitFor((m) => m.type === 'event' && m.offset === 42);
    expect(offsetsOf(client, 'stream:lossy')).toEqual(range(1, 42));
  });

  it('delivers to the other subscribers in order while writes from several connections interleave', async () => {
    h = await startHarness();
    await h.createDashboard('ops');
    const writers = await Promise.all([h.client(), h.client(), h.client()]);
    const watcher = await h.client();
    watcher.send({ type: 'subscribe', topic: 'dashboard:ops' });
    await watcher.waitFor((m) => m.type === 'subscribed');
    for (let n = 1; n <= 10; n++) {
      writers.forEach((w, i) =>
        w.send({ type: 'mutate', dashboardId: 'ops', mutationId: n, name: 'setDashboardMeta', args: { set: { description: `w${i} n${n}` } } }),
      );
    }
    await Promise.all(writers.map((w) => w.waitFor((m) => m.type === 'ack' && m.mutationId === 10)));
    await watcher.waitForCount(isEvent('dashboard:ops'), 30);
    expect(offsetsOf(watcher, 'dashboard:ops')).toEqual(range(1, 30));
  });

  it('closes a consumer that stops reading with 4010 once past the hard limit, and the others still get everything', async () => {
    h = await startHarness({ storage: 'memory', config: { softLimitBytes: 16 * 1024, hardLimitBytes: 256 * 1024, closeTimeoutMs: 60_000 } });
    const stalled = await h.client();
    const healthy = await h.client();
    for (const client of [stalled, healthy]) {
      client.send({ type: 'subscribe', topic: 'stream:heavy' });
      await client.waitFor((m) => m.type === 'subscribed');
    }
    const socket = (stalled.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const blob = 'x'.repeat(48 * 1024);
    const count = 400;
    for (let i = 1; i <= count; i++) {
      await h.sync.push([{ key: 'heavy', points: [{ value: { i, blob } }] }]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await healthy.waitForCount(isEvent('stream:heavy'), count, 20_000);
    expect(offsetsOf(healthy, 'stream:heavy')).toEqual(range(1, count));
    socket.resume();
    expect((await stalled.closed).code).toBe(CloseCode.SLOW_CONSUMER);
    const got = offsetsOf(stalled, 'stream:heavy');
    expect(got.length).toBeLessThan(count);
    expect(got).toEqual(range(1, got.length));
    // Told why before the cut (contract C5): the notice went out ahead of the held-back events.
    const lagging = stalled.messages.filter((m) => m.type === 'error' && m.code === 'lagging');
    expect(lagging.length).toBeGreaterThanOrEqual(1);
    expect(lagging[0]).toMatchObject({ details: { bufferedBytes: expect.any(Number) as number } });
  });

  it('reports fan-out latency, recipients, frames and messages to the observer', async () => {
    const fanouts: number[] = [];
    let framesOut = 0;
    let messagesOut = 0;
    const typesIn: string[] = [];
    const closes: number[] = [];
    h = await startHarness({
      observer: {
        onFanout: (_latency, recipients) => fanouts.push(recipients),
        onFramesOut: (messages) => {
          framesOut += 1;
          messagesOut += messages;
        },
        onMessageIn: (type) => typesIn.push(type),
        onConnectionClosed: (code) => closes.push(code),
      },
    });
    const a = await h.client();
    const b = await h.client();
    for (const client of [a, b]) {
      client.send({ type: 'subscribe', topic: 'stream:m' });
      await client.waitFor((m) => m.type === 'subscribed');
    }
    await h.sync.push([{ key: 'm', points: [{ value: 1 }] }]);
    await Promise.all([a.waitFor(isEvent('stream:m')), b.waitFor(isEvent('stream:m'))]);
    expect(fanouts).toEqual([2]);
    expect(typesIn).toEqual(['hello', 'hello', 'subscribe', 'subscribe']);
    expect(framesOut).toBeGreaterThanOrEqual(4);
    expect(messagesOut).toBeGreaterThanOrEqual(framesOut);
    await a.close();
    await expect.poll(() => closes).toEqual([1005]);
  });
});
