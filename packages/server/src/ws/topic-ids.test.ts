import { describe, expect, it } from 'vitest';
import { TopicIds } from './topic-ids.js';

describe('TopicIds', () => {
  it('gives each topic and epoch one id, a new one for a new epoch, and never reuses an id after forgetting a topic', () => {
    const ids = new TopicIds();
    ids.retain('stream:a');
    ids.retain('stream:a');
    const a1 = ids.idOf('stream:a', 'e1');
    expect(ids.idOf('stream:a', 'e1')).toBe(a1);
    const b1 = ids.idOf('stream:b', 'e1');
    const a2 = ids.idOf('stream:a', 'e2');
    expect(new Set([a1, b1, a2]).size).toBe(3);
    ids.release('stream:a');
    expect(ids.idOf('stream:a', 'e1')).toBe(a1);
    ids.release('stream:a');
    const again = ids.idOf('stream:a', 'e1');
    expect(again).toBeGreaterThan(Math.max(a1, b1, a2));
  });

  it('keeps the ids of a few epochs per topic only', () => {
    const ids = new TopicIds();
    const first = ids.idOf('dashboard:ops', 'e0');
    for (let i = 1; i <= 4; i++) ids.idOf('dashboard:ops', `e${i}`);
    expect(ids.idOf('dashboard:ops', 'e4')).toBe(first + 4);
    expect(ids.idOf('dashboard:ops', 'e0')).toBeGreaterThan(first + 4);
  });
});
