import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloseCode } from '@pulseboard/protocol';
import { backoffCapMs, fullJitterDelayMs } from './backoff.js';
import { EnvironmentManager } from './environment-manager.js';
import { resolveRealtimeConfig } from './realtime-config.js';
import { FakeWebSocket } from './testing/fake-web-socket.js';
import { WebSocketManager } from './websocket-manager.js';

const config = resolveRealtimeConfig({
  reconnectMinDelayMs: 100,
  reconnectMaxDelayMs: 1_600,
  rateLimitedReconnectDelayMs: 1_600,
  heartbeatIntervalMs: 1_000,
  hiddenHeartbeatIntervalMs: 10_000,
  deadConnectionTimeoutMs: 3_000,
  connectTimeoutMs: 2_000,
  offlineProbeTimeoutMs: 500,
});

function setup(options: { random?: () => number; config?: typeof config } = {}) {
  const environment = new EnvironmentManager({ attach: false });
  const manager = new WebSocketManager({
    url: 'ws://test/ws',
    WebSocket: FakeWebSocket,
    config: options.config ?? config,
    environment,
    hello: () => ({ clientId: 'client-0001', token: 'secret' }),
    random: options.random ?? (() => 0.5),
  });
  return { manager, environment };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('full-jitter backoff', () => {
  it('draws uniformly below a cap that doubles per attempt up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffCapMs(a, 100, 1_600))).toEqual([100, 200, 400, 800, 1_600, 1_600]);
    expect(fullJitterDelayMs(3, 100, 1_600, () => 0.5)).toBe(400);
    expect(fullJitterDelayMs(3, 100, 1_600, () => 0)).toBe(0);
    expect(fullJitterDelayMs(50, 100, 1_600, () => 0.999)).toBeLessThan(1_600);
  });
});

describe('WebSocketManager', () => {
  it('goes idle → connecting → open on welcome, after sending hello', () => {
    const { manager } = setup();
    expect(manager.state).toBe('idle');
    manager.connect();
    expect(manager.state).toBe('connecting');
    const socket = FakeWebSocket.last;
    socket.serverOpen();
    expect(socket.sent[0]).toEqual({ type: 'hello', protocol: 1, features: ['event-rows', 'topic-ids', 'ts-base'], clientId: 'client-0001', token: 'secret' });
    expect(manager.state).toBe('connecting');
    socket.handshake();
    expect(manager.getSnapshot()).toMatchObject({ state: 'open', attempt: 0, connectionId: 'conn-1', lastError: null });
  });

  it('retries with full-jitter backoff after each failure and resets the attempt count on welcome', () => {
    const { manager } = setup();
    manager.connect();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      FakeWebSocket.last.serverClose(1006);
      const snap = manager.getSnapshot();
      expect(snap.state).toBe('reconnecting');
      delays.push(snap.nextRetryAt! - Date.now());
      vi.advanceTimersByTime(snap.nextRetryAt! - Date.now());
      expect(manager.state).toBe('connecting');
    }
    expect(delays).toEqual([50, 100, 200, 400, 800, 800]);
    FakeWebSocket.last.handshake();
    expect(manager.getSnapshot()).toMatchObject({ state: 'open', attempt: 0, reconnects: 0 });
  });

  it('waits a longer backoff (at least half the maximum) after a rate-limit close (4029)', () => {
    const { manager } = setup({ random: () => 0 });
    manager.connect();
    FakeWebSocket.last.handshake();
    FakeWebSocket.last.serverClose(CloseCode.RATE_LIMITED, 'too many messages');
    const snap = manager.getSnapshot();
    expect(snap).toMatchObject({ state: 'reconnecting', lastError: { closeCode: CloseCode.RATE_LIMITED } });
    expect(snap.nextRetryAt! - Date.now()).toBe(800);
    vi.advanceTimersByTime(799);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(manager.state).toBe('connecting');
  });

  it('fails an attempt that gets no welcome within the connect timeout', () => {
    const { manager } = setup();
    manager.connect();
    FakeWebSocket.last.serverOpen();
    vi.advanceTimersByTime(2_000);
    expect(manager.getSnapshot()).toMatchObject({ state: 'reconnecting', lastError: { code: 'connect_timeout' } });
  });

  it('sends heartbeats and closes a connection that stays silent past the dead timeout', () => {
    const { manager } = setup();
    manager.connect();
    const socket = FakeWebSocket.last;
    socket.handshake();
    vi.advanceTimersByTime(1_000);
    expect(socket.sentOfType('ping')).toHaveLength(1);
    socket.serverSend({ type: 'pong', ts: Date.now() - 12 });
    expect(manager.getSnapshot().latencyMs).toBe(12);
    vi.advanceTimersByTime(3_000);
    expect(manager.state).toBe('open');
    vi.advanceTimersByTime(1_000);
    expect(manager.getSnapshot()).toMatchObject({ state: 'reconnecting', lastError: { code: 'heartbeat_timeout' } });
    expect(socket.closedWith).not.toBeNull();
  });

  it('answers server pings with a pong carrying the same ts', () => {
    const { manager } = setup();
    manager.connect();
    FakeWebSocket.last.handshake();
    FakeWebSocket.last.serverSend({ type: 'ping', ts: 42 });
    expect(FakeWebSocket.last.sentOfType('pong')).toEqual([{ type: 'pong', ts: 42 }]);
  });

  it('relaxes heartbeats while hidden (bounded by twice the server interval)', () => {
    const { manager, environment } = setup();
    manager.connect();
    const socket = FakeWebSocket.last;
    socket.handshake({ heartbeatIntervalMs: 3_000 });
    environment.emit('hidden');
    vi.advanceTimersByTime(5_999);
    expect(socket.sentOfType('ping')).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(socket.sentOfType('ping')).toHaveLength(1);
    environment.emit('focus');
    expect(socket.sentOfType('ping')).toHaveLength(2);
    vi.advanceTimersByTime(1_000);
    expect(socket.sentOfType('ping')).toHaveLength(3);
    expect(manager.state).toBe('open');
  });

  it.each([CloseCode.UNAUTHORIZED, CloseCode.UNSUPPORTED_PROTOCOL, CloseCode.FORBIDDEN])('stops reconnecting after fatal close code %i and surfaces it', (code) => {
    const { manager } = setup();
    manager.connect();
    FakeWebSocket.last.serverOpen();
    FakeWebSocket.last.serverClose(code, 'no');
    expect(manager.getSnapshot()).toMatchObject({ state: 'fatal', lastError: { closeCode: code, message: 'no' }, nextRetryAt: null });
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    manager.reconnectNow();
    expect(manager.state).toBe('connecting');
  });

  it.each([
    [CloseCode.FORBIDDEN, 'client_id_in_use', 'client_id_in_use'],
    [CloseCode.UNAUTHORIZED, 'token_revoked', 'token_revoked'],
    [CloseCode.UNAUTHORIZED, 'token_expired', 'token_expired'],
    [CloseCode.UNAUTHORIZED, 'Bad token, sorry.', 'fatal_close'],
  ])('names a fatal close by the server\'s reason code (%i %s)', (closeCode, reason, code) => {
    const { manager } = setup();
    manager.connect();
    FakeWebSocket.last.serverOpen();
    FakeWebSocket.last.serverClose(closeCode, reason);
    expect(manager.getSnapshot()).toMatchObject({ state: 'fatal', lastError: { code, closeCode, message: reason } });
  });

  it.each([CloseCode.SLOW_CONSUMER, 1006])('reconnects at once, saying why, after a %i cut that follows a lagging warning', (closeCode) => {
    const { manager } = setup({ random: () => 0.99 });
    manager.connect();
    FakeWebSocket.last.handshake();
    FakeWebSocket.last.serverSend({ type: 'error', code: 'lagging', message: 'you are falling behind', details: { bufferedBytes: 8_388_608 } });
    FakeWebSocket.last.serverClose(closeCode);
    expect(manager.getSnapshot()).toMatchObject({ state: 'reconnecting', lastError: { code: 'lagging', closeCode } });
    expect(manager.getSnapshot().lastError!.message).toContain('8388608 bytes');
    expect(manager.getSnapshot().nextRetryAt).toBe(Date.now());
    vi.advanceTimersByTime(0);
    expect(manager.state).toBe('connecting');
    // The next connection starts afresh: a cut without a warning waits out the backoff again.
    FakeWebSocket.last.handshake();
    FakeWebSocket.last.serverClose(1006);
    expect(manager.getSnapshot()).toMatchObject({ state: 'reconnecting', lastError: { code: 'closed' } });
    expect(manager.getSnapshot().nextRetryAt! - Date.now()).toBe(99);
  });

  it('by default waits at most 5 s between attempts however often the server flapped (full jitter below the cap)', () => {
    const { manager } = setup({ random: () => 0.999, config: resolveRealtimeConfig() });
    manager.connect();
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      FakeWebSocket.last.serverClose(1006);
      const wait = manager.getSnapshot().nextRetryAt! - Date.now();
      waits.push(wait);
      vi.advanceTimersByTime(wait);
      expect(manager.state).toBe('connecting');
    }
    expect(waits.slice(0, 3)).toEqual([249, 499, 999]);
    expect(Math.max(...waits)).toBe(4_995);
    expect(waits.slice(-5)).toEqual([4_995, 4_995, 4_995, 4_995, 4_995]);
  });

  it('reconnects at once on online or focus instead of waiting out the backoff', () => {
    const { manager, environment } = setup({ random: () => 0.99 });
    manager.connect();
    FakeWebSocket.last.serverClose(1006);
    FakeWebSocket.last.serverClose(1006); // no-op: that socket is gone already
    expect(manager.state).toBe('reconnecting');
    environment.emit('offline');
    expect(manager.state).toBe('offline');
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    environment.emit('online');
    expect(manager.state).toBe('connecting');
    expect(FakeWebSocket.instances).toHaveLength(2);
    FakeWebSocket.last.serverClose(1006);
    environment.emit('focus');
    expect(FakeWebSocket.instances).toHaveLength(3);
  });

  it('probes at once when the browser goes offline while open, and goes offline without an answer within the probe timeout', () => {
    const { manager, environment } = setup();
    manager.connect();
    const socket = FakeWebSocket.last;
    socket.handshake();
    environment.emit('offline');
    expect(socket.sentOfType('ping')).toHaveLength(1);
    vi.advanceTimersByTime(499);
    expect(manager.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(manager.getSnapshot()).toMatchObject({ state: 'offline', lastError: { code: 'offline' }, nextRetryAt: null });
    expect(socket.closedWith).not.toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    environment.emit('online');
    expect(manager.state).toBe('connecting');
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('stays open when the offline probe is answered (the server is still reachable)', () => {
    const { manager, environment } = setup();
    manager.connect();
    const socket = FakeWebSocket.last;
    socket.handshake();
    const timers = vi.getTimerCount();
    environment.emit('offline');
    environment.emit('offline');
    expect(socket.sentOfType('ping')).toHaveLength(1);
    socket.serverSend({ type: 'pong', ts: Date.now() });
    vi.advanceTimersByTime(600);
    expect(manager.getSnapshot()).toMatchObject({ state: 'open', lastError: null });
    expect(vi.getTimerCount()).toBe(timers);
    expect(socket.closedWith).toBeNull();
  });

  it('routes messages by type and stops routing after unsubscribe', () => {
    const { manager } = setup();
    const seen: string[] = [];
    const off = manager.on('published', (m) => seen.push(`${m.stream}@${m.offset}`));
    manager.connect();
    FakeWebSocket.last.handshake();
    FakeWebSocket.last.serverSend({ type: 'published', stream: 'a', offset: 1 }, { type: 'published', stream: 'b', offset: 2 });
    off();
    FakeWebSocket.last.serverSend({ type: 'published', stream: 'c', offset: 3 });
    expect(seen).toEqual(['a@1', 'b@2']);
  });

  it('hands topic-ids events on as the event messages they stand for', () => {
    const { manager } = setup();
    const events: unknown[] = [];
    manager.on('event', (m) => events.push(m));
    manager.connect();
    const socket = FakeWebSocket.last;
    socket.handshake();
    socket.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 'e1', offset: 3, recovered: true, id: 17 });
    socket.serverSendText('[[17,4,[100,0.5]],{"type":"pong","ts":1},[17,5,[101,0.6,90]]]');
    expect(events).toEqual([
      { type: 'event', topic: 'stream:cpu', epoch: 'e1', offset: 4, ts: 100, data: { ts: 100, value: 0.5 } },
      { type: 'event', topic: 'stream:cpu', epoch: 'e1', offset: 5, ts: 101, data: { ts: 90, value: 0.6 } },
    ]);
  });

  it('applies no event under a topic id this connection was not told (ids are per connection): it reconnects and resumes instead', () => {
    const { manager } = setup();
    const events: unknown[] = [];
    manager.on('event', (m) => events.push(m));
    manager.subscribeTopic('stream:cpu', () => ({ epoch: 'e1', offset: 4 }));
    manager.connect();
    FakeWebSocket.last.handshake();
    FakeWebSocket.last.serverSend({ type: 'subscribed', topic: 'stream:cpu', epoch: 'e1', offset: 3, recovered: true, id: 17 });
    FakeWebSocket.last.serverSendText('[17,4,[100,0.5]]');
    expect(events).toHaveLength(1);
    FakeWebSocket.last.serverClose(1006);
    vi.runOnlyPendingTimers();
    FakeWebSocket.last.handshake();
    // A new connection (maybe to another node): id 17 means nothing until its subscribed says so.
    FakeWebSocket.last.serverSendText('[17,5,[101,0.6]]');
    expect(events).toHaveLength(1);
    expect(manager.getSnapshot()).toMatchObject({ state: 'reconnecting', lastError: { code: 'unknown_topic_id' } });
    vi.runOnlyPendingTimers();
    FakeWebSocket.last.handshake();
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([{ type: 'subscribe', topic: 'stream:cpu', since: { epoch: 'e1', offset: 4 } }]);
  });

  it('re-subscribes every topic with its current position after a reconnect', () => {
    const { manager } = setup();
    let offset = 0;
    manager.subscribeTopic('stream:cpu', () => (offset === 0 ? undefined : { epoch: 'e1', offset }));
    const off = manager.subscribeTopic('dashboard:ops', () => undefined);
    manager.connect();
    FakeWebSocket.last.handshake();
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([
      { type: 'subscribe', topic: 'stream:cpu' },
      { type: 'subscribe', topic: 'dashboard:ops' },
    ]);
    off();
    expect(FakeWebSocket.last.sentOfType('unsubscribe')).toEqual([{ type: 'unsubscribe', topic: 'dashboard:ops' }]);
    offset = 7;
    FakeWebSocket.last.serverClose(1006);
    vi.runOnlyPendingTimers();
    FakeWebSocket.last.handshake();
    expect(FakeWebSocket.last.sentOfType('subscribe')).toEqual([{ type: 'subscribe', topic: 'stream:cpu', since: { epoch: 'e1', offset: 7 } }]);
    expect(manager.getSnapshot().reconnects).toBe(1);
  });

  it('leaves timer, listener and socket handler counts unchanged across 100 reconnects', () => {
    const { manager, environment } = setup();
    const off = manager.subscribe(() => {});
    manager.subscribeTopic('stream:cpu', () => undefined);
    manager.connect();
    FakeWebSocket.last.handshake();
    const baseline = { timers: vi.getTimerCount(), handlers: manager.handlerCount, listeners: manager.listenerCount, signals: environment.signalListenerCount };
    for (let i = 0; i < 100; i++) {
      FakeWebSocket.last.serverClose(1006);
      vi.runOnlyPendingTimers();
      FakeWebSocket.last.handshake();
    }
    expect({ timers: vi.getTimerCount(), handlers: manager.handlerCount, listeners: manager.listenerCount, signals: environment.signalListenerCount }).toEqual(baseline);
    expect(FakeWebSocket.instances).toHaveLength(101);
    expect(FakeWebSocket.instances.slice(0, -1).every((s) => s.handlerCount === 0)).toBe(true);
    expect(manager.getSnapshot().reconnects).toBe(100);
    off();
    manager.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(environment.signalListenerCount).toBe(0);
  });

  it('close() is final: no reconnect, nothing sent', () => {
    const { manager } = setup();
    manager.connect();
    FakeWebSocket.last.handshake();
    manager.close();
    expect(manager.state).toBe('closed');
    expect(manager.send({ type: 'ping' })).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});
