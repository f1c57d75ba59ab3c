/**
 * fast-check generators for every client WebSocket message: each type in a mostly valid
 * form with hostile values mixed in, mutated forms (a field of the wrong type, a field
 * dropped, unknown names), and frames that are not messages at all (bad JSON, non-objects,
 * binary, invalid UTF-8). `"__MID__"` in a mutate is replaced by the connection's next
 * mutationId when sent, so many mutations apply and the rest of the queue is exercised too.
 */
import fc from 'fast-check';
import { PROTOCOL_VERSION } from '@pulseboard/protocol';
import { dashboardIds, expandPlaceholders, FUZZ_DASHBOARD, mutationArgs, mutatorNames, namedMutation, pointValue, PROTOTYPE_NAMES, streamKeys, usually, weird, widgetIds } from './fuzz-values.js';

/** One frame to send: its generator kind (for the tally), the data, and whether it is binary. */
export interface FuzzFrame {
  kind: string;
  data: string | Buffer;
  binary: boolean;
}

const topics = fc.oneof(
  { weight: 4, arbitrary: dashboardIds.map((id) => `dashboard:${String(id)}`) },
  { weight: 4, arbitrary: streamKeys.map((key) => `stream:${String(key)}`) },
  { weight: 1, arbitrary: fc.constantFrom('weather:today', 'dashboard:', 'stream:', '', 'x'.repeat(300)) },
);
const since = usually(fc.record({ epoch: fc.string({ maxLength: 20 }), offset: fc.integer({ min: -1, max: 1_000 }) }));
const mutationIds = fc.oneof({ weight: 6, arbitrary: fc.constant('__MID__') }, { weight: 1, arbitrary: usually(fc.integer({ min: -1, max: 2_000 })) });

/** Every client message type, mostly well formed. */
const messages: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  hello: fc.record({ type: fc.constant('hello'), protocol: usually(fc.constant(PROTOCOL_VERSION)), token: usually(fc.string()), clientId: usually(fc.constant('fuzz-client-x')), name: usually(fc.string({ maxLength: 20 })) }, { requiredKeys: ['type'] }),
  subscribe: fc.record({ type: fc.constant('subscribe'), topic: usually(topics), since }, { requiredKeys: ['type', 'topic'] }),
  unsubscribe: fc.record({ type: fc.constant('unsubscribe'), topic: usually(topics) }),
  mutate: fc.oneof(
    // In sequence on the fuzz dashboard, so most are applied or refused by the mutator itself.
    { weight: 3, arbitrary: namedMutation.map(({ name, args }) => ({ type: 'mutate', dashboardId: FUZZ_DASHBOARD, mutationId: '__MID__', name, args })) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('mutate'), dashboardId: usually(dashboardIds), mutationId: mutationIds, name: usually(mutatorNames), args: mutationArgs }, { requiredKeys: ['type', 'dashboardId', 'mutationId', 'name'] }) },
  ),
  publish: fc.oneof(
    fc.record({ type: fc.constant('publish'), id: usually(fc.oneof(fc.string({ maxLength: 10 }), fc.nat())), stream: usually(streamKeys), value: pointValue }, { requiredKeys: ['type', 'stream'] }),
    fc.record({ type: fc.constant('publish'), stream: usually(streamKeys), points: usually(fc.array(fc.record({ ts: usually(fc.nat()), value: pointValue }, { requiredKeys: ['value'] }), { maxLength: 5 })) }),
  ),
  ping: fc.record({ type: fc.constant('ping'), ts: usually(fc.nat()) }, { requiredKeys: ['type'] }),
  pong: fc.record({ type: fc.constant('pong'), ts: usually(fc.nat()) }, { requiredKeys: ['type'] }),
  presence: fc.record({ type: fc.constant('presence'), dashboardId: usually(dashboardIds), widgetId: usually(fc.option(widgetIds)), layout: usually(fc.option(fc.record({ x: fc.nat(48), y: fc.nat(10), w: fc.nat(12), h: fc.nat(8) }))) }),
};

/** A message with one field replaced by a hostile value, one dropped, or one added. */
function mutated(kind: string, base: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<FuzzFrame> {
  return fc.tuple(base, fc.nat(), weird, fc.constantFrom('replace', 'drop', 'add', 'retype')).map(([message, pick, value, how]) => {
    const keys = Object.keys(message);
    const key = keys[pick % keys.length] as string;
    const out: Record<string, unknown> = { ...message };
    if (how === 'replace') out[key] = value;
    else if (how === 'drop') delete out[key];
    else if (how === 'add') out[`extra${pick % 3}`] = value;
    else out.type = `${String(message.type)}${pick % 2 === 0 ? 'X' : ''}`;
    return { kind: `${kind}:${how}`, data: expandPlaceholders(out), binary: false };
  });
}

const notMessages: fc.Arbitrary<FuzzFrame> = fc.oneof(
  fc.constantFrom('{"type": "ping",', 'not json', '', '[]', '[1,2,3]', 'null', '42', '"hello"', '{}', '{"type":42}', '{"type":null}').map((data) => ({ kind: 'garbage:json', data, binary: false })),
  fc.constantFrom(...PROTOTYPE_NAMES, 'teleport', 'HELLO', '').map((type) => ({ kind: 'garbage:type', data: JSON.stringify({ type }), binary: false })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'garbage:binary', data: Buffer.from(bytes), binary: true })),
  fc.constant({ kind: 'garbage:utf8', data: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), binary: false }),
);

/** Any frame a client might send after `hello`: valid messages, mutated ones, and garbage. */
export const anyFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  ...Object.entries(messages).map(([kind, arb]) => ({ weight: kind === 'mutate' || kind === 'publish' ? 6 : 2, arbitrary: arb.map((m) => ({ kind, data: expandPlaceholders(m), binary: false })) })),
  ...Object.entries(messages).map(([kind, arb]) => ({ weight: 1, arbitrary: mutated(kind, arb) })),
  { weight: 1, arbitrary: notMessages },
);

/** Replaces `"__MID__"` with a connection's next mutationId. */
export function withMutationId(text: string, next: () => number): string {
  return text.includes('"__MID__"') ? text.replace('"__MID__"', String(next())) : text;
}
