import { afterEach, describe, expect, it, vi } from 'vitest';
import { AckWaiter, type AckWaiterHost } from './ack-waiter.js';

type Sub = { topic: string; epoch: string; offset: number; ready: boolean; removed: boolean };

function host(sub?: Sub): AckWaiterHost & { subs: Map<string, Sub> } {
  return { ackWaiter: null, closed: false, subs: new Map(sub ? [[sub.topic, sub]] : []) };
}

const event = { topic: 'dashboard:ops', epoch: 'e1', offset: 5 };

describe('AckWaiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets the ack go at once when the sender is not subscribed or was already sent the event', async () => {
    await AckWaiter.wait(host(), event, 1_000);
    const h = host({ topic: 'dashboard:ops', epoch: 'e1', offset: 5, ready: true, removed: false });
    await AckWaiter.wait(h, event, 1_000);
    expect(h.ackWaiter).toBeNull();
  });

  it('settles once the subscription has been sent the event (or moved epoch), and only then', async () => {
    const sub = { topic: 'dashboard:ops', epoch: 'e1', offset: 3, ready: true, removed: false };
    const h = host(sub);
    let settled = false;
    const waiting = AckWaiter.wait(h, event, 60_000).then(() => (settled = true));
    const waiter = h.ackWaiter!;
    waiter.settleIfSent({ ...sub, offset: 4 });
    waiter.settleIfSent({ ...sub, topic: 'dashboard:other', offset: 9 });
    waiter.settleIfTopic('dashboard:other');
    await Promise.resolve();
    expect(settled).toBe(false);
    waiter.settleIfSent({ ...sub, offset: 5 });
    await waiting;
    expect(h.ackWaiter).toBeNull();
    const again = host(sub);
    const moved = AckWaiter.wait(again, event, 60_000);
    again.ackWaiter!.settleIfSent({ ...sub, epoch: 'e2', offset: 1 });
    await moved;
  });

  it('settles when the subscription goes away, or after the timeout, exactly once', async () => {
    vi.useFakeTimers();
    const sub = { topic: 'dashboard:ops', epoch: 'e1', offset: 3, ready: true, removed: false };
    const gone = host(sub);
    const removed = AckWaiter.wait(gone, event, 1_000);
    gone.ackWaiter!.settleIfTopic('dashboard:ops');
    await removed;
    const slow = host(sub);
    let settles = 0;
    const timedOut = AckWaiter.wait(slow, event, 1_000).then(() => settles++);
    const waiter = slow.ackWaiter!;
    vi.advanceTimersByTime(1_000);
    await timedOut;
    waiter.settle();
    waiter.settleIfTopic('dashboard:ops');
    expect(settles).toBe(1);
    expect(slow.ackWaiter).toBeNull();
  });
});
