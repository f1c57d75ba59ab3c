import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Dashboard } from '@pulseboard/model';
import {
  CloseCode,
  PROTOCOL_VERSION,
  type AckMessage,
  type ErrorMessage,
  type EventMessage,
  type PublishedMessage,
  type ServerMessage,
  type StreamSnapshot,
  type SubscribedMessage,
  type WelcomeMessage,
} from '@pulseboard/protocol';
import { startHarness, type Harness, type TestClient } from './gateway-test-harness.js';

const isEvent = (topic: string) => (m: ServerMessage) => m.type === 'event' && m.topic === topic;
const isSubscribed = (topic: string) => (m: ServerMessage) => m.type === 'subscribed' && m.topic === topic;
const isAck = (mutationId: number) => (m: ServerMessage) => m.type === 'ack' && m.mutationId === mutationId;

function addWidget(mutationId: number, id: string) {
  return { type: 'mutate', dashboardId: 'ops', mutationId, name: 'addWidget', args: { widget: { id, type: 'stat', title: id } } };
}

async function subscribe(client: TestClient, topic: string, since?: { epoch: string; offset: number }): Promise<SubscribedMessage> {
  const before = client.messages.filter(isSubscribed(topic)).length;
  client.send({ type: 'subscribe', topic, ...(since ? { since } : {}) });
  const all = await client.waitForCount<SubscribedMessage>(isSubscribed(topic), before + 1);
  return all[before] as SubscribedMessage;
}

describe('WebSocket gateway', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
    await h.createDashboard('ops', 'Operations');
  });

  afterEach(async () => {
    await h.close();
  });

  describe('hello', () => {
    it('answers hello with welcome carrying lastMutationId, heartbeat interval, server time and a connection id', async () => {
      const client = await h.connect();
      const before = Date.now();
      const welcome = await client.hello({ name: 'Ada' });
      expect(welcome).toMatchObject<Partial<WelcomeMessage>>({
        type: 'welcome',
        protocol: PROTOCOL_VERSION,
        clientId: client.clientId,
        lastMutationId: 0,
        heartbeatIntervalMs: h.gateway.config.heartbeatIntervalMs,
      });
      expect(welcome.serverTime).toBeGreaterThanOrEqual(before);
      expect(typeof welcome.connectionId).toBe('string');
      expect(h.gateway.stats()).toMatchObject({ connections: 1, authenticated: 1 });
    });

    it('reports the lastMutationId the server applied for this client', async () => {
      const first = await h.client();
      first.send(addWidget(1, 'a'));
      first.send(addWidget(2, 'b'));
      await first.waitFor(isAck(2));
      const again = await h.connect();
      expect((await again.hello({ clientId: first.clientId })).lastMutationId).toBe(2);
    });

    it('closes with 4001 when the token is missing or wrong', async () => {
      const missing = await h.connect();
      missing.send({ type: 'hello', protocol: PROTOCOL_VERSION, clientId: 'client-without-token' });
      expect((await missing.closed).code).toBe(CloseCode.UNAUTHORIZED);
      const wrong = await h.connect();
      wrong.send({ type: 'hello', protocol: PROTOCOL_VERSION, clientId: 'client-wrong-token', token: 'pb_nope' });
      expect((await wrong.closed).code).toBe(CloseCode.UNAUTHORIZED);
      expect(wrong.messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'unauthorized' }));
    });

    it('closes with 4002 when the protocol version is not the server’s', async () => {
      const client = await h.connect();
      client.send({ type: 'hello', protocol: PROTOCOL_VERSION + 1, client: { id: 'shaped-differently' }, auth: 'x' });
      const closed = await client.closed;
      expect(closed.code).toBe(CloseCode.UNSUPPORTED_PROTOCOL);
      expect(closed.reason).toContain(String(PROTOCOL_VERSION));
    });

    it('closes with 4400 when the first message is not hello', async () => {
      const client = await h.connect();
      client.send({ type: 'ping' });
      expect((await client.closed).code).toBe(CloseCode.PROTOCOL_ERROR);
    });

    it('closes with 4400 and names the field when hello itself is malformed', async () => {
      const client = await h.connect();
      client.send({ type: 'hello', protocol: PROTOCOL_VERSION, clientId: 'no spaces allowed' });
      const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
      expect(error.code).toBe('bad_message');
      expect(error.message).toContain('clientId');
      expect((await client.closed).code).toBe(CloseCode.PROTOCOL_ERROR);
    });

    it('processes messages pipelined right after hello, in order', async () => {
      const client = await h.connect();
      client.send({ type: 'hello', protocol: PROTOCOL_VERSION, clientId: client.clientId, token: 'pb_test-admin-token' });
      client.send({ type: 'ping', ts: 42 });
      client.send({ type: 'subscribe', topic: 'dashboard:ops' });
      await client.waitFor(isSubscribed('dashboard:ops'));
      expect(client.messages.map((m) => m.type).slice(0, 3)).toEqual(['welcome', 'pong', 'subscribed']);
    });

    it('refuses upgrades on paths other than /ws', async () => {
      await expect(h.connect('/elsewhere')).rejects.toThrow(/404/);
    });
  });

  describe('subscribe', () => {
    it('sends a dashboard snapshot with its position, then live events after it', async () => {
      const client = await h.client();
      const subscribed = await subscribe(client, 'dashboard:ops');
      expect(subscribed).toMatchObject({ recovered: false, offset: 0 });
      expect((subscribed.snapshot as Dashboard).title).toBe('Operations');
      const writer = await h.client();
      writer.send(addWidget(1, 'cpu'));
      const event = await client.waitFor<EventMessage>(isEvent('dashboard:ops'));
      expect(event).toMatchObject({ epoch: subscribed.epoch, offset: 1, data: { kind: 'mutation', name: 'addWidget', clientId: writer.clientId } });
    });

    it('sends a stream snapshot with its history and then live points', async () => {
      await h.sync.push([{ key: 'cpu.load', points: [{ value: 1 }, { value: 2 }] }]);
      const client = await h.client();
      const subscribed = await subscribe(client, 'stream:cpu.load');
      const snapshot = subscribed.snapshot as StreamSnapshot;
      expect(subscribed.offset).toBe(2);
      expect(snapshot.latest).toBe(2);
      expect(snapshot.history.map((p) => p.offset)).toEqual([1, 2]);
      await h.sync.push([{ key: 'cpu.load', points: [{ value: 3 }] }]);
      const event = await client.waitFor<EventMessage>(isEvent('stream:cpu.load'));
      expect(event).toMatchObject({ offset: 3, data: { value: 3 } });
    });

    it('answers not_found naming an unknown dashboard', async () => {
      const client = await h.client();
      client.send({ type: 'subscribe', topic: 'dashboard:nope' });
      const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
      expect(error).toMatchObject({ code: 'not_found', ref: { type: 'subscribe', topic: 'dashboard:nope' } });
      expect(error.message).toContain('nope');
    });

    it('answers forbidden when the token may not view the dashboard', async () => {
      await h.createDashboard('secret');
      const token = await h.scopedToken({ view: ['ops'] });
      const client = await h.client({ token });
      await subscribe(client, 'dashboard:ops');
      client.send({ type: 'subscribe', topic: 'dashboard:secret' });
      const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
      expect(error).toMatchObject({ code: 'forbidden', ref: { topic: 'dashboard:secret' } });
    });

    it('replays exactly the missed events, in order, after a reconnect with since', async () => {
      const watcher = await h.client();
      const first = await subscribe(watcher, 'stream:temp');
      for (let i = 1; i <= 5; i++) await h.sync.push([{ key: 'temp', points: [{ value: i }] }]);
      const seen = await watcher.waitForCount<EventMessage>(isEvent('stream:temp'), 5);
      const last = seen[4] as EventMessage;
      await watcher.close();
      for (let i = 6; i <= 12; i++) await h.sync.push([{ key: 'temp', points: [{ value: i }] }]);

      const back = await h.client();
      const subscribed = await subscribe(back, 'stream:temp', { epoch: first.epoch, offset: last.offset });
      expect(subscribed).toMatchObject({ recovered: true, epoch: first.epoch, offset: 5 });
      expect(subscribed.snapshot).toBeUndefined();
      const replayed = await back.waitForCount<EventMessage>(isEvent('stream:temp'), 7);
      expect(replayed.map((e) => e.offset)).toEqual([6, 7, 8, 9, 10, 11, 12]);
      await h.sync.push([{ key: 'temp', points: [{ value: 13 }] }]);
      await back.waitForCount(isEvent('stream:temp'), 8);
      const offsets = back.messages.filter(isEvent('stream:temp')).map((e) => (e as EventMessage).offset);
      expect(offsets).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
    });

    it('sends a snapshot (recovered: false) when since names another epoch', async () => {
      await h.sync.push([{ key: 'temp', points: [{ value: 1 }] }]);
      const client = await h.client();
      const subscribed = await subscribe(client, 'stream:temp', { epoch: 'another-epoch', offset: 1 });
      expect(subscribed.recovered).toBe(false);
      expect((subscribed.snapshot as StreamSnapshot).latest).toBe(1);
      expect(subscribed.offset).toBe(1);
    });

    it('follows a dashboard deleted and created again: deleted event, then the new epoch', async () => {
      const client = await h.client();
      const before = await subscribe(client, 'dashboard:ops');
      await h.sync.deleteDashboard('ops');
      expect(await client.waitFor<EventMessage>(isEvent('dashboard:ops'))).toMatchObject({ epoch: before.epoch, offset: 1, data: { kind: 'deleted' } });
      client.send({ type: 'subscribe', topic: 'dashboard:ops', since: { epoch: before.epoch, offset: 1 } });
      expect(await client.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'not_found', ref: { topic: 'dashboard:ops' } });
      await h.createDashboard('ops', 'Operations again');
      const again = await subscribe(client, 'dashboard:ops', { epoch: before.epoch, offset: 1 });
      expect(again).toMatchObject({ recovered: false, offset: 0 });
      expect(again.epoch).not.toBe(before.epoch);
      expect((again.snapshot as Dashboard).title).toBe('Operations again');
      client.send(addWidget(1, 'cpu'));
      await client.waitFor(isAck(1));
      const events = client.messages.filter(isEvent('dashboard:ops')) as EventMessage[];
      expect(events.map((e) => [e.epoch === again.epoch, e.offset])).toEqual([
        [false, 1],
        [true, 1],
      ]);
    });

    it('unsubscribes: no more events for that topic', async () => {
      const client = await h.client();
      await subscribe(client, 'stream:a');
      await subscribe(client, 'stream:b');
      client.send({ type: 'unsubscribe', topic: 'stream:a' });
      await client.waitFor((m) => m.type === 'unsubscribed' && m.topic === 'stream:a');
      await h.sync.push([{ key: 'a', points: [{ value: 1 }] }, { key: 'b', points: [{ value: 1 }] }]);
      await client.waitFor(isEvent('stream:b'));
      expect(client.messages.filter(isEvent('stream:a'))).toHaveLength(0);
    });
  });

  describe('mutate', () => {
    it('applies a mutation once: the same mutationId twice gets the same stored ack and one event', async () => {
      const client = await h.client();
      await subscribe(client, 'dashboard:ops');
      client.send(addWidget(1, 'cpu'));
      const ack = await client.waitFor<AckMessage>(isAck(1));
      expect(ack).toMatchObject({ status: 'applied', offset: 1, dashboardId: 'ops' });
      client.send(addWidget(1, 'cpu'));
      const acks = await client.waitForCount<AckMessage>(isAck(1), 2);
      expect(acks[1]).toEqual(acks[0]);
      client.send({ type: 'ping', ts: 1 });
      await client.waitFor((m) => m.type === 'pong');
      expect(client.messages.filter(isEvent('dashboard:ops'))).toHaveLength(1);
      const doc = await h.storage.getDashboard('ops');
      expect(Object.keys(doc?.widgets ?? {})).toEqual(['cpu']);
    });

    it('sends the sender its own event before its ack', async () => {
      const client = await h.client();
      await subscribe(client, 'dashboard:ops');
      for (let id = 1; id <= 5; id++) client.send(addWidget(id, `w${id}`));
      await client.waitFor(isAck(5));
      const order = client.messages.filter((m) => m.type === 'event' || m.type === 'ack').map((m) => (m.type === 'ack' ? `ack${m.mutationId}` : `event${(m as EventMessage).offset}`));
      expect(order).toEqual(['event1', 'ack1', 'event2', 'ack2', 'event3', 'ack3', 'event4', 'ack4', 'event5', 'ack5']);
    });

    it('keeps subscribed, event and ack in order when a mutation is sent right behind its subscribe', async () => {
      const client = await h.client();
      client.send({ type: 'subscribe', topic: 'dashboard:ops' });
      client.send(addWidget(1, 'cpu'));
      await client.waitFor(isAck(1));
      const subscribed = client.messages.find(isSubscribed('dashboard:ops')) as SubscribedMessage;
      const order = client.messages.filter((m) => m.type !== 'welcome').map((m) => m.type);
      if (subscribed.offset === 0) expect(order).toEqual(['subscribed', 'event', 'ack']);
      else expect(order).toEqual(['subscribed', 'ack']);
    });

    it('broadcasts the event, naming clientId and mutationId, to every subscriber', async () => {
      const a = await h.client({ name: 'Ada' });
      const b = await h.client();
      await subscribe(a, 'dashboard:ops');
      await subscribe(b, 'dashboard:ops');
      a.send(addWidget(1, 'cpu'));
      const event = await b.waitFor<EventMessage>(isEvent('dashboard:ops'));
      expect(event.data).toMatchObject({ kind: 'mutation', clientId: a.clientId, mutationId: 1, actor: 'Ada' });
    });

    it('answers out_of_order with the expected mutationId when one is skipped', async () => {
      const client = await h.client();
      client.send(addWidget(3, 'cpu'));
      const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
      expect(error).toMatchObject({ code: 'out_of_order', ref: { type: 'mutate', mutationId: 3 }, details: { expected: 1 } });
      expect(error.message).toContain('expected 1');
    });

    it('rejects an invalid mutation with its error and still advances lastMutationId', async () => {
      const client = await h.client();
      client.send({ type: 'mutate', dashboardId: 'ops', mutationId: 1, name: 'moveWidget', args: { id: 'ghost', x: 1, y: 1 } });
      client.send({ type: 'mutate', dashboardId: 'ops', mutationId: 2, name: 'noSuchMutator', args: {} });
      client.send(addWidget(3, 'cpu'));
      const acks = [await client.waitFor<AckMessage>(isAck(1)), await client.waitFor<AckMessage>(isAck(2)), await client.waitFor<AckMessage>(isAck(3))];
      expect(acks[1]?.status).toBe('rejected');
      expect(acks[1]?.error?.code).toBe('unknown_mutator');
      expect(acks[2]?.status).toBe('applied');
      expect(await h.storage.getLastMutationId(client.clientId)).toBe(3);
    });

    it('rejects a mutation as forbidden when the token may only view', async () => {
      const token = await h.scopedToken({ view: ['ops'] });
      const client = await h.client({ token });
      client.send(addWidget(1, 'cpu'));
      const ack = await client.waitFor<AckMessage>(isAck(1));
      expect(ack).toMatchObject({ status: 'rejected', error: { code: 'forbidden' } });
      expect((await h.storage.getDashboard('ops'))?.version).toBe(0);
    });
  });

  describe('publish', () => {
    it('appends to a stream and answers published with the offset', async () => {
      const client = await h.client();
      await subscribe(client, 'stream:sales');
      client.send({ type: 'publish', id: 'p1', stream: 'sales', value: 10 });
      const published = await client.waitFor<PublishedMessage>((m) => m.type === 'published');
      expect(published).toEqual({ type: 'published', id: 'p1', stream: 'sales', offset: 1 });
      expect(await client.waitFor(isEvent('stream:sales'))).toMatchObject({ offset: 1, data: { value: 10 } });
      client.send({ type: 'publish', id: 2, stream: 'sales', points: [{ value: 1 }, { value: 2 }] });
      expect(await client.waitFor((m) => m.type === 'published' && m.id === 2)).toMatchObject({ offset: 3 });
    });

    it('answers forbidden when the token may not push to the stream', async () => {
      const token = await h.scopedToken({ push: ['allowed.'] });
      const client = await h.client({ token });
      client.send({ type: 'publish', id: 7, stream: 'other.key', value: 1 });
      expect(await client.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'forbidden', ref: { type: 'publish', id: 7 } });
      client.send({ type: 'publish', id: 8, stream: 'allowed.key', value: 1 });
      expect(await client.waitFor((m) => m.type === 'published')).toMatchObject({ id: 8, offset: 1 });
    });

    it('refuses a point more than 24 h in the future, naming points.N.ts, and keeps the stream history', async () => {
      const client = await h.client();
      const now = Date.now();
      client.send({ type: 'publish', id: 'old', stream: 'history', points: [{ ts: now - 60_000, value: 1 }, { ts: now - 30_000, value: 2 }] });
      await client.waitFor((m) => m.type === 'published' && m.id === 'old');
      // A timestamp in microseconds: 1000 times too far ahead.
      client.send({ type: 'publish', id: 'future', stream: 'history', points: [{ ts: now * 1000, value: 3 }] });
      const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
      expect(error).toMatchObject({ code: 'bad_message', ref: { type: 'publish', id: 'future' } });
      expect(error.message).toContain('points.0.ts');
      expect(error.message).toContain('24 hours in the future');
      client.send({ type: 'publish', id: 'soon', stream: 'history', points: [{ value: 4 }, { ts: now + 3_600_000, value: 5 }] });
      await client.waitFor((m) => m.type === 'published' && m.id === 'soon');
      const stream = await h.storage.getStream('history');
      expect(stream?.history.map((p) => p.value)).toEqual([1, 2, 4, 5]);
    });
  });

  describe('ping and presence', () => {
    it('answers ping with pong echoing ts', async () => {
      const client = await h.client();
      client.send({ type: 'ping', ts: 1234 });
      expect(await client.waitFor((m) => m.type === 'pong')).toEqual({ type: 'pong', ts: 1234 });
    });

    it('relays presence to the other subscribers of the dashboard, and its end when the sender leaves', async () => {
      const a = await h.client({ name: 'Ada' });
      const b = await h.client();
      await subscribe(a, 'dashboard:ops');
      await subscribe(b, 'dashboard:ops');
      a.send({ type: 'presence', dashboardId: 'ops', widgetId: 'cpu', layout: { x: 1, y: 2, w: 3, h: 4 } });
      expect(await b.waitFor((m) => m.type === 'presence')).toEqual({
        type: 'presence',
        topic: 'dashboard:ops',
        clientId: a.clientId,
        name: 'Ada',
        widgetId: 'cpu',
        layout: { x: 1, y: 2, w: 3, h: 4 },
      });
      await a.close();
      await b.waitFor((m) => m.type === 'presence' && m.widgetId === null);
      expect(a.messages.filter((m) => m.type === 'presence')).toHaveLength(0);
    });

    it('relays who is viewing (join, editing, selected widget) and says when a viewer who never dragged leaves', async () => {
      const a = await h.client({ name: 'Ada' });
      const b = await h.client();
      await subscribe(a, 'dashboard:ops');
      await subscribe(b, 'dashboard:ops');
      a.send({ type: 'presence', dashboardId: 'ops', widgetId: null, layout: null, editing: true, selectedId: 'cpu', join: true });
      expect(await b.waitFor((m) => m.type === 'presence')).toEqual({
        type: 'presence',
        topic: 'dashboard:ops',
        clientId: a.clientId,
        name: 'Ada',
        widgetId: null,
        layout: null,
        editing: true,
        selectedId: 'cpu',
        join: true,
      });
      await a.close();
      expect(await b.waitFor((m) => m.type === 'presence' && m.gone === true)).toMatchObject({ clientId: a.clientId, widgetId: null });
    });

    it('answers not_subscribed to presence for a dashboard the sender does not watch', async () => {
      const a = await h.client();
      a.send({ type: 'presence', dashboardId: 'ops', widgetId: null, layout: null });
      expect(await a.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'not_subscribed' });
    });
  });

  it('reports topics with subscribers and offsets in stats()', async () => {
    const client = await h.client();
    await subscribe(client, 'dashboard:ops');
    client.send(addWidget(1, 'cpu'));
    await client.waitFor(isAck(1));
    expect(h.gateway.stats().topics).toContainEqual(expect.objectContaining({ topic: 'dashboard:ops', subscribers: 1, offset: 1 }));
  });

  it('closes every connection with 1001 on close()', async () => {
    const client = await h.client();
    await h.gateway.close();
    expect((await client.closed).code).toBe(CloseCode.GOING_AWAY);
  });
});
