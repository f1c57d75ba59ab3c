import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, type AckMessage, type ErrorMessage, type ServerMessage } from '@pulseboard/protocol';
import { startHarness, type Harness } from './gateway-test-harness.js';

const isError = (code: string) => (m: ServerMessage) => m.type === 'error' && m.code === code;
const isAck = (mutationId: number) => (m: ServerMessage) => m.type === 'ack' && m.mutationId === mutationId;
/** JSON text of an object nested `levels` deep: {"a":{"a":…1…}}. */
const deepText = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

describe('WebSocket gateway: bad input never crashes and never corrupts', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('answers malformed JSON with bad_json and keeps the connection', async () => {
    h = await startHarness();
    const client = await h.client();
    client.sendRaw('{"type": "ping",');
    await client.waitFor(isError('bad_json'));
    client.send({ type: 'ping', ts: 1 });
    await client.waitFor((m) => m.type === 'pong');
  });

  it('answers an unknown message type with unknown_type naming it', async () => {
    h = await startHarness();
    const client = await h.client();
    client.send({ type: 'teleport', where: 'mars' });
    const error = await client.waitFor<ErrorMessage>(isError('unknown_type'));
    expect(error.message).toContain('teleport');
    expect(error.ref).toEqual({ type: 'teleport' });
  });

  it('answers wrong field types with bad_message naming the field', async () => {
    h = await startHarness();
    const client = await h.client();
    client.send({ type: 'mutate', dashboardId: 'ops', mutationId: 'one', name: 'addWidget', args: {} });
    const error = await client.waitFor<ErrorMessage>(isError('bad_message'));
    expect(error.message).toContain('mutationId');
    client.send({ type: 'subscribe', topic: 42 });
    const second = await client.waitForCount<ErrorMessage>(isError('bad_message'), 2);
    expect(second[1]?.message).toContain('topic');
    client.send([1, 2, 3]);
    await client.waitForCount(isError('bad_message'), 3);
    client.send({ type: 'ping', ts: 2 });
    await client.waitFor((m) => m.type === 'pong');
  });

  it('answers a publish with a bad value by naming what is accepted and what came, with the publish id in ref', async () => {
    h = await startHarness();
    const client = await h.client();
    client.send({ type: 'publish', id: 'p-1', stream: 'sales', value: 'forty-two' });
    client.send({ type: 'publish', id: 2, stream: 'sales', points: [{ value: 1 }, { value: [3] }] });
    client.send({ type: 'publish', stream: 'sales', value: null });
    const [byValue, byPoint, noId] = await client.waitForCount<ErrorMessage>(isError('bad_message'), 3);
    expect(byValue).toMatchObject({ message: 'publish: value: must be a finite number or a JSON object, not a string', ref: { type: 'publish', id: 'p-1' } });
    expect(byPoint).toMatchObject({ message: 'publish: points.1.value: must be a finite number or a JSON object, not an array', ref: { type: 'publish', id: 2 } });
    expect(noId).toMatchObject({ message: 'publish: value: must be a finite number or a JSON object, not null', ref: { type: 'publish' } });
    expect(await h.storage.getStream('sales')).toBeNull();
  });

  it('records a mutation whose args nest 100,000 levels deep as rejected invalid_args, so the queue moves on', async () => {
    h = await startHarness();
    await h.createDashboard('ops');
    const client = await h.client();
    client.sendRaw(`{"type":"mutate","dashboardId":"ops","mutationId":1,"name":"updateWidget","args":{"id":"w","set":{"options":{"x":${deepText(100_000)}}}}}`);
    const ack = await client.waitFor<AckMessage>(isAck(1));
    expect(ack).toMatchObject({ status: 'rejected', error: { code: 'invalid_args' } });
    expect(ack.error?.message).toContain('args.set.options.x.a');
    expect(await h.storage.getLastMutationId(client.clientId)).toBe(1);
    // A resend gets the same stored answer; the next mutation applies.
    client.sendRaw(`{"type":"mutate","dashboardId":"ops","mutationId":1,"name":"updateWidget","args":{"x":${deepText(100_000)}}}`);
    await client.waitForCount(isAck(1), 2);
    client.send({ type: 'mutate', dashboardId: 'ops', mutationId: 2, name: 'addWidget', args: { widget: { id: 'w', type: 'stat' } } });
    expect(await client.waitFor<AckMessage>(isAck(2))).toMatchObject({ status: 'applied' });
  });

  it('answers a mutate with a malformed envelope with bad_message naming its mutationId, not recorded, so the client can renumber', async () => {
    h = await startHarness();
    await h.createDashboard('ops');
    const client = await h.client();
    client.send({ type: 'mutate', dashboardId: 'Not A Slug', mutationId: 1, name: 'addWidget', args: {} });
    client.send({ type: 'mutate', dashboardId: 'ops', mutationId: 2, name: 42, args: {} });
    const [badId, badName] = await client.waitForCount<ErrorMessage>(isError('bad_message'), 2);
    expect(badId).toMatchObject({ ref: { type: 'mutate', mutationId: 1 } });
    expect(badId?.message).toContain('dashboardId');
    expect(badName).toMatchObject({ ref: { type: 'mutate', mutationId: 2 } });
    expect(badName?.message).toContain('name');
    expect(await h.storage.getLastMutationId(client.clientId)).toBe(0);
    client.send({ type: 'mutate', dashboardId: 'ops', mutationId: 1, name: 'addWidget', args: { widget: { id: 'w', type: 'stat' } } });
    expect(await client.waitFor<AckMessage>(isAck(1))).toMatchObject({ status: 'applied' });
  });

  it('records inherited mutator names as rejected unknown_mutator, so the queue moves on', async () => {
    h = await startHarness();
    await h.createDashboard('ops');
    const client = await h.client();
    const names = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];
    names.forEach((name, i) => client.send({ type: 'mutate', dashboardId: 'ops', mutationId: i + 1, name, args: {} }));
    const acks = await client.waitForCount<AckMessage>((m) => m.type === 'ack', names.length);
    expect(acks.map((a) => [a.mutationId, a.status, a.error?.code])).toEqual(names.map((_, i) => [i + 1, 'rejected', 'unknown_mutator']));
    expect(await h.storage.getLastMutationId(client.clientId)).toBe(names.length);
    expect(client.messages.filter(isError('internal'))).toEqual([]);
  });

  it('answers a publish whose value nests too deep with bad_message naming the field, and stores nothing', async () => {
    h = await startHarness();
    const client = await h.client();
    client.sendRaw(`{"type":"publish","id":"deep","stream":"deep","value":${deepText(100_000)}}`);
    const error = await client.waitFor<ErrorMessage>(isError('bad_message'));
    expect(error).toMatchObject({ ref: { type: 'publish', id: 'deep' } });
    expect(error.message).toMatch(/^publish: value\.a\.a.*: nested deeper than 64 levels$/);
    client.sendRaw(`{"type":"publish","stream":"deep","value":{"big":"${'x'.repeat(70_000)}"}}`);
    expect((await client.waitForCount<ErrorMessage>(isError('bad_message'), 2))[1]?.message).toMatch(/^publish: value: larger than 65536 bytes as JSON$/);
    expect(await h.storage.getStream('deep')).toBeNull();
  });

  it('answers binary frames with bad_message', async () => {
    h = await startHarness();
    const client = await h.client();
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    const error = await client.waitFor<ErrorMessage>(isError('bad_message'));
    expect(error.message).toContain('binary');
  });

  it('closes with 1009 when a frame is larger than maxPayloadBytes, and the server keeps serving', async () => {
    h = await startHarness({ config: { maxPayloadBytes: 1024 } });
    const client = await h.client();
    client.send({ type: 'publish', stream: 'big', value: { blob: 'x'.repeat(4096) } });
    expect((await client.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
    const other = await h.client();
    other.send({ type: 'ping', ts: 3 });
    await other.waitFor((m) => m.type === 'pong');
    expect((await h.storage.getStream('big'))?.latest ?? null).toBeNull();
  });

  it('closes with 4008 when no hello comes within helloTimeoutMs', async () => {
    h = await startHarness({ config: { helloTimeoutMs: 100 } });
    const client = await h.connect();
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.HELLO_TIMEOUT);
  });

  it('pings every heartbeatIntervalMs and closes with 4009 after deadConnectionTimeoutMs of silence', async () => {
    h = await startHarness({ config: { heartbeatIntervalMs: 50, deadConnectionTimeoutMs: 1_000 } });
    const quiet = await h.client();
    const lively = await h.client();
    await quiet.waitForCount((m) => m.type === 'ping', 2);
    // The lively client answers every ping; the quiet one never does.
    lively.ws.on('message', () => lively.send({ type: 'pong' }));
    expect((await quiet.closed).code).toBe(CloseCode.HEARTBEAT_TIMEOUT);
    expect(lively.ws.readyState).toBe(lively.ws.OPEN);
  });

  it('rate limits a flood from one connection while another still gets its pong and events', async () => {
    h = await startHarness({ config: { messagesPerSecond: 20, burstMessages: 20, rateLimitCloseAfterMs: 60_000 } });
    const flooder = await h.client();
    const calm = await h.client();
    calm.send({ type: 'subscribe', topic: 'stream:calm' });
    await calm.waitFor((m) => m.type === 'subscribed');
    for (let i = 0; i < 200; i++) flooder.send({ type: 'ping', ts: i });
    await flooder.waitFor(isError('rate_limited'));
    calm.send({ type: 'ping', ts: 99 });
    await calm.waitFor((m) => m.type === 'pong');
    await h.sync.push([{ key: 'calm', points: [{ value: 1 }] }]);
    await calm.waitFor((m) => m.type === 'event');
    const pongs = flooder.messages.filter((m) => m.type === 'pong').length;
    expect(pongs).toBeGreaterThanOrEqual(20);
    expect(pongs).toBeLessThan(200);
    expect(calm.messages.filter(isError('rate_limited'))).toHaveLength(0);
  });

  it('answers a flood with one rate_limited error per second, counting the dropped messages, not one error per message', async () => {
    const FLOOD = 2_000;
    let handled = 0;
    let allHandled = (): void => undefined;
    const handledAll = new Promise<void>((resolve) => (allHandled = resolve));
    const observer = {
      onMessageIn: (type: string) => {
        if ((type === 'ping' || type === 'dropped') && ++handled === FLOOD) allHandled();
      },
    };
    h = await startHarness({ config: { messagesPerSecond: 20, burstMessages: 20, rateLimitCloseAfterMs: 60_000 }, observer });
    const flooder = await h.client();
    flooder.send({ type: 'subscribe', topic: 'stream:marker' });
    await flooder.waitFor((m) => m.type === 'subscribed');
    const startedAt = Date.now();
    for (let i = 0; i < FLOOD; i++) flooder.send({ type: 'ping', ts: i });
    await handledAll;
    const elapsedMs = Date.now() - startedAt;
    // Everything queued for the flooder before this event has arrived once the event has.
    await h.sync.push([{ key: 'marker', points: [{ value: 1 }] }]);
    await flooder.waitFor((m) => m.type === 'event');
    const errors = flooder.messages.filter(isError('rate_limited')) as ErrorMessage[];
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 1_000) + 1);
    expect(errors[0]?.details).toMatchObject({ dropped: 1, mutationIds: [], publishIds: [] });
    expect(errors[0]?.message).toContain('dropped');
    const pongs = flooder.messages.filter((m) => m.type === 'pong').length;
    expect(pongs).toBeLessThan(FLOOD);
    expect(flooder.ws.readyState).toBe(flooder.ws.OPEN);
  });

  it('closes with 4029 a connection that stays over the rate limit', async () => {
    h = await startHarness({ config: { messagesPerSecond: 10, burstMessages: 5, rateLimitCloseAfterMs: 50 } });
    const flooder = await h.client();
    const timer = setInterval(() => {
      if (flooder.ws.readyState !== flooder.ws.OPEN) return clearInterval(timer);
      for (let i = 0; i < 20; i++) flooder.send({ type: 'ping' });
    }, 10);
    expect((await flooder.closed).code).toBe(CloseCode.RATE_LIMITED);
    clearInterval(timer);
  });

  it('answers a second hello with bad_message', async () => {
    h = await startHarness();
    const client = await h.client();
    client.send({ type: 'hello', protocol: 1, clientId: client.clientId, token: 'x' });
    expect(await client.waitFor(isError('bad_message'))).toMatchObject({ ref: { type: 'hello' } });
  });

  it('answers a subscribe to a malformed topic with bad_message naming the topic', async () => {
    h = await startHarness();
    const client = await h.client();
    client.send({ type: 'subscribe', topic: 'weather:today' });
    expect((await client.waitFor<ErrorMessage>(isError('bad_message'))).message).toContain('topic');
    client.send({ type: 'subscribe', topic: 'dashboard:Not A Slug' });
    expect((await client.waitForCount<ErrorMessage>(isError('bad_message'), 2))[1]).toMatchObject({ ref: { topic: 'dashboard:Not A Slug' } });
  });

  it('turns an exception inside a handler into error internal and keeps the connection', async () => {
    h = await startHarness();
    const client = await h.client();
    const original = h.storage.getHead.bind(h.storage);
    h.storage.getHead = () => Promise.reject(new Error('disk on fire'));
    client.send({ type: 'subscribe', topic: 'stream:x', since: { epoch: 'e', offset: 1 } });
    expect(await client.waitFor(isError('internal'))).toMatchObject({ ref: { type: 'subscribe', topic: 'stream:x' } });
    h.storage.getHead = original;
    client.send({ type: 'ping', ts: 5 });
    await client.waitFor((m) => m.type === 'pong');
    expect(h.gateway.stats().topics).toEqual([]);
  });
});
