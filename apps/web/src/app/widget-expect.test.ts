import { describe, expect, it } from 'vitest';
import type { Widget } from '@pulseboard/model';
import { expectField } from './widget-expect';

const widget: Widget = { id: 'w1', type: 'stat', title: 'CPU', stream: 'cpu', layout: { x: 0, y: 0, w: 3, h: 2 }, options: { unit: '%' } };

describe('expectField', () => {
  it('expects the confirmed value of a set field', () => {
    expect(expectField(widget, 'title')).toEqual({ expect: { title: 'CPU' } });
    expect(expectField(widget, 'stream')).toEqual({ expect: { stream: 'cpu' } });
    expect(expectField(widget, 'options.unit')).toEqual({ expect: { 'options.unit': '%' } });
  });

  it('expects nothing for a field the server does not have, so a first value is no conflict', () => {
    const { stream: _s, ...bare } = widget;
    expect(expectField(bare, 'stream')).toEqual({});
    expect(expectField(widget, 'options.decimals')).toEqual({});
  });

  it('expects nothing for a widget not yet confirmed', () => {
    expect(expectField(undefined, 'title')).toEqual({});
  });
});
