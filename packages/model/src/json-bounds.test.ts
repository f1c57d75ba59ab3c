import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonBounds, jsonByteLength, jsonStringBytes } from './json-bounds.js';

function nested(levels: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('jsonByteLength', () => {
  it('equals the UTF-8 length of JSON.stringify for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonByteLength(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('counts escapes, astral characters and lone surrogates as JSON.stringify writes them', () => {
    for (const text of ['"\\\n\t\u0001', '€😀', '\ud800x', 'x\udc00']) {
      expect(jsonStringBytes(text)).toBe(Buffer.byteLength(JSON.stringify(text)));
    }
  });
});

describe('checkJsonBounds', () => {
  it('accepts a value exactly at the depth limit and refuses one level more, naming where', () => {
    expect(checkJsonBounds(nested(64), { maxDepth: 64, maxBytes: 1e6 })).toBeNull();
    const violation = checkJsonBounds({ x: [nested(64)] }, { maxDepth: 64, maxBytes: 1e6 });
    expect(violation?.message).toBe('nested deeper than 64 levels');
    expect(violation?.path.slice(0, 3)).toEqual(['x', 0, 'a']);
    expect(violation?.path.at(-1)).toBe('…');
  });

  it('measures a value nested a million levels deep without overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)) as unknown;
    expect(checkJsonBounds(deep, { maxDepth: 64, maxBytes: 1e9 })?.message).toBe('nested deeper than 64 levels');
    expect(jsonByteLength(deep)).toBe(2_000_000);
  });

  it('refuses a value over the size limit and accepts one at it', () => {
    const value = { text: 'x'.repeat(100) };
    const bytes = jsonByteLength(value);
    expect(checkJsonBounds(value, { maxDepth: 64, maxBytes: bytes })).toBeNull();
    expect(checkJsonBounds(value, { maxDepth: 64, maxBytes: bytes - 1 })?.message).toBe(`larger than ${bytes - 1} bytes as JSON`);
  });

  it('never throws, whatever the value', () => {
    fc.assert(
      fc.property(fc.anything(), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 500 }), (value, maxDepth, maxBytes) => {
        checkJsonBounds(value, { maxDepth, maxBytes });
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
