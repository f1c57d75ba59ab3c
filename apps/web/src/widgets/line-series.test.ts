// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { formatTimeTick, isolatedPoints, lineSeriesOf, tickLabelFits, toAlignedColumns } from './line-series';
import type { WidgetData } from './widget-data';

describe('lineSeriesOf', () => {
  it('draws one line for numbers or for the field option', () => {
    expect(lineSeriesOf({}, 5)).toEqual([{ field: null, label: 'value' }]);
    expect(lineSeriesOf({ field: 'rps' }, { rps: 1, p95: 2 })).toEqual([{ field: 'rps', label: 'rps' }]);
  });

  it('draws options.fields, else the numeric keys of an object value', () => {
    expect(lineSeriesOf({ fields: 'a,b' }, { a: 1 }).map((s) => s.field)).toEqual(['a', 'b']);
    expect(lineSeriesOf({}, { cpu: 1, mem: 2, host: 'x' }).map((s) => s.field)).toEqual(['cpu', 'mem']);
    expect(lineSeriesOf({}, { value: 3, note: 'x' })).toEqual([{ field: null, label: 'value' }]);
  });
});

describe('toAlignedColumns', () => {
  const data: WidgetData = {
    latest: { cpu: 3 },
    latestTs: 4000,
    history: [
      { ts: 1000, value: { cpu: 1, mem: 10 } },
      { ts: 2000, value: { mem: 11 } },
      { ts: 3000, value: { cpu: 2, mem: 12 } },
      { ts: 4000, value: { cpu: 3 } },
    ],
  };

  it('aligns every series on the history timestamps, a missing field as undefined (joined over)', () => {
    const series = lineSeriesOf({ fields: ['cpu', 'mem'] }, data.latest);
    expect(toAlignedColumns(data, series, {})).toEqual([
      [1000, 2000, 3000, 4000],
      [1, undefined, 2, 3],
      [10, 11, 12, undefined],
    ]);
  });

  it('breaks the line with a null row where the stream was silent past its staleness limit', () => {
    const silent: WidgetData = {
      latest: 4,
      latestTs: 100_000,
      history: [
        { ts: 1000, value: 1 },
        { ts: 2000, value: 2 },
        { ts: 3000, value: 3 },
        { ts: 100_000, value: 4 },
      ],
    };
    const series = lineSeriesOf({}, silent.latest);
    expect(toAlignedColumns(silent, series, { staleAfterMs: 10_000 })).toEqual([
      [1000, 2000, 3000, 3001, 100_000],
      [1, 2, 3, null, 4],
    ]);
  });

  it('keeps only the points inside windowMs of the last one', () => {
    const series = lineSeriesOf({ fields: ['cpu'] }, data.latest);
    expect(toAlignedColumns(data, series, { windowMs: 1500 })).toEqual([[3000, 4000], [2, 3]]);
  });
});

describe('formatTimeTick', () => {
  it('shows seconds for dense ticks and minutes otherwise', () => {
    const ts = new Date(2026, 0, 1, 9, 5, 7).getTime();
    expect(formatTimeTick(ts, 10_000)).toBe('09:05:07');
    expect(formatTimeTick(ts, 300_000)).toBe('09:05');
    expect(formatTimeTick(ts, 86_400_000)).toBe('1/1');
  });
});

describe('tickLabelFits', () => {
  it('drops a time label that would be cut by the right or left edge', () => {
    expect(tickLabelFits('00:35:40', 200, -40, 412)).toBe(true);
    expect(tickLabelFits('00:35:40', 400, -40, 412)).toBe(false);
    expect(tickLabelFits('00:35:40', -30, -40, 412)).toBe(false);
  });
});

describe('isolatedPoints', () => {
  it('finds the points a broken line cannot draw', () => {
    expect(isolatedPoints([1, null, 2, 3, null, 4])).toEqual([0, 5]);
    expect(isolatedPoints([1, 2, 3])).toBeNull();
    expect(isolatedPoints([5])).toEqual([0]);
  });
});
