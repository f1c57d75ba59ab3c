import { describe, expect, it } from 'vitest';
import { ServerFrameDecoder } from './frame-decoder.js';
import { parseServerFrame } from './parse.js';

const subscribed = (topic: string, epoch: string, id?: number) =>
  ({ type: 'subscribed', topic, epoch, offset: 3, recovered: true, ...(id === undefined ? {} : { id }) }) as const;

function decoderWithLog(): { decoder: ServerFrameDecoder; unknown: number[] } {
  const unknown: number[] = [];
  return { decoder: new ServerFrameDecoder({ onUnknownId: (id) => unknown.push(id) }), unknown };
}

describe('ServerFrameDecoder', () => {
  it('expands a topic-ids message into exactly the event messages of the same rows in the events form', () => {
    const { decoder, unknown } = decoderWithLog();
    decoder.decode(JSON.stringify([subscribed('stream:cpu', 'e1', 17), subscribed('dashboard:ops', 'd1', 18)]));
    const rows = [[100, 0.5], [101, { a: 1 }, 90], [102, null]];
    const dashboardRows = [[103, { kind: 'deleted' }]];
    const compact = decoder.decode(JSON.stringify([[17, 4, ...rows], { type: 'pong', ts: 1 }, [18, 9, ...dashboardRows]]));
    const named = parseServerFrame(
      JSON.stringify([
        { type: 'events', topic: 'stream:cpu', epoch: 'e1', offset: 4, rows },
        { type: 'pong', ts: 1 },
        { type: 'events', topic: 'dashboard:ops', epoch: 'd1', offset: 9, rows: dashboardRows },
      ]),
    );
    expect(compact).toEqual(named);
    expect(compact[1]).toEqual({ type: 'event', topic: 'stream:cpu', epoch: 'e1', offset: 5, ts: 101, data: { ts: 90, value: { a: 1 } } });
    expect(unknown).toEqual([]);
  });

  it('with ts-base, adds welcome.tsBase to every time in a compact row, and to no other message', () => {
    const { decoder } = decoderWithLog();
    const welcome = { type: 'welcome', protocol: 1, connectionId: 'c', clientId: 'x', lastMutationId: 0, heartbeatIntervalMs: 1, serverTime: 2, tsBase: 1_000_000 };
    decoder.decode(JSON.stringify([welcome, subscribed('stream:cpu', 'e1', 3)]));
    expect(decoder.decode('[[3,4,[5,0.5],[-20,1,-30]],{"type":"events","topic":"stream:cpu","epoch":"e1","offset":6,"rows":[[1000007,2]]}]')).toEqual([
      { type: 'event', topic: 'stream:cpu', epoch: 'e1', offset: 4, ts: 1_000_005, data: { ts: 1_000_005, value: 0.5 } },
      { type: 'event', topic: 'stream:cpu', epoch: 'e1', offset: 5, ts: 999_980, data: { ts: 999_970, value: 1 } },
      { type: 'event', topic: 'stream:cpu', epoch: 'e1', offset: 6, ts: 1_000_007, data: { ts: 1_000_007, value: 2 } },
    ]);
    // A welcome without it (a server that did not grant ts-base): times are as sent.
    decoder.decode(JSON.stringify({ ...welcome, tsBase: undefined }));
    expect(decoder.decode('[3,7,[5,0.5]]')).toEqual([{ type: 'event', topic: 'stream:cpu', epoch: 'e1', offset: 7, ts: 5, data: { ts: 5, value: 0.5 } }]);
  });

  it('reads a frame holding one topic-ids message (an array starting with a number) as that message', () => {
    const { decoder } = decoderWithLog();
    decoder.decode(JSON.stringify(subscribed('stream:x', 'e', 2)));
    expect(decoder.decode('[2,1,[5,2]]')).toEqual([{ type: 'event', topic: 'stream:x', epoch: 'e', offset: 1, ts: 5, data: { ts: 5, value: 2 } }]);
  });

  it('decodes frames without topic ids as parseServerFrame does', () => {
    const { decoder } = decoderWithLog();
    const frames = ['{"type":"events","topic":"stream:x","epoch":"e","offset":1,"rows":[[5,2]]}', '[{"type":"pong","ts":1}]', '{"type":"pong","ts":2}', '[]'];
    for (const frame of frames) expect(decoder.decode(frame)).toEqual(parseServerFrame(frame));
  });

  it('drops a message under an id it was never told and reports the id, keeping the rest of the frame', () => {
    const { decoder, unknown } = decoderWithLog();
    decoder.decode(JSON.stringify(subscribed('stream:cpu', 'e1', 17)));
    expect(decoder.decode('[[99,4,[100,1]],{"type":"pong","ts":1},[17,4,[100,2]]]')).toEqual([
      { type: 'pong', ts: 1 },
      { type: 'event', topic: 'stream:cpu', epoch: 'e1', offset: 4, ts: 100, data: { ts: 100, value: 2 } },
    ]);
    expect(unknown).toEqual([99]);
  });

  it('forgets a topic id at the topic\'s unsubscribed and at its next subscribed, so an old id never reaches another position', () => {
    const { decoder, unknown } = decoderWithLog();
    decoder.decode(JSON.stringify(subscribed('stream:cpu', 'e1', 17)));
    decoder.decode(JSON.stringify({ type: 'unsubscribed', topic: 'stream:cpu' }));
    expect(decoder.decode('[17,4,[100,1]]')).toEqual([]);
    // Resubscribed in a new epoch: the new id maps to the new epoch, the old one to nothing.
    decoder.decode(JSON.stringify(subscribed('stream:cpu', 'e1', 17)));
    decoder.decode(JSON.stringify(subscribed('stream:cpu', 'e2', 21)));
    expect(decoder.decode('[17,4,[100,1]]')).toEqual([]);
    expect(decoder.decode('[21,1,[100,1]]')).toEqual([{ type: 'event', topic: 'stream:cpu', epoch: 'e2', offset: 1, ts: 100, data: { ts: 100, value: 1 } }]);
    // A subscribed without an id (a server that did not grant topic-ids) leaves no id behind.
    decoder.decode(JSON.stringify(subscribed('stream:cpu', 'e2')));
    expect(decoder.decode('[21,2,[101,1]]')).toEqual([]);
    expect(unknown).toEqual([17, 17, 21]);
    expect(decoder.size).toBe(0);
  });

  it('reports a malformed compact message instead of guessing', () => {
    const { decoder, unknown } = decoderWithLog();
    decoder.decode(JSON.stringify(subscribed('stream:cpu', 'e1', 17)));
    expect(decoder.decode('[[17,"4",[100,1]],[null,1,[1,1]]]')).toEqual([]);
    expect(unknown).toEqual([17, NaN]);
  });
});
