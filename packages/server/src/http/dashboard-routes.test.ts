import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_FORMAT, EXPORT_VERSION } from '@pulseboard/model';
import { parseEtagHeader } from './dashboard-routes.js';
import { startTestServer, type TestServer } from './test-server.js';

const widget = (id: string, x: number, y: number) => ({ id, type: 'stat', title: id, layout: { x, y, w: 3, h: 2 }, stream: `s.${id}`, options: { unit: '%' } });

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

describe('dashboards over HTTP', () => {
  it('creates a dashboard, lists it and gets it with its version as ETag', async () => {
    const created = await t.json('POST', '/api/dashboards', { body: { id: 'ops', title: 'Ops', widgets: { a: widget('a', 0, 0) } } });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"0"');
    expect(created.body).toMatchObject({ id: 'ops', title: 'Ops', version: 0, columns: 12 });

    const list = await t.json('GET', '/api/dashboards');
    expect(list.status).toBe(200);
    expect(list.body.dashboards).toContainEqual(expect.objectContaining({ id: 'ops', title: 'Ops', widgetCount: 1 }));

    const got = await t.json('GET', '/api/dashboards/ops');
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"0"');
    expect(got.body.widgets.a.options).toEqual({ unit: '%' });
  });

  it('answers 304 to If-None-Match with the current version and 200 once it changed', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'cache', title: 'Cache' } });
    const fresh = await t.api('GET', '/api/dashboards/cache', { headers: { 'if-none-match': '"0"' } });
    expect(fresh.status).toBe(304);
    expect(fresh.headers.get('etag')).toBe('"0"');
    await t.json('PUT', '/api/dashboards/cache', { body: { title: 'Cache 2' } });
    const stale = await t.json('GET', '/api/dashboards/cache', { headers: { 'if-none-match': '"0"' } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('etag')).toBe('"1"');
    expect(stale.body.title).toBe('Cache 2');
  });

  it('replaces with a matching If-Match and refuses a stale one with 412 version_mismatch', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'put', title: 'Put' } });
    const ok = await t.json('PUT', '/api/dashboards/put', { body: { title: 'Put v1', widgets: { w: widget('w', 0, 0) } }, headers: { 'if-match': '"0"' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ title: 'Put v1', version: 1 });
    expect(ok.headers.get('etag')).toBe('"1"');

    const stale = await t.json('PUT', '/api/dashboards/put', { body: { title: 'Lost' }, headers: { 'if-match': '"0"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('version_mismatch');
    expect((await t.json('GET', '/api/dashboards/put')).body.title).toBe('Put v1');
  });

  it('refuses a PUT whose widgets overlap, naming the problem', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'overlap', title: 'Overlap' } });
    const res = await t.json('PUT', '/api/dashboards/overlap', { body: { title: 'x', widgets: { a: widget('a', 0, 0), b: widget('b', 1, 1) } } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('widgets.a.layout: overlaps widget "b"');
    const outside = await t.json('PUT', '/api/dashboards/overlap', { body: { title: 'x', widgets: { c: widget('c', 10, 0) } } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toBe('widgets.c.layout: x 10 + w 3 lies outside the grid of 12 columns');
  });

  it('refuses a widget keyed __proto__ by name instead of dropping it', async () => {
    const raw = '{"id":"proto","title":"P","widgets":{"__proto__":{"id":"__proto__","type":"stat","title":"x","layout":{"x":0,"y":0,"w":1,"h":1},"options":{}}}}';
    const created = await t.json('POST', '/api/dashboards', { raw, headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toBe('widgets.__proto__: "__proto__" cannot be a widget id');
    expect((await t.json('GET', '/api/dashboards/proto')).status).toBe(404);
    await t.json('POST', '/api/dashboards', { body: { id: 'proto', title: 'P' } });
    const replaced = await t.json('PUT', '/api/dashboards/proto', { raw: raw.replace('"id":"proto",', ''), headers: { 'content-type': 'application/json' } });
    expect(replaced.status).toBe(400);
    expect((await t.json('GET', '/api/dashboards/proto')).body.version).toBe(0);
  });

  it('deletes a dashboard; a second delete and a get are 404 naming it', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'gone', title: 'Gone' } });
    expect((await t.api('DELETE', '/api/dashboards/gone')).status).toBe(204);
    const again = await t.json('DELETE', '/api/dashboards/gone');
    expect(again.status).toBe(404);
    expect(again.body.error).toEqual({ code: 'not_found', message: 'dashboard "gone" does not exist' });
    expect((await t.json('GET', '/api/dashboards/gone')).status).toBe(404);
  });

  it('refuses to create a dashboard twice (409) or with a bad id (400 naming the field)', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'twice', title: 'Twice' } });
    const dup = await t.json('POST', '/api/dashboards', { body: { id: 'twice', title: 'Twice' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('already_exists');
    const bad = await t.json('POST', '/api/dashboards', { body: { id: 'Not A Slug', title: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^id: /);
    const wrongType = await t.json('POST', '/api/dashboards', { body: { id: 'typed', title: 42 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/^title: /);
  });
});

describe('export and import', () => {
  it('exports a versioned file as an attachment and imports it back under a new id', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'exp', title: 'Export me', widgets: { a: widget('a', 0, 0), b: widget('b', 3, 0) } } });
    const res = await t.api('GET', '/api/dashboards/exp/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="exp.pulseboard.json"');
    const file = (await res.json()) as { format: string; formatVersion: number; dashboard: { id: string; widgets: object } };
    expect(file).toMatchObject({ format: EXPORT_FORMAT, formatVersion: EXPORT_VERSION, dashboard: { id: 'exp', title: 'Export me' } });

    const conflict = await t.json('POST', '/api/dashboards/import', { body: file });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('already_exists');

    file.dashboard.id = 'exp-copy';
    const imported = await t.json('POST', '/api/dashboards/import', { body: file });
    expect(imported.status).toBe(201);
    const copy = (await t.json('GET', '/api/dashboards/exp-copy')).body;
    const original = (await t.json('GET', '/api/dashboards/exp')).body;
    expect(copy.widgets).toEqual(original.widgets);
    expect(copy.title).toBe('Export me');
  });

  it('overwrites an existing dashboard on import with ?overwrite=1', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'ow', title: 'Before' } });
    const file = (await t.json('GET', '/api/dashboards/ow/export')).body;
    file.dashboard.title = 'After';
    const res = await t.json('POST', '/api/dashboards/import?overwrite=1', { body: file });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'ow', title: 'After', version: 1 });
  });

  it('rejects a bad export file with 400 naming the first problem', async () => {
    const wrongFormat = await t.json('POST', '/api/dashboards/import', { body: { format: 'grafana', formatVersion: 1, exportedAt: 'x', dashboard: {} } });
    expect(wrongFormat.status).toBe(400);
    expect(wrongFormat.body.error.code).toBe('invalid_import');
    expect(wrongFormat.body.error.message).toMatch(/format/);

    const file = { format: EXPORT_FORMAT, formatVersion: EXPORT_VERSION, exportedAt: 'now', dashboard: { id: 'bad', title: 'Bad', columns: 12, widgets: { a: { ...widget('a', 0, 0), type: 'pie' } } } };
    const badWidget = await t.json('POST', '/api/dashboards/import', { body: file });
    expect(badWidget.status).toBe(400);
    expect(badWidget.body.error.message).toContain('dashboard.widgets.a.type');
  });
});

describe('batch mutations (the HTTP fallback of the socket)', () => {
  it('applies mutations in order exactly once and answers duplicates with the stored result', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'mut', title: 'Mutations' } });
    const clientId = 'client-http-1';
    const body = {
      clientId,
      mutations: [
        { mutationId: 1, name: 'addWidget', args: { widget: { id: 'w1', type: 'stat', title: 'One' } } },
        { mutationId: 2, name: 'moveWidget', args: { id: 'w1', x: 4, y: 0 } },
        { mutationId: 3, name: 'noSuchMutator', args: {} },
      ],
    };
    const first = await t.json('POST', '/api/dashboards/mut/mutations', { body });
    expect(first.status).toBe(200);
    expect(first.body.lastMutationId).toBe(3);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'rejected']);
    expect(first.body.results[2].error.code).toBe('unknown_mutator');

    const again = await t.json('POST', '/api/dashboards/mut/mutations', { body });
    expect(again.body.results.every((r: { duplicate: boolean }) => r.duplicate)).toBe(true);
    const doc = (await t.json('GET', '/api/dashboards/mut')).body;
    expect(doc.version).toBe(2);
    expect(doc.widgets.w1.layout.x).toBe(4);

    const gap = await t.json('POST', '/api/dashboards/mut/mutations', { body: { clientId, mutations: [{ mutationId: 9, name: 'moveWidget', args: { id: 'w1', x: 0, y: 0 } }] } });
    expect(gap.body.results[0].error).toMatchObject({ code: 'out_of_order', details: { expected: 4 } });
    expect(gap.body.lastMutationId).toBe(3);

    const status = await t.json('GET', `/api/sync/status?clientId=${clientId}`);
    expect(status.body.lastMutationId).toBe(3);
  });
});

describe('GET /api/dashboards/:id/live', () => {
  it("answers the dashboard and, in the same request, each pushed stream its widgets show as GET /api/streams/:key would", async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'live', title: 'Live', widgets: { a: widget('a', 0, 0), b: widget('b', 3, 0), c: { ...widget('c', 6, 0), stream: 's.a' } } } });
    await t.json('POST', '/api/streams/s.a', { body: { points: [{ value: 1 }, { value: { cpu: 2 } }] } });
    await t.json('POST', '/api/streams/s.other', { body: { points: [{ value: 9 }] } });
    const live = await t.json('GET', '/api/dashboards/live/live');
    expect(live.status).toBe(200);
    expect(live.body.dashboard).toEqual((await t.json('GET', '/api/dashboards/live')).body);
    expect(live.body.epoch).toEqual(expect.any(String));
    // s.b has nothing pushed (left out); s.other is no widget's.
    expect(Object.keys(live.body.streams)).toEqual(['s.a']);
    expect(live.body.streams['s.a']).toEqual((await t.json('GET', '/api/streams/s.a')).body);
    expect(live.body.streams['s.a']).toMatchObject({ key: 's.a', offset: 2, latest: { cpu: 2 } });
  });

  it('answers 404 for a missing dashboard and 403 to a token that may not view it', async () => {
    const missing = await t.json('GET', '/api/dashboards/nothing-here/live');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('dashboard "nothing-here" does not exist');
    await t.json('POST', '/api/dashboards', { body: { id: 'live-shared', title: 'Shared', widgets: { a: widget('a', 0, 0) } } });
    await t.json('POST', '/api/dashboards', { body: { id: 'live-private', title: 'Private', widgets: { a: widget('a', 0, 0) } } });
    const token = (await t.json('POST', '/api/dashboards/live-shared/share', { body: { expiresIn: '1h' } })).body.token as string;
    expect((await t.json('GET', '/api/dashboards/live-shared/live', { token })).status).toBe(200);
    expect((await t.json('GET', '/api/dashboards/live-private/live', { token })).status).toBe(403);
  });
});

describe('share links', () => {
  it('creates a view-only expiring token whose URL opens the dashboard and nothing else', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'shared', title: 'Shared' } });
    await t.json('POST', '/api/dashboards', { body: { id: 'private', title: 'Private' } });
    const share = await t.json('POST', '/api/dashboards/shared/share', { body: { expiresIn: '1h' } });
    expect(share.status).toBe(201);
    expect(share.body.url).toBe(`${t.server.url}/#/d/shared?token=${share.body.token}`);
    expect(share.body.expiresAt).toBeGreaterThan(Date.now() + 59 * 60_000);
    const token = share.body.token as string;
    expect((await t.json('GET', '/api/dashboards/shared', { token })).status).toBe(200);
    expect((await t.json('GET', '/api/dashboards/private', { token })).status).toBe(403);
    expect((await t.json('PUT', '/api/dashboards/shared', { token, body: { title: 'x' } })).status).toBe(403);
    const list = await t.json('GET', '/api/dashboards', { token });
    expect(list.body.dashboards.map((d: { id: string }) => d.id)).toEqual(['shared']);
  });
});

describe('parseEtagHeader', () => {
  it('reads quoted, weak, bare and listed versions, and * as any', () => {
    expect(parseEtagHeader('"3"')).toEqual([3]);
    expect(parseEtagHeader('W/"4", "5"')).toEqual([4, 5]);
    expect(parseEtagHeader('6')).toEqual([6]);
    expect(parseEtagHeader('*')).toBe('any');
    expect(() => parseEtagHeader('"abc"')).toThrow(/^If-Match: "abc" is not a dashboard version/);
    expect(() => parseEtagHeader('"abc"', 'If-None-Match')).toThrow(/^If-None-Match: /);
    expect(parseEtagHeader('"abc", "7"', 'If-None-Match', true)).toEqual([7]);
  });

  it('answers 200 to an If-None-Match from elsewhere and 400 naming If-Match for a malformed one', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'etags', title: 'Etags' } });
    const foreign = await t.json('GET', '/api/dashboards/etags', { headers: { 'if-none-match': '"33a7-abc"' } });
    expect(foreign.status).toBe(200);
    expect(foreign.body.id).toBe('etags');
    const bad = await t.json('PUT', '/api/dashboards/etags', { body: { title: 'x' }, headers: { 'if-match': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('If-Match: "yesterday" is not a dashboard version ETag such as "3"');
    expect((await t.json('GET', '/api/dashboards/etags')).body.title).toBe('Etags');
  });
});

describe('creating, duplicating and dashboard history over HTTP', () => {
  it('derives a unique slug from the title when POST /api/dashboards has no id', async () => {
    const first = await t.json('POST', '/api/dashboards', { body: { title: 'Sales – Q4 (EU)' } });
    expect(first.status).toBe(201);
    expect(first.body.id).toBe('sales-q4-eu');
    expect(first.headers.get('location')).toBe('/api/dashboards/sales-q4-eu');
    const second = await t.json('POST', '/api/dashboards', { body: { title: 'Sales – Q4 (EU)' } });
    expect(second.body.id).toBe('sales-q4-eu-2');
  });

  it('duplicates a dashboard with its widgets under a new id', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'dup-src', title: 'Source', columns: 6, widgets: { a: widget('a', 0, 0) } } });
    const copy = await t.json('POST', '/api/dashboards/dup-src/duplicate');
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ id: 'copy-of-source', title: 'Copy of Source', columns: 6, version: 0 });
    expect(copy.body.widgets).toEqual((await t.json('GET', '/api/dashboards/dup-src')).body.widgets);
    const named = await t.json('POST', '/api/dashboards/dup-src/duplicate', { body: { id: 'dup-named', title: 'Named' } });
    expect(named.body).toMatchObject({ id: 'dup-named', title: 'Named' });
    expect((await t.json('POST', '/api/dashboards/nope/duplicate')).status).toBe(404);
    const bad = await t.json('POST', '/api/dashboards/dup-src/duplicate', { body: { id: 'Not A Slug' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('id');
  });

  it('imports an export file as a copy under a new id', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'copy-src', title: 'Copied Over', widgets: { a: widget('a', 0, 0) } } });
    const file = (await t.json('GET', '/api/dashboards/copy-src/export')).body;
    const copy = await t.json('POST', '/api/dashboards/import?copy=1', { body: file });
    expect(copy.status).toBe(201);
    expect(copy.body.id).toBe('copied-over');
    expect(copy.body.widgets).toEqual(file.dashboard.widgets);
  });

  it('lists versions with who and what, returns one version and restores it as a new version', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'hist', title: 'History' } });
    const mutate = (mutationId: number, name: string, args: unknown) =>
      t.json('POST', '/api/dashboards/hist/mutations', { body: { clientId: 'history-client-1', name: 'Alice', mutations: [{ mutationId, name, args }] } });
    await mutate(1, 'addWidget', { widget: { id: 'cpu', type: 'stat', title: 'CPU' } });
    await mutate(2, 'setDashboardMeta', { set: { title: 'Renamed' } });
    const list = await t.json('GET', '/api/dashboards/hist/versions');
    expect(list.status).toBe(200);
    expect(list.body.versions.map((v: { version: number; actor: string | null; summary: string }) => [v.version, v.actor, v.summary])).toEqual([
      [2, 'Alice', 'renamed the dashboard to “Renamed”'],
      [1, 'Alice', 'added “CPU”'],
      [0, null, 'created the dashboard'],
    ]);
    expect((await t.json('GET', '/api/dashboards/hist/versions?limit=1&before=2')).body.versions.map((v: { version: number }) => v.version)).toEqual([1]);
    const v1 = await t.json('GET', '/api/dashboards/hist/versions/1');
    expect(v1.body).toMatchObject({ version: 1, actor: 'Alice', doc: { title: 'History', version: 1 } });
    const restored = await t.json('POST', '/api/dashboards/hist/versions/1/restore');
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ title: 'History', version: 3 });
    expect(restored.headers.get('etag')).toBe('"3"');
    expect((await t.json('GET', '/api/dashboards/hist/versions?limit=1')).body.versions[0]).toMatchObject({ version: 3, summary: 'restored version 1' });
    expect((await t.json('GET', '/api/dashboards/hist/versions/99')).body.error.code).toBe('version_not_found');
    const bad = await t.json('GET', '/api/dashboards/hist/versions/minus-one');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('version');
  });
});
