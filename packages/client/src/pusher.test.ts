import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPulseboardError } from '@pulseboard/model';
import { Pusher, type PusherOptions } from './pusher.js';

type Sent = Array<{ key: string; ts: number; value: unknown }>;

/**
 * A scripted `POST /api/streams`: each request takes the next planned answer (a status, or
 * 'network' for a refused connection); with no plan left it answers 200. Requests resolve at
 * once unless `hold` is set, so the test controls what is in flight.
 */
function fakeServer() {
  const requests: Sent[] = [];
  const plan: Array<number | 'network'> = [];
  let held: Array<() => void> = [];
  const state = { hold: false };
  const fetch = (async (_url: string, init: RequestInit) => {
    const points = (JSON.parse(String(init.body)) as { points: Sent }).points;
    requests.push(points);
    if (state.hold) await new Promise<void>((resolve) => held.push(resolve));
    const answer = plan.shift() ?? 200;
    if (answer === 'network') throw new TypeError('fetch failed');
    const body = answer === 200 ? { accepted: points.length } : { error: { code: answer === 400 ? 'bad_request' : 'server_error', message: `status ${answer}` } };
    return new Response(JSON.stringify(body), { status: answer, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return {
    fetch,
    requests,
    plan,
    state,
    release() {
      const all = held;
      held = [];
      for (const resolve of all) resolve();
    },
    /** Every confirmed point, in the order the server took them. */
    values: () => requests.flat().map((p) => p.value),
  };
}

let server: ReturnType<typeof fakeServer>;
function pusher(options: Partial<PusherOptions> = {}): Pusher {
  return new Pusher({ url: 'http://pb.test', token: 't', fetch: server.fetch, retryMinDelayMs: 100, retryMaxDelayMs: 1_000, ...options });
}

beforeEach(() => {
  vi.useFakeTimers();
  server = fakeServer();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Pusher', () => {
  it('sends nothing until flushIntervalMs after the first point, then one batch with every waiting point', async () => {
    const p = pusher({ flushIntervalMs: 500 });
    p.push('cpu', 1, 1_000);
    p.push('mem', { used: 2 }, 1_001);
    await vi.advanceTimersByTimeAsync(499);
    expect(server.requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.requests).toEqual([
      [
        { key: 'cpu', ts: 1_000, value: 1 },
        { key: 'mem', ts: 1_001, value: { used: 2 } },
      ],
    ]);
    expect(p.stats).toMatchObject({ sent: 2, buffered: 0, inFlight: 0 });
  });

  it('sends a batch as soon as maxBatchPoints are waiting, one request at a time, in push order', async () => {
    const p = pusher({ maxBatchPoints: 3, flushIntervalMs: 60_000 });
    server.state.hold = true;
    for (let i = 1; i <= 7; i++) p.push(i % 2 ? 'odd' : 'even', i);
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests.map((r) => r.length)).toEqual([3]);
    server.state.hold = false;
    server.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests.map((r) => r.length)).toEqual([3, 3]);
    expect(p.stats.buffered).toBe(1);
    await p.flush();
    expect(server.values()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stamps a point with the time of push, so a retried point keeps its time', async () => {
    vi.setSystemTime(5_000);
    const p = pusher({ flushIntervalMs: 10 });
    server.plan.push('network');
    p.push('cpu', 1);
    vi.setSystemTime(9_000);
    const flushed = p.flush();
    await vi.advanceTimersByTimeAsync(10_000);
    await flushed;
    expect(server.requests.map((r) => r[0]!.ts)).toEqual([5_000, 5_000]);
  });

  it('retries network errors, 5xx and 429 with backoff, keeping the batch ahead of later points, until the server takes it', async () => {
    const errors: Array<{ status: number; willRetry: boolean }> = [];
    const p = pusher({ maxBatchPoints: 2, onError: (e, info) => errors.push({ status: e.status, willRetry: info.willRetry }) });
    server.plan.push('network', 503, 429);
    p.pushMany([
      { key: 'a', value: 1 },
      { key: 'a', value: 2 },
    ]);
    p.push('a', 3);
    const flushed = p.flush();
    let done = false;
    void flushed.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(done).toBe(true);
    expect(errors).toEqual([
      { status: 0, willRetry: true },
      { status: 503, willRetry: true },
      { status: 429, willRetry: true },
    ]);
    expect(server.requests.map((r) => r.map((point) => point.value))).toEqual([[1, 2], [1, 2], [1, 2], [1, 2], [3]]);
    expect(p.stats).toMatchObject({ sent: 3, retries: 3, rejected: 0, dropped: 0 });
  });

  it('drops a batch the server refuses with a 4xx, reports it, and goes on with the next one', async () => {
    const errors: string[] = [];
    const p = pusher({ maxBatchPoints: 1, onError: (e, info) => errors.push(`${e.code}:${info.points}:${info.willRetry}`) });
    server.plan.push(400);
    p.push('a', 1);
    p.push('a', 2);
    await p.flush();
    expect(errors).toEqual(['bad_request:1:false']);
    expect(p.stats).toMatchObject({ sent: 1, rejected: 1, retries: 0 });
    expect(server.values()).toEqual([1, 2]);
  });

  it('halves a batch the server finds too large (413) and sends the halves in order', async () => {
    const p = pusher({ maxBatchPoints: 4 });
    server.plan.push(413);
    p.pushMany([1, 2, 3, 4].map((value) => ({ key: 'k', value })));
    await p.flush();
    expect(server.requests.map((r) => r.map((point) => point.value))).toEqual([[1, 2, 3, 4], [1, 2], [3, 4]]);
    expect(p.stats).toMatchObject({ sent: 4, rejected: 0 });
  });

  it('gives up on a batch after maxRetries failed retries', async () => {
    const p = pusher({ maxRetries: 1 });
    server.plan.push('network', 'network');
    p.push('a', 1);
    const flushed = p.flush();
    await vi.advanceTimersByTimeAsync(10_000);
    await flushed;
    expect(server.requests).toHaveLength(2);
    expect(p.stats).toMatchObject({ sent: 0, rejected: 1, retries: 1 });
  });

  it('with drop-oldest, a full buffer evicts the oldest waiting point and counts it', async () => {
    const p = pusher({ maxBufferedPoints: 3, flushIntervalMs: 60_000, maxBatchPoints: 10 });
    for (let i = 1; i <= 5; i++) expect(p.push('k', i)).toBe(true);
    expect(p.stats).toMatchObject({ buffered: 3, dropped: 2 });
    await p.flush();
    expect(server.values()).toEqual([3, 4, 5]);
  });

  it('with drop-newest, a full buffer refuses the new point (push returns false) and counts it', async () => {
    const p = pusher({ maxBufferedPoints: 3, flushIntervalMs: 60_000, maxBatchPoints: 10, dropPolicy: 'drop-newest' });
    const accepted = p.pushMany([1, 2, 3, 4, 5].map((value) => ({ key: 'k', value })));
    expect(accepted).toBe(3);
    expect(p.stats.dropped).toBe(2);
    await p.flush();
    expect(server.values()).toEqual([1, 2, 3]);
  });

  it('resolves flush() only once the points pushed before it are confirmed, not later ones', async () => {
    const p = pusher({ maxBatchPoints: 1 });
    await p.flush();
    server.state.hold = true;
    p.push('k', 1);
    const flushed = p.flush();
    p.push('k', 2);
    let done = false;
    void flushed.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    server.state.hold = false;
    server.release();
    await flushed;
    expect(server.requests.length).toBeGreaterThanOrEqual(1);
    expect(server.requests[0]!.map((point) => point.value)).toEqual([1]);
  });

  it('throws at once on a bad key, value or ts, and after close()', async () => {
    const p = pusher();
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return isPulseboardError(error) ? `${error.code}: ${error.message}` : String(error);
      }
      return 'no error';
    };
    expect(codeOf(() => p.push('bad key', 1))).toMatch(/^bad_request: key: /);
    expect(codeOf(() => p.push('k', 'text' as never))).toMatch(/^bad_request: value/);
    expect(codeOf(() => p.push('k', 1, -5))).toMatch(/^bad_request: ts: /);
    p.push('k', 1);
    await p.close();
    expect(server.values()).toEqual([1]);
    expect(codeOf(() => p.push('k', 2))).toBe('closed: this Pusher is closed');
  });
});
