// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  computeChange,
  evaluateThresholds,
  formatAgo,
  formatCell,
  formatOptionsOf,
  formatPercentChange,
  formatValue,
  numberOption,
  parseThresholds,
  pickNumber,
  resolveColor,
  stringListOption,
  thresholdColor,
  widgetDataFromSnapshot,
  type WidgetData,
} from './widget-data';

function series(values: Array<number | Record<string, unknown>>, stepMs = 1000, end = 100_000): WidgetData {
  const history = values.map((value, i) => ({ ts: end - (values.length - 1 - i) * stepMs, value }));
  const last = history[history.length - 1];
  return { latest: last?.value ?? null, latestTs: last?.ts ?? null, history };
}

describe('pickNumber', () => {
  it('returns a number point as is', () => {
    expect(pickNumber(42)).toBe(42);
  });

  it('reads value, then current, from an object when no field is given', () => {
    expect(pickNumber({ value: 3, current: 9 })).toBe(3);
    expect(pickNumber({ current: 9, last: 4 })).toBe(9);
  });

  it('reads the field option, including dotted paths and numeric strings', () => {
    expect(pickNumber({ cpu: 0.5, value: 1 }, 'cpu')).toBe(0.5);
    expect(pickNumber({ host: { load: 2.5 } }, 'host.load')).toBe(2.5);
    expect(pickNumber({ count: '17' }, 'count')).toBe(17);
  });

  it('returns null when there is no number to show', () => {
    expect(pickNumber(null)).toBeNull();
    expect(pickNumber({ status: 'ok' })).toBeNull();
    expect(pickNumber({ cpu: 'high' }, 'cpu')).toBeNull();
    expect(pickNumber({ value: 1 }, 'missing')).toBeNull();
  });
});

describe('computeChange', () => {
  it('compares the latest value with the point before it', () => {
    const change = computeChange(series([100, 125]));
    expect(change).toMatchObject({ current: 125, previous: 100, delta: 25, ratio: 0.25, direction: 'up' });
  });

  it('reports a fall and a flat line', () => {
    expect(computeChange(series([10, 8]))?.direction).toBe('down');
    expect(computeChange(series([10, 10]))?.direction).toBe('flat');
  });

  it('uses the field option on object points', () => {
    expect(computeChange(series([{ rps: 10 }, { rps: 15 }]), 'rps')?.delta).toBe(5);
  });

  it('skips points without a number when it looks for the previous one', () => {
    expect(computeChange(series([{ rps: 4 }, { rps: 10 }, { rps: 'n/a' }, { status: 'ok' }, { rps: 16 }]), 'rps')).toMatchObject({ current: 16, previous: 10, delta: 6 });
  });

  it('compares a latest value newer than the history with the history\'s last number', () => {
    const data: WidgetData = { latest: 30, latestTs: 5_000, history: [{ ts: 1_000, value: 10 }, { ts: 2_000, value: 20 }] };
    expect(computeChange(data)).toMatchObject({ current: 30, previous: 20, delta: 10 });
  });

  it('falls back to a Smashing-style `last` key without history', () => {
    const data: WidgetData = { latest: { current: 120, last: 100 }, latestTs: 5, history: [] };
    expect(computeChange(data)?.ratio).toBeCloseTo(0.2);
  });

  it('has no ratio against zero and no change without a previous point', () => {
    expect(computeChange(series([0, 5]))?.ratio).toBeNull();
    expect(computeChange(series([5]))).toBeNull();
    expect(computeChange({ latest: null, latestTs: null, history: [] })).toBeNull();
  });
});

describe('formatValue', () => {
  it('puts a unit after the number, tight for percent', () => {
    expect(formatValue(12.5, { unit: 'ms' }).text).toBe('12.5 ms');
    expect(formatValue(99, { unit: '%' }).text).toBe('99%');
  });

  it('puts currency units before the number, also for negatives', () => {
    expect(formatValue(1234, { unit: '$' }).text).toBe('$1,234');
    expect(formatValue(-5, { unit: '€' }).text).toBe('-€5');
    expect(formatValue(1234, { unit: '$' }).unitPosition).toBe('prefix');
  });

  it('honours fixed decimals', () => {
    expect(formatValue(3, { decimals: 2 }).text).toBe('3.00');
    expect(formatValue(3.14159, { decimals: 1 }).number).toBe('3.1');
  });

  it('chooses sensible decimals when none are set', () => {
    expect(formatValue(1234.567).text).toBe('1,235');
    expect(formatValue(12.345).text).toBe('12.3');
    expect(formatValue(0.4567).text).toBe('0.46');
    expect(formatValue(7).text).toBe('7');
  });

  it('abbreviates big numbers in compact mode', () => {
    expect(formatValue(18_400, { compact: true }).text).toBe('18.4K');
    expect(formatValue(1_250_000, { compact: true, unit: 'rows' }).text).toBe('1.3M rows');
    expect(formatValue(950, { compact: true }).text).toBe('950');
  });

  it('shows an em dash for a missing value', () => {
    expect(formatValue(null).text).toBe('—');
    expect(formatValue(Number.NaN).text).toBe('—');
  });

  it('reads unit and decimals from widget options, ignoring junk', () => {
    expect(formatOptionsOf({ unit: 'ms', decimals: '2' })).toEqual({ unit: 'ms', decimals: 2, compact: false });
    expect(formatOptionsOf({ unit: 5, decimals: 'many' })).toEqual({ unit: '', compact: false });
  });

  it('formats percent changes with a sign', () => {
    expect(formatPercentChange(0.125)).toBe('+12.5%');
    expect(formatPercentChange(-0.03)).toBe('−3%');
    expect(formatPercentChange(0)).toBe('0%');
  });

  it('formats table cells of any type', () => {
    expect(formatCell(1500, { unit: 'ms' })).toBe('1,500 ms');
    expect(formatCell(true)).toBe('yes');
    expect(formatCell(null)).toBe('—');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
  });

  it('says how long ago', () => {
    expect(formatAgo(2000)).toBe('just now');
    expect(formatAgo(42_000)).toBe('42 s ago');
    expect(formatAgo(125_000)).toBe('2 min ago');
    expect(formatAgo(3 * 3_600_000)).toBe('3 h ago');
  });
});

describe('thresholds', () => {
  const options = {
    thresholds: [
      { value: 90, color: 'red', label: 'critical' },
      { value: 0, color: 'green' },
      { value: 70, color: '#ffaa00' },
      { value: 'x', color: 'blue' },
      { color: 'blue' },
      null,
    ],
  };

  it('parses valid steps, sorted ascending, dropping bad entries', () => {
    expect(parseThresholds(options)).toEqual([
      { value: 0, color: 'green' },
      { value: 70, color: '#ffaa00' },
      { value: 90, color: 'red', label: 'critical' },
    ]);
    expect(parseThresholds({ thresholds: 'nope' })).toEqual([]);
  });

  it('picks the highest step at or below the value', () => {
    const steps = parseThresholds(options);
    expect(evaluateThresholds(50, steps)?.color).toBe('green');
    expect(evaluateThresholds(70, steps)?.color).toBe('#ffaa00');
    expect(evaluateThresholds(95, steps)?.label).toBe('critical');
    expect(evaluateThresholds(-1, steps)).toBeNull();
    expect(evaluateThresholds(null, steps)).toBeNull();
  });

  it('maps named colours to theme variables and passes others through', () => {
    const steps = parseThresholds(options);
    expect(thresholdColor(95, steps, 'fallback')).toBe('var(--pb-red)');
    expect(thresholdColor(75, steps, 'fallback')).toBe('#ffaa00');
    expect(thresholdColor(-5, steps, 'fallback')).toBe('fallback');
    expect(resolveColor('Orange')).toBe('var(--pb-orange)');
  });
});

describe('options and snapshots', () => {
  it('reads number and list options', () => {
    expect(numberOption({ min: '5' }, 'min', 0)).toBe(5);
    expect(numberOption({ min: 'x' }, 'min', 0)).toBe(0);
    expect(stringListOption({ fields: 'cpu, mem ,' }, 'fields')).toEqual(['cpu', 'mem']);
    expect(stringListOption({ fields: ['a', 3, 'b'] }, 'fields')).toEqual(['a', 'b']);
  });

  it('turns a stream snapshot into widget data', () => {
    const data = widgetDataFromSnapshot({ key: 'k', latest: 3, latestTs: 10, history: [{ offset: 1, ts: 10, value: 3 }] });
    expect(data).toEqual({ latest: 3, latestTs: 10, history: [{ ts: 10, value: 3 }] });
    expect(widgetDataFromSnapshot(null).latest).toBeNull();
  });
});
