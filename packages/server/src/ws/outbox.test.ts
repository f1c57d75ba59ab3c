import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { StoredEvent } from '../storage/storage.js';
import { Outbox, SharedFrame, type OutboxTarget } from './outbox.js';

interface FakeTarget extends OutboxTarget {
  sent: Buffer[];
  socket: { bufferedAmount: number; readyState: number; OPEN: number };
}

function target(eventRows = false, topicIds = false, tsBase = 0): FakeTarget {
  const sent: Buffer[] = [];
  const socket = { bufferedAmount: 0, readyState: 1, OPEN: 1, send: (data: Buffer) => sent.push(data) };
  return { ws: socket as unknown as WebSocket, socket, sent, queue: null, queuedBytes: 0, lagging: false, laggingNoticeAt: 0, closed: false, eventRows, topicIds, tsBase };
}

function point(topic: string, offset: number, value: unknown, pointTs = 1_000 + offset): StoredEvent {
  return { topic, epoch: 'e1', offset, ts: 1_000 + offset, data: { ts: pointTs, value } as StoredEvent['data'] };
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

describe('Outbox', () => {
  it('sends everything queued in one tick as one frame, a JSON array when there are several', async () => {
    const outbox = new Outbox({ softLimitBytes: 1_000, hardLimitBytes: 10_000, laggingRetryMs: 5, onSlowConsumer: () => {} });
    const a = target();
    outbox.enqueue(a, '{"n":1}');
    await nextTick();
    outbox.enqueue(a, '{"n":2}');
    outbox.enqueue(a, new SharedFrame('{"n":3}'));
    await nextTick();
    expect(a.sent.map((b) => b.toString())).toEqual(['{"n":1}', '[{"n":2},{"n":3}]']);
  });

  it('writes first to a connection with a reply of its own queued, whatever the fan-out queued before it', async () => {
    const outbox = new Outbox({ softLimitBytes: 1_000, hardLimitBytes: 10_000, laggingRetryMs: 5, onSlowConsumer: () => {} });
    const order: number[] = [];
    const subscribers = Array.from({ length: 100 }, (_, i) => {
      const t = target();
      const send = (t.ws as unknown as { send: (data: Buffer) => void }).send;
      (t.ws as unknown as { send: (data: Buffer) => void }).send = (data) => {
        order.push(i);
        send(data);
      };
      return t;
    });
    const event = new SharedFrame('{"type":"event"}');
    for (const t of subscribers) outbox.enqueue(t, event);
    // The publisher is the last subscriber: its `published` comes after its own event.
    const publisher = subscribers[99] as FakeTarget;
    outbox.enqueue(publisher, '{"type":"published"}');
    await nextTick();
    expect(order[0]).toBe(99);
    expect(order).toHaveLength(100);
    expect(publisher.sent.map((b) => b.toString())).toEqual(['[{"type":"event"},{"type":"published"}]']);
    expect(subscribers.every((t) => t.sent.length === 1)).toBe(true);
  });

  it('encodes a shared frame once, and a batch shared by several connections once', async () => {
    const outbox = new Outbox({ softLimitBytes: 1_000, hardLimitBytes: 10_000, laggingRetryMs: 5, onSlowConsumer: () => {} });
    const targets = [target(), target(), target()];
    const single = new SharedFrame('{"e":1}');
    for (const t of targets) outbox.enqueue(t, single);
    await nextTick();
    expect(new Set(targets.map((t) => t.sent[0])).size).toBe(1);
    const [e2, e3] = [new SharedFrame('{"e":2}'), new SharedFrame('{"e":3}')];
    for (const t of targets) {
      outbox.enqueue(t, e2);
      outbox.enqueue(t, e3);
    }
    await nextTick();
    expect(new Set(targets.map((t) => t.sent[1])).size).toBe(1);
    expect(targets[0]?.sent[1]?.toString()).toBe('[{"e":2},{"e":3}]');
  });

  it('groups the events of each topic (runs of consecutive offsets) into one events message for an event-rows connection, once for every such connection', async () => {
    const outbox = new Outbox({ softLimitBytes: 1_000, hardLimitBytes: 10_000, laggingRetryMs: 5, onSlowConsumer: () => {} });
    const rows = [target(true), target(true)];
    const plain = target();
    const a1 = new SharedFrame(point('stream:a', 1, { v: 1 }));
    const b7 = new SharedFrame(point('stream:b', 7, 'x'));
    const a2 = new SharedFrame(point('stream:a', 2, 2, 5));
    const a4 = new SharedFrame(point('stream:a', 4, 4));
    const b8 = new SharedFrame(point('stream:b', 8, 'y'));
    for (const t of [...rows, plain]) {
      for (const frame of [a1, b7, a2, a4]) outbox.enqueue(t, frame);
      outbox.enqueue(t, '{"type":"ack"}');
      outbox.enqueue(t, b8);
    }
    await nextTick();

    expect(rows[0]?.sent[0]).toBe(rows[1]?.sent[0]);
    expect(JSON.parse(String(rows[0]?.sent[0]))).toEqual([
      { type: 'events', topic: 'stream:a', epoch: 'e1', offset: 1, rows: [[1001, { v: 1 }], [1002, 2, 5]] },
      { type: 'events', topic: 'stream:b', epoch: 'e1', offset: 7, rows: [[1007, 'x']] },
      { type: 'events', topic: 'stream:a', epoch: 'e1', offset: 4, rows: [[1004, 4]] },
      { type: 'ack' },
      { type: 'events', topic: 'stream:b', epoch: 'e1', offset: 8, rows: [[1008, 'y']] },
    ]);
    expect(JSON.parse(String(plain.sent[0]))).toEqual([
      { type: 'event', topic: 'stream:a', epoch: 'e1', offset: 1, ts: 1001, data: { ts: 1001, value: { v: 1 } } },
      { type: 'event', topic: 'stream:b', epoch: 'e1', offset: 7, ts: 1007, data: { ts: 1007, value: 'x' } },
      { type: 'event', topic: 'stream:a', epoch: 'e1', offset: 2, ts: 1002, data: { ts: 5, value: 2 } },
      { type: 'event', topic: 'stream:a', epoch: 'e1', offset: 4, ts: 1004, data: { ts: 1004, value: 4 } },
      { type: 'ack' },
      { type: 'event', topic: 'stream:b', epoch: 'e1', offset: 8, ts: 1008, data: { ts: 1008, value: 'y' } },
    ]);
  });

  it('sends a topic-ids connection the items under a topic id as [id, offset, row…], the same bytes for every such connection, and items without one in the events form', async () => {
    const outbox = new Outbox({ softLimitBytes: 1_000, hardLimitBytes: 10_000, laggingRetryMs: 5, onSlowConsumer: () => {} });
    const compact = [target(true, true), target(true, true)];
    const rows = target(true);
    const plain = target();
    const [a, b] = [5, 9];
    const a1 = new SharedFrame(point('stream:a', 1, { v: 1 }));
    const b7 = new SharedFrame(point('stream:b', 7, 'x'));
    const a2 = new SharedFrame(point('stream:a', 2, 2, 5));
    for (const t of compact) for (const [frame, id] of [[a1, a], [b7, b], [a2, a]] as const) outbox.enqueue(t, frame.underTopicId(id));
    for (const t of [rows, plain]) for (const frame of [a1, b7, a2]) outbox.enqueue(t, frame);
    await nextTick();
    expect(compact[0]?.sent[0]).toBe(compact[1]?.sent[0]);
    expect(String(compact[0]?.sent[0])).toBe(`[[${a},1,[1001,{"v":1}],[1002,2,5]],[${b},7,[1007,"x"]]]`);
    // The other encodings are exactly what they were without the feature.
    expect(JSON.parse(String(rows.sent[0]))).toEqual([
      { type: 'events', topic: 'stream:a', epoch: 'e1', offset: 1, rows: [[1001, { v: 1 }], [1002, 2, 5]] },
      { type: 'events', topic: 'stream:b', epoch: 'e1', offset: 7, rows: [[1007, 'x']] },
    ]);
    expect(JSON.parse(String(plain.sent[0]))).toHaveLength(3);

    const [a3, a4] = [new SharedFrame(point('stream:a', 3, 3)), new SharedFrame(point('stream:a', 4, 4))];
    outbox.enqueue(compact[0] as FakeTarget, a3.underTopicId(a));
    outbox.enqueue(compact[0] as FakeTarget, a4);
    outbox.enqueue(compact[1] as FakeTarget, a3);
    await nextTick();
    expect(String(compact[0]?.sent[1])).toBe(`[[${a},3,[1003,3]],{"type":"events","topic":"stream:a","epoch":"e1","offset":4,"rows":[[1004,4]]}]`);
    expect(String(compact[1]?.sent[1])).toBe('{"type":"events","topic":"stream:a","epoch":"e1","offset":3,"rows":[[1003,3]]}');
    expect(a3.underTopicId(a)).toBe(a3.underTopicId(a));
  });

  it('sends a ts-base connection the times of rows under a topic id after its base, and every other form as before', async () => {
    const outbox = new Outbox({ softLimitBytes: 1_000, hardLimitBytes: 10_000, laggingRetryMs: 5, onSlowConsumer: () => {} });
    const based = [target(true, true, 1_000), target(true, true, 1_000)];
    const absolute = target(true, true);
    const a1 = new SharedFrame(point('stream:a', 1, { v: 1 }));
    const a2 = new SharedFrame(point('stream:a', 2, 2, 5));
    const b7 = new SharedFrame(point('stream:b', 7, 'x'));
    // stream:b is in an epoch the connections were not told an id for: the events form, absolute times.
    for (const t of [...based, absolute]) for (const item of [a1.underTopicId(3), a2.underTopicId(3), b7]) outbox.enqueue(t, item);
    await nextTick();
    expect(based[0]?.sent[0]).toBe(based[1]?.sent[0]);
    expect(String(based[0]?.sent[0])).toBe('[[3,1,[1,{"v":1}],[2,2,-995]],{"type":"events","topic":"stream:b","epoch":"e1","offset":7,"rows":[[1007,"x"]]}]');
    expect(String(absolute.sent[0])).toBe('[[3,1,[1001,{"v":1}],[1002,2,5]],{"type":"events","topic":"stream:b","epoch":"e1","offset":7,"rows":[[1007,"x"]]}]');
    outbox.close();
  });

  it('after a flush to many connections, batches what comes within the window; after a small one, flushes the next tick', async () => {
    const outbox = new Outbox({ softLimitBytes: 1_000, hardLimitBytes: 10_000, laggingRetryMs: 5, onSlowConsumer: () => {}, flushWindowMs: 40, flushWindowMinTargets: 3 });
    const few = [target(), target()];
    for (const t of few) outbox.enqueue(t, '{"n":1}');
    await nextTick();
    for (const t of few) outbox.enqueue(t, '{"n":2}');
    await nextTick();
    expect(few[0]?.sent.map(String)).toEqual(['{"n":1}', '{"n":2}']);

    const many = [target(), target(), target()];
    for (const t of many) outbox.enqueue(t, '{"n":1}');
    await nextTick();
    for (const t of many) outbox.enqueue(t, '{"n":2}');
    await nextTick();
    for (const t of many) outbox.enqueue(t, '{"n":3}');
    await nextTick();
    expect(many[0]?.sent.map(String)).toEqual(['{"n":1}']);
    await vi.waitFor(() => expect(many[0]?.sent.map(String)).toEqual(['{"n":1}', '[{"n":2},{"n":3}]']));
    outbox.close();
  });

  it('while the fan-out is busy, widens the window to twice what the last large flush took, up to FLUSH_WINDOW_MAX_MS', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'setInterval', 'clearInterval'] });
    try {
      let clock = 1_000;
      let writeMs = 0;
      const outbox = new Outbox({
        softLimitBytes: 1_000,
        hardLimitBytes: 10_000,
        laggingRetryMs: 5,
        onSlowConsumer: () => {},
        flushWindowMs: 4,
        flushWindowMinTargets: 3,
        now: () => clock,
      });
      // Each write takes `writeMs` on the flush's clock.
      const many = Array.from({ length: 3 }, () => {
        const t = target();
        const send = (t.ws as unknown as { send: (data: Buffer) => void }).send;
        (t.ws as unknown as { send: (data: Buffer) => void }).send = (data) => {
          clock += writeMs;
          send(data);
        };
        return t;
      });
      const frames = () => many[0]?.sent.length ?? 0;
      const publish = (...ns: number[]) => {
        for (const n of ns) for (const t of many) outbox.enqueue(t, `{"n":${n}}`);
      };
      const wait = (ms: number) => {
        clock += ms;
        vi.advanceTimersByTime(ms);
      };
      /** Asserts the next flush waits exactly `ms` from now. */
      const expectWindow = (ms: number, n: number) => {
        const before = frames();
        publish(n);
        wait(ms - 1);
        expect(frames()).toBe(before);
        wait(1);
        expect(frames()).toBe(before + 1);
      };

      // One 9 ms flush (3 writes of 3 ms), the first: nothing says the fan-out is busy, the window stays 4 ms.
      writeMs = 3;
      publish(1);
      vi.advanceTimersByTime(0);
      expect(frames()).toBe(1);
      // The next 9 ms flush comes right after it: flushes take all the time, so the window is 18 ms from its start.
      publish(2);
      vi.advanceTimersByTime(0);
      expect(frames()).toBe(2);
      writeMs = 0;
      expectWindow(9, 3);
      // That flush was cheap and one message per frame: back to 4 ms.
      expectWindow(4, 4);

      // Two messages per frame (updates come faster than the window): busy, so twice this 3 ms flush.
      wait(50);
      writeMs = 1;
      publish(5, 6);
      vi.advanceTimersByTime(0);
      expect(many[0]?.sent.at(-1)?.toString()).toBe('[{"n":5},{"n":6}]');
      writeMs = 0;
      expectWindow(3, 7);

      // A busy 15 ms flush: twice that is 30 ms, but the window stops at FLUSH_WINDOW_MAX_MS (25 ms) after it began.
      wait(50);
      writeMs = 5;
      publish(8, 9);
      vi.advanceTimersByTime(0);
      writeMs = 0;
      expectWindow(10, 10);
      expect(many[2]?.sent.map(String)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '[{"n":5},{"n":6}]', '{"n":7}', '[{"n":8},{"n":9}]', '{"n":10}']);
      outbox.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('holds the queue of a lagging connection, keeps its order, and sends it once the socket drains', async () => {
    const outbox = new Outbox({ softLimitBytes: 100, hardLimitBytes: 10_000, laggingRetryMs: 5, onSlowConsumer: () => {} });
    const a = target();
    a.socket.bufferedAmount = 500;
    outbox.enqueue(a, '{"n":1}');
    await nextTick();
    outbox.enqueue(a, '{"n":2}');
    await nextTick();
    expect(a.sent).toHaveLength(0);
    expect(outbox.laggingCount).toBe(1);
    a.socket.bufferedAmount = 0;
    await vi.waitFor(() => expect(a.sent.map((b) => b.toString())).toEqual(['[{"n":1},{"n":2}]']));
    expect(outbox.laggingCount).toBe(0);
    outbox.close();
  });

  it('hands a lagging connection past the hard limit to onSlowConsumer and drops its queue', async () => {
    const slow = vi.fn();
    const outbox = new Outbox({ softLimitBytes: 100, hardLimitBytes: 1_000, laggingRetryMs: 5, onSlowConsumer: slow });
    const a = target();
    a.socket.bufferedAmount = 900;
    outbox.enqueue(a, '{"n":1}');
    await nextTick();
    expect(slow).not.toHaveBeenCalled();
    outbox.enqueue(a, `{"pad":"${'x'.repeat(200)}"}`);
    expect(slow).toHaveBeenCalledWith(a);
    expect(a.queue).toBeNull();
    outbox.close();
  });

  it('tells a connection it is lagging at once, ahead of its held-back queue, once per episode, and again before a 4010', async () => {
    const slow = vi.fn();
    const outbox = new Outbox({
      softLimitBytes: 100,
      hardLimitBytes: 1_000,
      laggingRetryMs: 5,
      onSlowConsumer: slow,
      laggingNotice: (bufferedBytes) => JSON.stringify({ type: 'error', code: 'lagging', details: { bufferedBytes } }),
    });
    const a = target();
    a.socket.bufferedAmount = 500;
    outbox.enqueue(a, '{"n":1}');
    await nextTick();
    outbox.enqueue(a, '{"n":2}');
    await nextTick();
    expect(a.sent.map((b) => b.toString())).toEqual(['{"type":"error","code":"lagging","details":{"bufferedBytes":500}}']);
    a.socket.bufferedAmount = 0;
    await vi.waitFor(() => expect(a.sent).toHaveLength(2));
    expect(a.sent[1]?.toString()).toBe('[{"n":1},{"n":2}]');
    // Past the hard limit soon after: the notice of a moment ago stands, then the close.
    a.socket.bufferedAmount = 950;
    outbox.enqueue(a, '{"n":3}');
    await nextTick();
    outbox.enqueue(a, `{"pad":"${'x'.repeat(200)}"}`);
    expect(slow).toHaveBeenCalledWith(a);
    expect(a.sent).toHaveLength(2);
    outbox.close();
  });

  it('sends the lagging notice right before handing over a connection that jumps past the hard limit', async () => {
    const slow = vi.fn();
    const outbox = new Outbox({ softLimitBytes: 100, hardLimitBytes: 1_000, laggingRetryMs: 5, onSlowConsumer: slow, laggingNotice: () => '{"type":"error","code":"lagging"}' });
    const a = target();
    a.socket.bufferedAmount = 2_000;
    outbox.enqueue(a, '{"n":1}');
    await nextTick();
    expect(a.sent.map((b) => b.toString())).toEqual(['{"type":"error","code":"lagging"}']);
    expect(slow).toHaveBeenCalledWith(a);
    outbox.close();
  });

  it('sends a single message larger than the hard limit to a connection that is keeping up', async () => {
    const slow = vi.fn();
    const outbox = new Outbox({ softLimitBytes: 100, hardLimitBytes: 1_000, laggingRetryMs: 5, onSlowConsumer: slow });
    const a = target();
    outbox.enqueue(a, `"${'x'.repeat(5_000)}"`);
    await nextTick();
    expect(slow).not.toHaveBeenCalled();
    expect(a.sent).toHaveLength(1);
  });
});
