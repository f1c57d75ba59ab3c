import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ streamMaxPoints: 50 });
});
afterAll(async () => {
  await t.stop();
});

describe('POST /api/streams/:key', () => {
  it('accepts a number and shows it as the latest value', async () => {
    const res = await t.json('POST', '/api/streams/cpu.load', { body: 42.5 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'cpu.load', offset: 1, accepted: 1, latest: 42.5 });
    const got = await t.json('GET', '/api/streams/cpu.load');
    expect(got.body).toMatchObject({ key: 'cpu.load', latest: 42.5, offset: 1 });
    expect(got.body.history).toEqual([expect.objectContaining({ value: 42.5, offset: 1 })]);
  });

  it('merges an object into the latest value, as Smashing does', async () => {
    await t.json('POST', '/api/streams/build', { body: { status: 'ok', branch: 'main' } });
    const res = await t.json('POST', '/api/streams/build', { body: { status: 'failed' } });
    expect(res.body.latest).toEqual({ status: 'failed', branch: 'main' });
  });

  it('accepts {points:[{ts, value}]} and filters history with since', async () => {
    const points = [1000, 2000, 3000].map((ts, i) => ({ ts, value: i }));
    const res = await t.json('POST', '/api/streams/series', { body: { points } });
    expect(res.body).toMatchObject({ accepted: 3, offset: 3 });
    const since = await t.json('GET', '/api/streams/series?since=2000');
    expect(since.body.history.map((p: { ts: number }) => p.ts)).toEqual([2000, 3000]);
    const bad = await t.json('GET', '/api/streams/series?since=yesterday-ish');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^since: /);
  });

  it('keeps a bounded history', async () => {
    const points = Array.from({ length: 80 }, (_, i) => ({ value: i }));
    await t.json('POST', '/api/streams/bounded', { body: { points } });
    const got = await t.json('GET', '/api/streams/bounded');
    expect(got.body.history).toHaveLength(50);
    expect(got.body.latest).toBe(79);
  });

  it('rejects wrong types with 400 naming the field', async () => {
    const str = await t.json('POST', '/api/streams/x', { body: 'forty-two' });
    expect(str.status).toBe(400);
    expect(str.body.error.message).toBe('value: must be a finite number or a JSON object, not a string');
    for (const [raw, kind] of [['[1,2]', 'an array'], ['null', 'null'], ['true', 'a boolean'], ['1e400', 'a non-finite number']]) {
      const res = await t.json('POST', '/api/streams/x', { raw: raw!, headers: { 'content-type': 'application/json' } });
      expect(res.body.error.message).toBe(`value: must be a finite number or a JSON object, not ${kind}`);
    }
    const pts = await t.json('POST', '/api/streams/x', { body: { points: [{ ts: 1, value: 'high' }] } });
    expect(pts.status).toBe(400);
    expect(pts.body.error.message).toBe('points.0.value: must be a finite number or a JSON object, not a string');
    const batch = await t.json('POST', '/api/streams', { body: { streams: { 'x.a': 1, 'x.b': 'low' } } });
    expect(batch.body.error.message).toBe('streams.x.b: must be a finite number or a JSON object, not a string');
    const keyed = await t.json('POST', '/api/streams', { body: { points: [{ key: 'x.a', value: 1 }, { key: 'x.a', value: [] }] } });
    expect(keyed.body.error.message).toBe('points.1.value: must be a finite number or a JSON object, not an array');
    expect((await t.json('GET', '/api/streams/x')).status).toBe(404);
    const key = await t.json('POST', '/api/streams/bad%20key', { body: 1 });
    expect(key.status).toBe(400);
    expect(key.body.error.message).toMatch(/^key: /);
  });

  it('refuses a point more than a day in the future, which would trim the whole history', async () => {
    await t.json('POST', '/api/streams/clock', { body: { points: [{ value: 1 }, { value: 2 }] } });
    const micros = Date.now() * 1000;
    const res = await t.json('POST', '/api/streams/clock', { body: { points: [{ ts: micros, value: 3 }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('points.0.ts: lies more than 24 hours in the future; send milliseconds since 1970 (or leave ts out for "now")');
    const batch = await t.json('POST', '/api/streams', { body: { points: [{ key: 'clock', value: 4 }, { key: 'clock', ts: micros, value: 5 }] } });
    expect(batch.status).toBe(400);
    expect(batch.body.error.message).toMatch(/^points\.1\.ts: lies more than 24 hours in the future/);
    const got = await t.json('GET', '/api/streams/clock');
    expect(got.body.history.map((p: { value: number }) => p.value)).toEqual([1, 2]);
    const soon = await t.json('POST', '/api/streams/clock', { body: { points: [{ ts: Date.now() + 60_000, value: 6 }] } });
    expect(soon.status).toBe(200);
  });

  it('answers 404 naming an unknown stream', async () => {
    const res = await t.json('GET', '/api/streams/never.pushed');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(res.body.error.message).toContain('"never.pushed"');
  });
});

describe('POST /api/streams (many streams at once)', () => {
  it('takes a map of streams to values or points', async () => {
    const res = await t.json('POST', '/api/streams', { body: { streams: { 'm.a': 1, 'm.b': { status: 'ok' }, 'm.c': { points: [{ value: 1 }, { value: 2 }] } } } });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(4);
    expect(res.body.streams.map((s: { key: string }) => s.key)).toEqual(['m.a', 'm.b', 'm.c']);
    expect((await t.json('GET', '/api/streams/m.c')).body.latest).toBe(2);
  });

  it('applies a 1,000-point batch across keys in one request', async () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ key: `batch.k${i % 10}`, ts: 1_700_000_000_000 + i, value: i }));
    const res = await t.json('POST', '/api/streams', { body: { points } });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1000);
    expect(res.body.streams).toHaveLength(10);
    const k3 = await t.json('GET', '/api/streams/batch.k3');
    expect(k3.body.offset).toBe(100);
    expect(k3.body.latest).toBe(993);
    const list = await t.json('GET', '/api/streams');
    expect(list.body.streams.filter((s: { key: string }) => s.key.startsWith('batch.'))).toHaveLength(10);
  });

  it('rejects a batch naming the bad entry, and applies none of it', async () => {
    const res = await t.json('POST', '/api/streams', { body: { points: [{ key: 'ok.one', value: 1 }, { key: 'ok.two', value: [1] }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^points\.1\.value: /);
    expect((await t.json('GET', '/api/streams/ok.one')).status).toBe(404);
    const map = await t.json('POST', '/api/streams', { body: { streams: { 'fine.key': 1, 'bad key': 2 } } });
    expect(map.status).toBe(400);
    expect(map.body.error.message).toMatch(/^streams\.bad key: /);
  });
});

describe('Smashing-compatible POST /widgets/:id', () => {
  it('pushes the body (minus auth_token) to the stream and answers 204', async () => {
    const res = await t.api('POST', '/widgets/welcome', { token: null, body: { auth_token: 'test-admin-token-0123456789', text: 'Hello', moreinfo: 'x' } });
    expect(res.status).toBe(204);
    const got = await t.json('GET', '/api/streams/welcome');
    expect(got.body.latest).toEqual({ text: 'Hello', moreinfo: 'x' });
  });

  it('answers 401 "Invalid API key" to a wrong or missing auth_token', async () => {
    const wrong = await t.api('POST', '/widgets/welcome', { token: null, body: { auth_token: 'nope', text: 'x' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('Invalid API key');
    const missing = await t.api('POST', '/widgets/welcome', { token: null, body: { text: 'x' } });
    expect(missing.status).toBe(401);
  });

  it('accepts a scoped push token for its prefix only', async () => {
    const created = await t.json('POST', '/api/tokens', { body: { name: 'smashing job', scopes: { push: ['jobs.'] } } });
    const token = created.body.token as string;
    expect((await t.api('POST', '/widgets/jobs.build', { token: null, body: { auth_token: token, value: 3 } })).status).toBe(204);
    expect((await t.api('POST', '/widgets/other', { token: null, body: { auth_token: token, value: 3 } })).status).toBe(401);
  });
});

describe('GET /api/streams (pages)', () => {
  it('pages through the streams with limit and cursor, filtered by prefix, until nextCursor is null', async () => {
    await t.json('POST', '/api/streams', { body: { streams: Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`page.k${i}`, i])) } });
    await t.json('POST', '/api/streams/pagez', { body: 1 });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/streams?prefix=page.&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.json('GET', query);
      expect(res.status).toBe(200);
      expect(res.body.streams.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.streams.map((s: { key: string }) => s.key));
      cursor = res.body.nextCursor as string | null;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `page.k${i}`));
    expect(pages).toBe(3);
    const all = await t.json('GET', '/api/streams');
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.streams.map((s: { key: string }) => s.key)).toContain('pagez');
  });

  it('refuses a bad limit, cursor or prefix with 400 naming it', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=5000', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=%25%25%25', 'cursor'],
      ['prefix=a%20b', 'prefix'],
    ]) {
      const res = await t.json('GET', `/api/streams?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(new RegExp(`^${field}`));
    }
  });
});
