/** Sample widgets and data for the development gallery (and the widget tests). */
import type { PointValue, Widget, WidgetType } from '@pulseboard/model';
import type { WidgetData } from './widget-data';

/** A widget for the gallery, placed on a 12-column grid. */
export function sampleWidget(id: string, type: WidgetType, title: string, layout: Widget['layout'], options: Widget['options'] = {}, stream?: string): Widget {
  return { id, type, title, layout, options, ...(stream ? { stream } : {}) };
}

/** `count` points ending at `end`, `stepMs` apart, valued by `fn(i)`. */
export function sampleSeries(end: number, count: number, stepMs: number, fn: (i: number) => PointValue): WidgetData {
  const history = Array.from({ length: count }, (_, i) => ({ ts: end - (count - 1 - i) * stepMs, value: fn(i) }));
  const last = history[history.length - 1];
  return { latest: last ? last.value : null, latestTs: last ? last.ts : null, history };
}

/** A wave with some deterministic wobble, for plausible-looking metrics. */
export function wave(i: number, base: number, amplitude: number, period = 40): number {
  return base + amplitude * Math.sin((i / period) * Math.PI * 2) + amplitude * 0.35 * Math.sin(i * 1.7) + amplitude * 0.2 * Math.cos(i * 0.31);
}

/** The static part of the gallery: every widget type, in typical and edge-case states. */
export function gallerySamples(now: number): Array<{ widget: Widget; data: WidgetData }> {
  const minute = 60_000;
  return [
    {
      widget: sampleWidget('revenue', 'stat', 'Revenue today', { x: 0, y: 0, w: 3, h: 2 }, { unit: '$', decimals: 0, caption: 'vs previous push' }, 'sales.today'),
      data: sampleSeries(now, 60, 5000, (i) => Math.round(42_000 + i * 310 + wave(i, 0, 900))),
    },
    {
      widget: sampleWidget('latency', 'stat', 'p95 latency', { x: 3, y: 0, w: 3, h: 2 }, {
        unit: 'ms',
        invertChange: true,
        thresholds: [
          { value: 0, color: 'green' },
          { value: 200, color: 'orange' },
          { value: 400, color: 'red' },
        ],
      }, 'api.latency'),
      data: sampleSeries(now, 80, 2000, (i) => ({ value: Math.round(wave(i, 230, 40, 25)), p50: Math.round(wave(i, 90, 10)) })),
    },
    {
      widget: sampleWidget('error-rate', 'gauge', 'Error budget used', { x: 6, y: 0, w: 3, h: 4 }, {
        unit: '%',
        label: '30-day window',
        thresholds: [
          { value: 0, color: 'green' },
          { value: 60, color: 'orange' },
          { value: 85, color: 'red' },
        ],
      }, 'slo.budget'),
      data: sampleSeries(now, 10, 10_000, (i) => 61 + i * 0.9),
    },
    {
      widget: sampleWidget('deploy', 'status', 'Production', { x: 9, y: 0, w: 3, h: 2 }, {}, 'deploy.prod'),
      data: sampleSeries(now, 3, 5000, () => ({ status: 'ok', message: 'v2.14.1 · 12 pods' })),
    },
    {
      widget: sampleWidget('users', 'stat', 'Active users', { x: 0, y: 2, w: 3, h: 2 }, { compact: true }, 'users.active'),
      data: sampleSeries(now, 50, 3000, (i) => Math.round(wave(i, 18_400, 700, 30))),
    },
    {
      widget: sampleWidget('queue', 'status', 'Job queue', { x: 3, y: 2, w: 3, h: 2 }, {
        unit: 'jobs',
        thresholds: [
          { value: 0, color: 'ok', label: 'Healthy' },
          { value: 500, color: 'warning', label: 'Backlog' },
          { value: 2000, color: 'critical', label: 'Stalled' },
        ],
      }, 'jobs.depth'),
      data: sampleSeries(now, 5, 4000, (i) => 820 + i * 12),
    },
    {
      widget: sampleWidget('db', 'status', 'Primary DB', { x: 9, y: 2, w: 3, h: 2 }, {}, 'db.primary'),
      data: sampleSeries(now, 3, 5000, () => ({ status: 'critical', message: 'replication lag 41 s' })),
    },
    {
      widget: sampleWidget('services', 'table', 'Services', { x: 0, y: 4, w: 5, h: 4 }, { columns: ['service', 'region', 'rps', 'p95', 'status'] }, 'services'),
      data: {
        latest: {
          rows: [
            { service: 'api-gateway', region: 'eu-west', rps: 1840, p95: 212, status: 'ok' },
            { service: 'auth', region: 'eu-west', rps: 420, p95: 88, status: 'ok' },
            { service: 'billing', region: 'us-east', rps: 96, p95: 431, status: 'degraded' },
            { service: 'search', region: 'us-east', rps: 1210, p95: 145, status: 'ok' },
            { service: 'notifications', region: 'ap-south', rps: 233, p95: 97, status: 'ok' },
            { service: 'exports', region: 'eu-west', rps: 12, p95: 1290, status: 'slow' },
          ],
        },
        latestTs: now - 4000,
        history: [],
      },
    },
    {
      widget: sampleWidget('top-pages', 'table', 'Top pages (Smashing list)', { x: 5, y: 4, w: 3, h: 4 }, {}, 'pages.top'),
      data: {
        latest: {
          items: [
            { label: '/pricing', value: 4210 },
            { label: '/docs/getting-started', value: 3180 },
            { label: '/blog/realtime-sync', value: 2544 },
            { label: '/changelog', value: 1210 },
            { label: '/signup', value: 988 },
            { label: '/about', value: 402 },
          ],
        },
        latestTs: now - 8000,
        history: [],
      },
    },
    {
      widget: sampleWidget('notes', 'text', 'On call', { x: 8, y: 4, w: 4, h: 4 }, {
        text: '### This week\n**Primary:** Ana Lima · **Secondary:** Tom Berg\n\n- Runbook: [ops/runbooks](https://example.com)\n- Freeze from Friday 16:00\n- `pulseboard push cpu.load 0.42`\n\n<script>alert("not rendered")</script>',
      }),
      data: { latest: null, latestTs: null, history: [] },
    },
    {
      widget: sampleWidget('stale', 'stat', 'Nightly import (stale)', { x: 0, y: 8, w: 3, h: 2 }, { unit: 'rows', compact: true }, 'import.rows'),
      data: sampleSeries(now - 3 * minute, 20, 10_000, (i) => 1_200_000 + i * 4100),
    },
    {
      widget: sampleWidget('empty', 'line', 'New stream (no data yet)', { x: 3, y: 8, w: 3, h: 2 }, {}, 'checkout.conversion'),
      data: { latest: null, latestTs: null, history: [] },
    },
    {
      widget: sampleWidget('disk', 'gauge', 'Disk /var', { x: 6, y: 8, w: 3, h: 2 }, { unit: '%', decimals: 1, thresholds: [{ value: 0, color: 'green' }, { value: 80, color: 'orange' }, { value: 95, color: 'red' }] }, 'disk.var'),
      data: sampleSeries(now, 5, 30_000, (i) => 91.2 + i * 0.3),
    },
    {
      widget: sampleWidget('broken', 'stat', 'Broken widget (error boundary)', { x: 9, y: 8, w: 3, h: 2 }, {}, 'broken'),
      data: sampleSeries(now, 3, 1000, (i) => i),
    },
  ];
}
