import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { Outbox, SharedFrame, type OutboxTarget } from './outbox.js';

interface FakeTarget extends OutboxTarget {
  sent: Buffer[];
  socket: { bufferedAmount: number; readyState: number; OPEN: number };
}

function target(): FakeTarget {
  const sent: Buffer[] = [];
  const socket = { bufferedAmount: 0, readyState: 1, OPEN: 1, send: (data: Buffer) => sent.push(data) };
  return { ws: socket as unknown as WebSocket, socket, sent, queue: null, queuedBytes: 0, lagging: false, laggingNoticeAt: 0, closed: false };
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
