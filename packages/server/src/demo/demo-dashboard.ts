import { createDashboard, type Dashboard, type Widget } from '@pulseboard/model';

/** Id of the dashboard seeded on first start. */
export const DEMO_DASHBOARD_ID = 'demo';

/** Streams the demo feed writes (all under `demo.`). */
export const DEMO_STREAMS = {
  cpu: 'demo.cpu.load',
  requests: 'demo.requests.rate',
  latency: 'demo.latency.p95',
  users: 'demo.users.active',
  status: 'demo.api.status',
  pages: 'demo.pages.top',
  errors: 'demo.errors.rate',
} as const;

const GOOD = '#22c55e';
const WARN = '#f59e0b';
const BAD = '#ef4444';

const INTRO = `### Welcome to Pulseboard

Every tile here is fed live by the built-in demo feed, once a second.

- Push your own data: \`pulseboard push my.metric 42\`
- Or over HTTP: \`POST /api/streams/my.metric\`
- Drag and resize tiles: everyone watching sees it at once.

Start with \`--no-demo\` to turn this off.`;

function widget(id: string, type: Widget['type'], title: string, layout: Widget['layout'], stream: string | undefined, options: Widget['options']): Widget {
  return { id, type, title, layout, ...(stream === undefined ? {} : { stream }), options };
}

/** The "Demo" dashboard: one widget of every type, laid out on a 12-column grid. */
export function demoDashboard(now: string): Dashboard {
  const doc = createDashboard({ id: DEMO_DASHBOARD_ID, title: 'Demo', description: 'Live data from the built-in demo feed', now });
  const widgets: Widget[] = [
    widget('cpu', 'stat', 'CPU load', { x: 0, y: 0, w: 3, h: 2 }, DEMO_STREAMS.cpu, {
      unit: '%',
      decimals: 1,
      invertChange: true,
      thresholds: [
        { value: 0, color: GOOD, label: 'normal' },
        { value: 70, color: WARN, label: 'busy' },
        { value: 90, color: BAD, label: 'overloaded' },
      ],
    }),
    widget('requests', 'line', 'Requests per second', { x: 3, y: 0, w: 6, h: 4 }, DEMO_STREAMS.requests, { unit: 'req/s', decimals: 0, min: 0 }),
    widget('latency', 'gauge', 'Latency p95', { x: 9, y: 0, w: 3, h: 4 }, DEMO_STREAMS.latency, {
      unit: 'ms',
      decimals: 0,
      min: 0,
      max: 500,
      thresholds: [
        { value: 0, color: GOOD, label: 'fast' },
        { value: 200, color: WARN, label: 'slow' },
        { value: 350, color: BAD, label: 'too slow' },
      ],
    }),
    widget('users', 'stat', 'Active users', { x: 0, y: 2, w: 3, h: 2 }, DEMO_STREAMS.users, { decimals: 0 }),
    widget('status', 'status', 'API status', { x: 0, y: 4, w: 3, h: 2 }, DEMO_STREAMS.status, {}),
    widget('pages', 'table', 'Top pages', { x: 3, y: 4, w: 6, h: 4 }, DEMO_STREAMS.pages, { columns: ['page', 'views', 'avgSeconds'] }),
    widget('intro', 'text', 'About this dashboard', { x: 9, y: 4, w: 3, h: 4 }, undefined, { text: INTRO }),
    widget('errors', 'line', 'Errors per second', { x: 0, y: 6, w: 3, h: 2 }, DEMO_STREAMS.errors, {
      unit: 'err/s',
      decimals: 2,
      min: 0,
      thresholds: [
        { value: 0, color: GOOD },
        { value: 1, color: BAD, label: 'elevated' },
      ],
    }),
  ];
  doc.widgets = Object.fromEntries(widgets.map((w) => [w.id, w]));
  return doc;
}
