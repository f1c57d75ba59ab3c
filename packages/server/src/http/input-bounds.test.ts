import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard, dashboardContentBytes, MAX_DASHBOARD_BYTES } from '@pulseboard/model';
import { startTestServer, type TestServer } from './test-server.js';

/** JSON text of an object nested `levels` deep: {"a":{"a":…1…}}. */
const deepText = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const widget = (id: string, y: number, options: Record<string, unknown> = {}) => ({ id, type: 'text', title: id, layout: { x: 0, y, w: 3, h: 2 }, options });

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.json('POST', '/api/dashboards', { body: { id: 'ops', title: 'Ops' } });
});
afterAll(async () => {
  await t.stop();
});

describe('free-form JSON at the HTTP edge', () => {
  it.each([
    ['POST /api/streams/:key (value)', 'POST', '/api/streams/deep.one', (d: string) => d, 'value.a.a'],
    ['POST /api/streams/:key (points)', 'POST', '/api/streams/deep.two', (d: string) => `{"points":[{"value":${d}}]}`, 'points.0.value.a'],
    ['POST /api/streams (map)', 'POST', '/api/streams', (d: string) => `{"streams":{"deep.three":${d}}}`, 'streams.deep.three.a'],
    ['POST /widgets/:id (Smashing)', 'POST', '/widgets/deep.four', (d: string) => `{"auth_token":"test-admin-token-0123456789","x":${d}}`, 'body.x.a'],
    ['POST /api/dashboards', 'POST', '/api/dashboards', (d: string) => `{"id":"deep","title":"D","widgets":{"w":${JSON.stringify(widget('w', 0)).replace('"options":{}', `"options":{"x":${d}}`)}}}`, 'widgets.w.options.x.a'],
    ['PUT /api/dashboards/:id', 'PUT', '/api/dashboards/ops', (d: string) => `{"title":"D","widgets":{"w":${JSON.stringify(widget('w', 0)).replace('"options":{}', `"options":{"x":${d}}`)}}}`, 'widgets.w.options.x.a'],
  ])('%s: a value nested 5,000 levels deep is a 400 naming the field, and nothing is stored', async (_name, method, route, body, field) => {
    const res = await t.json(method, route, { raw: body(deepText(5_000)), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toContain(`${field}`);
    expect(res.body.error.message).toContain('nested deeper than 64 levels');
  });

  it('refuses an import whose options nest too deep, naming the field', async () => {
    const file = `{"format":"pulseboard-dashboard","formatVersion":1,"exportedAt":"x","dashboard":{"id":"deep-import","title":"D","columns":12,"widgets":{"w":${JSON.stringify(widget('w', 0)).replace('"options":{}', `"options":{"x":${deepText(5_000)}}`)}}}}`;
    const res = await t.json('POST', '/api/dashboards/import', { raw: file, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_import' });
    expect(res.body.error.message).toContain('dashboard.widgets.w.options.x.a');
  });

  it('records a mutation whose args nest too deep as rejected invalid_args, so the next one applies', async () => {
    const raw = `{"clientId":"deep-client-1","mutations":[{"mutationId":1,"name":"addWidget","args":{"widget":{"id":"w","type":"text","options":{"x":${deepText(5_000)}}}}},{"mutationId":2,"name":"addWidget","args":{"widget":{"id":"w2","type":"stat"}}}]}`;
    const res = await t.json('POST', '/api/dashboards/ops/mutations', { raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.body.lastMutationId).toBe(2);
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', error: { code: 'invalid_args' } });
    expect(res.body.results[0].error.message).toContain('args.widget.options.x.a');
    expect(res.body.results[1]).toMatchObject({ status: 'applied' });
  });

  it.each(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'])('records the inherited mutator name %s as rejected unknown_mutator', async (name) => {
    const clientId = `proto-client-${name.replace(/_/g, 'u')}`;
    const res = await t.json('POST', '/api/dashboards/ops/mutations', {
      body: { clientId, mutations: [{ mutationId: 1, name, args: {} }, { mutationId: 2, name: 'setDashboardMeta', args: { set: {} } }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'applied']);
    expect(res.body.results[0].error.code).toBe('unknown_mutator');
  });
});

describe('dashboard size', () => {
  it('refuses a dashboard over the size cap with a 400 naming it', async () => {
    const widgets: Record<string, unknown> = {};
    for (let i = 0; i < 9; i++) widgets[`w${i}`] = widget(`w${i}`, i * 2, { t: 'x'.repeat(60_000) });
    const res = await t.json('POST', '/api/dashboards', { body: { id: 'huge', title: 'Huge', widgets } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^dashboard: the dashboard would be \d+ bytes as JSON; at most 524288/);
  });

  it('exports a dashboard filled to the cap by mutations, and that export imports again (also under a small body limit)', async () => {
    const small = await startTestServer({ bodyLimitBytes: 64 * 1024 });
    try {
      await small.json('POST', '/api/dashboards', { body: { id: 'full', title: 'Full' } });
      const big = 'x'.repeat(60_000);
      // Each mutation must fit in the 64 KiB body: one per request.
      let refused = false;
      for (let i = 0; i < 12 && !refused; i++) {
        const res = await small.json('POST', '/api/dashboards/full/mutations', {
          body: { clientId: 'filler-client', mutations: [{ mutationId: i + 1, name: 'addWidget', args: { widget: { id: `w${i}`, type: 'text', options: { t: big } } } }] },
        });
        expect(res.status).toBe(200);
        if (res.body.results[0].status === 'rejected') {
          expect(res.body.results[0].error.code).toBe('dashboard_too_large');
          refused = true;
        }
      }
      expect(refused).toBe(true);
      const stored = await small.server.sync.storage.getDashboard('full');
      expect(dashboardContentBytes(stored!)).toBeGreaterThan(MAX_DASHBOARD_BYTES - 70_000);

      const exported = await small.api('GET', '/api/dashboards/full/export');
      const text = await exported.text();
      expect(text.length).toBeGreaterThan(64 * 1024);
      const imported = await small.json('POST', '/api/dashboards/import?overwrite=1', { raw: text, headers: { 'content-type': 'application/json' } });
      expect(imported.status).toBe(200);
      expect(imported.body.widgets).toEqual(stored!.widgets);
      // Elsewhere the small limit still holds.
      const tooBig = await small.json('PUT', '/api/dashboards/full', { raw: text, headers: { 'content-type': 'application/json' } });
      expect(tooBig.status).toBe(413);
    } finally {
      await small.stop();
    }
  });
});

describe('listings with a document SQLite cannot read', () => {
  it('GET /api/dashboards and /api/sync/status still answer 200, listing it', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000; i++) deep = { a: deep };
    const doc = createDashboard({ id: 'stored-deep', title: 'Stored deep', now: new Date().toISOString() });
    doc.widgets = { w: { ...widget('w', 0), type: 'text', options: { deep } } };
    await t.server.sync.storage.createDashboard(doc);

    const list = await t.json('GET', '/api/dashboards');
    expect(list.status).toBe(200);
    expect(list.body.dashboards).toContainEqual(expect.objectContaining({ id: 'stored-deep', title: 'Stored deep', widgetCount: 1 }));
    expect(list.body.dashboards).toContainEqual(expect.objectContaining({ id: 'ops' }));
    const status = await t.json('GET', '/api/sync/status');
    expect(status.status).toBe(200);
    expect(status.body.topics).toContainEqual(expect.objectContaining({ topic: 'dashboard:stored-deep' }));
    const got = await t.json('GET', '/api/dashboards/stored-deep');
    expect(got.status).toBe(200);
  });
});
