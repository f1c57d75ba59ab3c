import { describe, expect, it } from 'vitest';
import { ErrorCode } from './codes.js';
import { encodeServerFrame, parseClientMessage, parseServerFrame } from './parse.js';

describe('parseClientMessage', () => {
  it('accepts a valid hello', () => {
    const out = parseClientMessage({ type: 'hello', protocol: 1, clientId: 'client-123', token: 't' });
    expect(out).toEqual({ ok: true, message: { type: 'hello', protocol: 1, clientId: 'client-123', token: 't' } });
  });

  it('names an unknown type', () => {
    const out = parseClientMessage({ type: 'explode' });
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.code).toBe(ErrorCode.UNKNOWN_TYPE);
      expect(out.error).toContain('explode');
    }
  });

  it('names the field with the wrong type', () => {
    const out = parseClientMessage({ type: 'subscribe', topic: 'stream:cpu', since: { epoch: 'e', offset: 'three' } });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error).toContain('since.offset');
  });

  it('rejects a publish with both value and points', () => {
    const out = parseClientMessage({ type: 'publish', stream: 'cpu', value: 1, points: [{ value: 2 }] });
    expect(out.ok).toBe(false);
  });

  it('rejects non-objects and inherited type names', () => {
    expect(parseClientMessage([1, 2]).ok).toBe(false);
    expect(parseClientMessage({ type: 'toString' }).ok).toBe(false);
    expect(parseClientMessage(null).ok).toBe(false);
  });
});

describe('server frames', () => {
  it('batch several messages into one array frame and parse either form', () => {
    const frame = encodeServerFrame([JSON.stringify({ type: 'pong', ts: 1 }), JSON.stringify({ type: 'pong', ts: 2 })]);
    expect(parseServerFrame(frame)).toEqual([
      { type: 'pong', ts: 1 },
      { type: 'pong', ts: 2 },
    ]);
    expect(parseServerFrame(encodeServerFrame([{ type: 'pong', ts: 3 }]))).toEqual([{ type: 'pong', ts: 3 }]);
  });
});

describe('parseServerFrame with event-rows', () => {
  it('expands events messages into event messages, in frame order, keeping a point ts that differs', () => {
    const frame = JSON.stringify([
      { type: 'events', topic: 'stream:cpu', epoch: 'e', offset: 4, rows: [[100, 0.5], [101, { a: 1 }, 90]] },
      { type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'applied', offset: 3 },
      { type: 'events', topic: 'dashboard:ops', epoch: 'd', offset: 3, rows: [[102, { kind: 'deleted' }]] },
    ]);
    expect(parseServerFrame(frame)).toEqual([
      { type: 'event', topic: 'stream:cpu', epoch: 'e', offset: 4, ts: 100, data: { ts: 100, value: 0.5 } },
      { type: 'event', topic: 'stream:cpu', epoch: 'e', offset: 5, ts: 101, data: { ts: 90, value: { a: 1 } } },
      { type: 'ack', dashboardId: 'ops', mutationId: 1, status: 'applied', offset: 3 },
      { type: 'event', topic: 'dashboard:ops', epoch: 'd', offset: 3, ts: 102, data: { kind: 'deleted' } },
    ]);
  });

  it('puts back the defaults a dashboard row leaves out, and keeps what it carries', () => {
    const slim = { kind: 'mutation', clientId: 'c', mutationId: 2, name: 'moveWidget', touched: ['w:a:layout'], patch: { layouts: { a: { x: 1, y: 0, w: 2, h: 2 } } } };
    const conflict = { kind: 'mutation', clientId: 'c', mutationId: 3, name: 'updateWidget', args: { id: 'a' }, status: 'conflict', touched: [], conflicts: [{ field: 'w:a:title' }] };
    const [first, second] = parseServerFrame(JSON.stringify({ type: 'events', topic: 'dashboard:ops', epoch: 'd', offset: 7, rows: [[1, slim], [2, conflict]] }));
    expect(first).toEqual({ type: 'event', topic: 'dashboard:ops', epoch: 'd', offset: 7, ts: 1, data: { ...slim, status: 'applied', conflicts: [] } });
    expect(second).toEqual({ type: 'event', topic: 'dashboard:ops', epoch: 'd', offset: 8, ts: 2, data: conflict });
  });

  it('expands a lone events message and leaves frames without one as they are', () => {
    expect(parseServerFrame('{"type":"events","topic":"stream:x","epoch":"e","offset":1,"rows":[[5,2]]}')).toEqual([
      { type: 'event', topic: 'stream:x', epoch: 'e', offset: 1, ts: 5, data: { ts: 5, value: 2 } },
    ]);
    expect(parseServerFrame('[{"type":"pong","ts":1}]')).toEqual([{ type: 'pong', ts: 1 }]);
  });
});
