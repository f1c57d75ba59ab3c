import { describe, expect, it } from 'vitest';
import { formatFixed, formatPercentChange, formatValue } from './value-format';

/** What formatFixed stands in for. */
const intl = (n: number, min: number, max: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: min, maximumFractionDigits: max }).format(n);

/** A deterministic spread of magnitudes, signs and digits (mulberry32). */
function* numbers(count: number, seed = 20261202): Generator<number> {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < count; i++) {
    const magnitude = 10 ** Math.floor(random() * 26 - 6);
    const n = (random() - 0.5) * 2 * magnitude;
    yield random() < 0.2 ? Math.round(n * 1000) / 1000 : n;
  }
}

describe('formatFixed', () => {
  it('writes what Intl.NumberFormat en-US writes, for every fraction-digit setting the widgets use', () => {
    const edges = [0, -0, 1, -1, 0.5, -0.5, 1.005, 2.675, -2.675, 0.125, 999.995, 999_999.5, 1234.5678, -0.0001, 0.00005, 1e20, 9.99e20, 1e21, -1e22, 123_456_789.987];
    const settings: Array<[number, number]> = [[0, 0], [0, 1], [0, 2], [0, 4], [2, 2], [1, 3], [3, 3], [0, 10], [10, 10]];
    let checked = 0;
    for (const n of [...edges, ...numbers(3_000)]) {
      for (const [min, max] of settings) {
        expect(formatFixed(n, min, max), `${n} with ${min}..${max} fraction digits`).toBe(intl(n, min, max));
        checked++;
      }
    }
    expect(checked).toBe((edges.length + 3_000) * settings.length);
  });
});

describe('formatValue', () => {
  it('formats with grouping, the auto decimals, units and compact notation', () => {
    expect(formatValue(1234.5678).text).toBe('1,235');
    expect(formatValue(12.345).text).toBe('12.3');
    expect(formatValue(0.5, { unit: '%' }).text).toBe('0.5%');
    expect(formatValue(-1234.5, { unit: '$', decimals: 2 }).text).toBe('-$1,234.50');
    expect(formatValue(1_250_000, { compact: true }).text).toBe('1.3M');
    expect(formatValue(Number.NaN).text).toBe('—');
    expect(formatPercentChange(0.125)).toBe('+12.5%');
    expect(formatPercentChange(-0.03)).toBe('−3%');
  });
});
