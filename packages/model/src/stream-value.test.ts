import { describe, expect, it } from 'vitest';
import { jsonByteLength } from './json-bounds.js';
import { MAX_POINT_VALUE_BYTES } from './limits.js';
import { mergePointValue } from './stream-value.js';

describe('mergePointValue', () => {
  it('merges objects, and numbers replace', () => {
    expect(mergePointValue({ a: 1, b: 2 }, { b: 3 })).toEqual({ a: 1, b: 3 });
    expect(mergePointValue({ a: 1 }, 5)).toBe(5);
    expect(mergePointValue(5, { a: 1 })).toEqual({ a: 1 });
  });

  it('never grows the latest value past the cap: pushing new keys for ever replaces once the merge would not fit', () => {
    let latest: ReturnType<typeof mergePointValue> | undefined;
    const chunk = 'x'.repeat(10_000);
    for (let i = 0; i < 50; i++) {
      latest = mergePointValue(latest, { [`k${i}`]: chunk });
      expect(jsonByteLength(latest)).toBeLessThanOrEqual(MAX_POINT_VALUE_BYTES);
    }
    expect(latest).toHaveProperty('k49');
  });
});
