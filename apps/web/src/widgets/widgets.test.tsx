// @vitest-environment jsdom
import './test-browser-stubs';
import { act, cleanup, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Widget, WidgetType } from '@pulseboard/model';
import { GaugeWidget } from './GaugeWidget';
import { LineWidget } from './LineWidget';
import { StatusWidget } from './StatusWidget';
import { StatWidget } from './StatWidget';
import { TableWidget } from './TableWidget';
import { TextWidget } from './TextWidget';
import { WidgetView } from './WidgetView';
import { WIDGET_TYPE_INFO, WIDGET_TYPE_LIST } from './widget-types';
import type { WidgetData } from './widget-data';
import { WIDGET_TYPES } from '@pulseboard/model';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function widget(type: WidgetType, options: Widget['options'] = {}, title = 'A widget'): Widget {
  return { id: `w-${type}`, type, title, layout: { x: 0, y: 0, w: 3, h: 2 }, stream: 'metric', options };
}

function data(values: Array<Widget['options'] | number>): WidgetData {
  const history = values.map((value, i) => ({ ts: NOW - (values.length - 1 - i) * 1000, value }));
  const last = history[history.length - 1];
  return { latest: last?.value ?? null, latestTs: last?.ts ?? null, history };
}

/** Charts are built a microtask after their commit (all measured first): let that run. */
const chartsBuilt = () => act(async () => {});

const EMPTY: WidgetData = { latest: null, latestTs: null, history: [] };

afterEach(() => cleanup());

describe('StatWidget', () => {
  it('shows the value with its unit, the change and a sparkline', () => {
    const { container } = render(<StatWidget widget={widget('stat', { unit: 'ms' })} data={data([200, 210, 250])} />);
    expect(screen.getByTestId('stat-value').textContent).toBe('250ms');
    expect(screen.queryByText('+19%')).not.toBeNull();
    expect(container.querySelector('.pb-change--good')).not.toBeNull();
    expect(container.querySelector('.pb-sparkline path')).not.toBeNull();
  });

  it('paints a rise red when lower is better, and takes the threshold colour', () => {
    const w = widget('stat', { invertChange: true, thresholds: [{ value: 0, color: 'green' }, { value: 240, color: 'red' }] });
    const { container } = render(<StatWidget widget={w} data={data([200, 250])} />);
    expect(container.querySelector('.pb-change--bad')).not.toBeNull();
    expect((screen.getByTestId('stat-value') as HTMLElement).style.color).toBe('var(--pb-red)');
  });

  it('reads a field of an object value', () => {
    render(<StatWidget widget={widget('stat', { field: 'rps', unit: '$' })} data={data([{ rps: 1200.4 }])} />);
    expect(screen.getByTestId('stat-value').textContent).toBe('$1,200');
  });

  it('waits for data when the stream is empty', () => {
    render(<StatWidget widget={widget('stat')} data={EMPTY} />);
    expect(screen.queryByText('Waiting for data')).not.toBeNull();
  });
});

describe('LineWidget', () => {
  it('creates one chart and keeps it across updates', async () => {
    const w = widget('line', { unit: 'ms' });
    const { container, rerender } = render(<LineWidget widget={w} data={data([1, 2, 3])} />);
    await chartsBuilt();
    const first = container.querySelector('.uplot');
    expect(first).not.toBeNull();
    expect(screen.getByTestId('line-latest').textContent).toBe('3 ms');
    for (let i = 4; i < 30; i++) rerender(<LineWidget widget={w} data={data([1, 2, 3, i])} />);
    await chartsBuilt();
    expect(container.querySelectorAll('.uplot')).toHaveLength(1);
    expect(container.querySelector('.uplot')).toBe(first);
    expect(screen.getByTestId('line-latest').textContent).toBe('29 ms');
  });

  it('keeps the chart when the shell rebuilds an equal widget object', async () => {
    const { container, rerender } = render(<LineWidget widget={widget('line', { unit: 'ms' })} data={data([1, 2])} />);
    await chartsBuilt();
    const first = container.querySelector('.uplot');
    expect(first).not.toBeNull();
    rerender(<LineWidget widget={widget('line', { unit: 'ms' })} data={data([1, 2, 3])} />);
    await chartsBuilt();
    expect(container.querySelector('.uplot')).toBe(first);
  });

  it('plots the numeric keys of object values, one legend entry each', () => {
    render(<LineWidget widget={widget('line')} data={data([{ cpu: 10, mem: 50, host: 'a' }, { cpu: 20, mem: 55, host: 'a' }])} />);
    expect(screen.queryByText('cpu')).not.toBeNull();
    expect(screen.queryByText('mem')).not.toBeNull();
    expect(screen.queryByText('host')).toBeNull();
  });

  it('plots only options.fields when given', () => {
    render(<LineWidget widget={widget('line', { fields: ['mem'] })} data={data([{ cpu: 10, mem: 50 }])} />);
    expect(screen.queryByText('cpu')).toBeNull();
    expect(screen.getByTestId('line-latest').textContent).toBe('50');
  });

  it('builds every chart of one commit together, a microtask after the commit', async () => {
    const { container } = render(
      <>
        <LineWidget widget={widget('line')} data={data([1, 2])} />
        <LineWidget widget={widget('line')} data={data([3, 4])} />
      </>,
    );
    expect(container.querySelectorAll('.uplot')).toHaveLength(0);
    await chartsBuilt();
    expect(container.querySelectorAll('.uplot')).toHaveLength(2);
  });

  it('removes the chart on unmount', async () => {
    const { container, unmount } = render(<LineWidget widget={widget('line')} data={data([1, 2])} />);
    await chartsBuilt();
    expect(container.querySelector('.uplot')).not.toBeNull();
    unmount();
    expect(container.querySelector('.uplot')).toBeNull();
  });

  it('waits for data when the stream is empty', () => {
    render(<LineWidget widget={widget('line')} data={EMPTY} />);
    expect(screen.queryByText('Waiting for data')).not.toBeNull();
  });
});

describe('GaugeWidget', () => {
  it('shows the value and colours the arc by threshold', () => {
    const w = widget('gauge', { unit: '%', min: 0, max: 100, thresholds: [{ value: 0, color: 'green' }, { value: 80, color: 'red' }] });
    const { container } = render(<GaugeWidget widget={w} data={data([91])} />);
    expect(screen.getByTestId('gauge-value').textContent).toBe('91%');
    expect(container.querySelector('.pb-gauge__value-arc')?.getAttribute('stroke')).toBe('var(--pb-red)');
    expect(container.querySelectorAll('.pb-gauge__band')).toHaveLength(2);
  });

  it('draws no value arc at the minimum, and clamps beyond the maximum', () => {
    const { container, rerender } = render(<GaugeWidget widget={widget('gauge')} data={data([0])} />);
    expect(container.querySelector('.pb-gauge__value-arc')).toBeNull();
    rerender(<GaugeWidget widget={widget('gauge')} data={data([150])} />);
    expect(screen.getByTestId('gauge-value').textContent).toBe('150');
    expect(container.querySelector('.pb-gauge__value-arc')).not.toBeNull();
  });
});

describe('TableWidget', () => {
  it('renders an array of objects as a table with columns', () => {
    const value = { rows: [{ name: 'api', rps: 1200, status: 'ok' }, { name: 'db', rps: 80, status: 'down' }] };
    const { container } = render(<TableWidget widget={widget('table')} data={data([value])} />);
    expect([...container.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['name', 'rps', 'status']);
    expect(screen.queryByText('1,200')).not.toBeNull();
    expect(container.querySelector('.pb-status-pill--critical')?.textContent).toBe('down');
  });

  it('spells a camelCase or snake_case column key as words, the key in the tooltip', () => {
    const value = { rows: [{ avgSeconds: 21, p95_ms: 3 }] };
    const { container } = render(<TableWidget widget={widget('table')} data={data([value])} />);
    const headers = [...container.querySelectorAll('th')];
    expect(headers.map((th) => th.textContent)).toEqual(['avg seconds', 'p95 ms']);
    expect(headers[0]?.getAttribute('title')).toBe('avgSeconds');
  });

  it('renders Smashing items as a label/value list', () => {
    const value = { items: [{ label: '/pricing', value: 4210 }, { label: '/docs', value: 12 }] };
    const { container } = render(<TableWidget widget={widget('table')} data={data([value])} />);
    expect(container.querySelector('table')).toBeNull();
    expect(screen.queryByText('/pricing')).not.toBeNull();
    expect(screen.queryByText('4,210')).not.toBeNull();
  });

  it('renders a plain object as key/value rows', () => {
    render(<TableWidget widget={widget('table')} data={data([{ version: '2.1', pods: 12, healthy: true }])} />);
    expect(screen.queryByText('version')).not.toBeNull();
    expect(screen.queryByText('2.1')).not.toBeNull();
    expect(screen.queryByText('yes')).not.toBeNull();
  });

  it('uses the columns option and the field option', () => {
    const value = { services: [{ a: 1, b: 2, c: 3 }] };
    const { container } = render(<TableWidget widget={widget('table', { field: 'services', columns: 'c, a' })} data={data([value])} />);
    expect([...container.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['c', 'a']);
  });
});

describe('TextWidget', () => {
  it('renders markdown from options.text', () => {
    const { container } = render(<TextWidget widget={widget('text', { text: '## Hello\n**bold** and [link](https://example.com)' })} data={EMPTY} />);
    expect(container.querySelector('h2')?.textContent).toBe('Hello');
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect(container.querySelector('a')?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('renders the text field of the stream value', () => {
    render(<TextWidget widget={widget('text')} data={data([{ text: 'Deploy *frozen*' }])} />);
    expect(screen.getByText('frozen').tagName).toBe('EM');
  });

  it('never renders raw HTML, scripts or javascript: links', () => {
    const text = 'Hi <script>window.__pwned = true</script><img src=x onerror="window.__pwned=true"><b>raw</b>\n\n[x](javascript:alert(1))';
    const { container } = render(<TextWidget widget={widget('text', { text })} data={EMPTY} />);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.innerHTML).not.toContain('onerror');
    expect(container.querySelector('a')?.getAttribute('href') ?? '').not.toContain('javascript');
    expect((window as unknown as { __pwned?: boolean }).__pwned).toBeUndefined();
  });
});

describe('StatusWidget', () => {
  it.each([
    ['ok', 'ok'],
    ['DEGRADED', 'warning'],
    ['down', 'critical'],
    ['maintenance', 'unknown'],
  ])('maps the status %s to %s', (status, level) => {
    const { container } = render(<StatusWidget widget={widget('status')} data={data([{ status, message: 'details' }])} />);
    expect(container.querySelector('.pb-status')?.getAttribute('data-status')).toBe(level);
    expect(screen.queryByText(status)).not.toBeNull();
    expect(screen.queryByText('details')).not.toBeNull();
  });

  it('maps numbers through thresholds with their labels', () => {
    const w = widget('status', {
      unit: 'jobs',
      thresholds: [
        { value: 0, color: 'ok', label: 'Healthy' },
        { value: 500, color: 'warning', label: 'Backlog' },
        { value: 2000, color: 'critical', label: 'Stalled' },
      ],
    });
    const { container } = render(<StatusWidget widget={w} data={data([820])} />);
    expect(container.querySelector('.pb-status')?.getAttribute('data-status')).toBe('warning');
    expect(screen.queryByText('Backlog')).not.toBeNull();
    expect(screen.queryByText('820 jobs')).not.toBeNull();
  });

  it('paints a custom threshold colour', () => {
    const w = widget('status', { thresholds: [{ value: 0, color: '#123456', label: 'Custom' }] });
    const { container } = render(<StatusWidget widget={w} data={data([1])} />);
    expect((container.querySelector('.pb-status') as HTMLElement).style.background).toContain('rgb(18, 52, 86)');
  });
});

describe('WidgetView', () => {
  it('renders the frame: title, freshness badge and the header slot', () => {
    render(<WidgetView widget={widget('stat', {}, 'Revenue')} data={data([5])} now={NOW} headerExtra={<span>pending</span>} className="extra" />);
    expect(screen.queryByRole('heading', { name: 'Revenue' })).not.toBeNull();
    expect(screen.queryByText('Live')).not.toBeNull();
    expect(screen.queryByText('pending')).not.toBeNull();
    expect(document.querySelector('.pb-widget.extra.pb-widget--stat')).not.toBeNull();
  });

  it('picks the component for every widget type, the lazy ones once loaded', async () => {
    for (const type of WIDGET_TYPES) {
      const { container, unmount } = render(<WidgetView widget={widget(type, { text: 'hi' })} data={data([{ value: 1, status: 'ok' }])} now={NOW} />);
      await waitFor(() => expect(container.querySelector('[data-testid="widget-loading"]')).toBeNull());
      expect(container.querySelector('.pb-widget__body')?.firstElementChild).not.toBeNull();
      expect(container.querySelector('.pb-widget-error')).toBeNull();
      unmount();
    }
  });

  it('isolates a throwing widget: its neighbours still render', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const onError = vi.fn();
    const Thrower = (): never => {
      throw new Error('bad value');
    };
    render(
      <div>
        <WidgetView widget={widget('stat', {}, 'Broken')} data={data([1])} now={NOW} renderers={{ stat: Thrower }} onError={onError} />
        <WidgetView widget={widget('gauge', {}, 'Fine')} data={data([42])} now={NOW} />
      </div>,
    );
    expect(screen.getByRole('alert').textContent).toContain('bad value');
    expect(screen.queryByRole('heading', { name: 'Broken' })).not.toBeNull();
    expect(screen.getByTestId('gauge-value').textContent).toBe('42');
    expect(onError).toHaveBeenCalledOnce();
    error.mockRestore();
  });

  it('retries a failed widget when its data changes', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    let fail = true;
    const Flaky = () => {
      if (fail) throw new Error('first render fails');
      return <span>recovered</span>;
    };
    const w = widget('stat');
    const { rerender } = render(<WidgetView widget={w} data={data([1])} now={NOW} renderers={{ stat: Flaky }} />);
    expect(screen.queryByRole('alert')).not.toBeNull();
    fail = false;
    rerender(<WidgetView widget={w} data={{ latest: 2, latestTs: NOW + 1, history: [] }} now={NOW} renderers={{ stat: Flaky }} />);
    expect(screen.queryByText('recovered')).not.toBeNull();
    error.mockRestore();
  });

  it('shows an unknown type without crashing', () => {
    const w = { ...widget('stat'), type: 'heatmap' } as unknown as Widget;
    render(<WidgetView widget={w} data={EMPTY} now={NOW} />);
    expect(screen.queryByText(/Unknown widget type/)).not.toBeNull();
  });
});

describe('widget type registry', () => {
  it('describes every widget type with a size, icon and default options', () => {
    expect(WIDGET_TYPE_LIST.map((t) => t.type).sort()).toEqual([...WIDGET_TYPES].sort());
    for (const type of WIDGET_TYPES) {
      const info = WIDGET_TYPE_INFO[type];
      expect(info.label).not.toBe('');
      expect(info.icon).toMatch(/^M/);
      expect(info.defaultSize.w).toBeGreaterThan(0);
      expect(info.defaultSize.h).toBeGreaterThan(0);
      expect(typeof info.defaultOptions).toBe('object');
    }
  });
});
