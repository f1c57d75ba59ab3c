import { describe, expect, it } from 'vitest';
import { PushCoalescer, type PointBatch } from './push-coalescer.js';

describe('PushCoalescer', () => {
  it('joins the pushes made in one turn into one push, and starts a new one after', async () => {
    const pushed: PointBatch[] = [];
    const coalescer = new PushCoalescer(async (batch) => pushed.push(batch));
    await Promise.all([coalescer.push([{ key: 'a', points: [{ value: 1 }] }]), coalescer.push([{ key: 'b', points: [{ value: 2 }] }])]);
    await coalescer.push([{ key: 'c', points: [{ value: 3 }] }]);
    expect(pushed.map((batch) => batch.map((entry) => entry.key))).toEqual([['a', 'b'], ['c']]);
  });

  it('rejects every caller of a push that failed, and the next push works', async () => {
    let fail = true;
    const coalescer = new PushCoalescer(async () => {
      if (fail) throw new Error('disk full');
    });
    const results = await Promise.allSettled([coalescer.push([{ key: 'a', points: [{ value: 1 }] }]), coalescer.push([{ key: 'b', points: [{ value: 2 }] }])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(coalescer.push([{ key: 'c', points: [{ value: 3 }] }])).resolves.toBeUndefined();
  });
});
