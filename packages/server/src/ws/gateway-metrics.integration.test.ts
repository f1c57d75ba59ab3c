import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION } from '@pulseboard/protocol';
import { Metrics } from '../metrics.js';
import type { GatewayObserver } from './gateway.js';
import { startHarness, type Harness } from './gateway-test-harness.js';

/** The Prometheus metrics observer, plus a promise per server-side close (in order). */
function observedMetrics(): { metrics: Metrics; observer: GatewayObserver; nextClose: () => Promise<number> } {
  const metrics = new Metrics({ defaultMetrics: false });
  const closes: number[] = [];
  const waiters: Array<(code: number) => void> = [];
  const observer: GatewayObserver = {
    ...metrics.gatewayObserver,
    onConnectionClosed: (code) => {
      metrics.gatewayObserver.onConnectionClosed?.(code);
      const waiter = waiters.shift();
      if (waiter) waiter(code);
      else closes.push(code);
    },
  };
  const nextClose = (): Promise<number> => {
    const code = closes.shift();
    return code === undefined ? new Promise((resolve) => waiters.push(resolve)) : Promise.resolve(code);
  };
  return { metrics, observer, nextClose };
}

describe('WebSocket gateway metrics', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('counts a frame over maxPayloadBytes under the close code ws closed with (1009), not 1006', async () => {
    const { metrics, observer, nextClose } = observedMetrics();
    h = await startHarness({ config: { maxPayloadBytes: 1024 }, observer });
    const client = await h.client();
    client.send({ type: 'publish', stream: 'big', value: { blob: 'x'.repeat(4096) } });
    expect((await client.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
    expect(await nextClose()).toBe(CloseCode.MESSAGE_TOO_BIG);
    const text = await metrics.text();
    expect(text).toContain('pulseboard_ws_closes_total{code="1009"} 1');
    expect(text).not.toContain('code="1006"');
  });

  it('counts a close the server initiated under its own code even when the peer never answers the close', async () => {
    const { metrics, observer, nextClose } = observedMetrics();
    h = await startHarness({ config: { closeTimeoutMs: 50 }, observer });
    const client = await h.connect();
    // A peer that never answers: its socket stops reading, so no close frame comes back.
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    client.sendRaw('not json');
    expect(await nextClose()).toBe(CloseCode.PROTOCOL_ERROR);
    expect(await metrics.text()).toContain(`pulseboard_ws_closes_total{code="${CloseCode.PROTOCOL_ERROR}"} 1`);
  });

  it('counts hello in messages_in_total{type="hello"}, and a bad first message as invalid', async () => {
    const { metrics, observer, nextClose } = observedMetrics();
    h = await startHarness({ observer });
    const client = await h.client();
    client.send({ type: 'ping', ts: 1 });
    await client.waitFor((m) => m.type === 'pong');
    const wrong = await h.connect();
    wrong.send({ type: 'subscribe', topic: 'stream:x', protocol: PROTOCOL_VERSION });
    expect(await nextClose()).toBe(CloseCode.PROTOCOL_ERROR);
    const text = await metrics.text();
    expect(text).toContain('pulseboard_ws_messages_in_total{type="hello"} 1');
    expect(text).toContain('pulseboard_ws_messages_in_total{type="ping"} 1');
    expect(text).toContain('pulseboard_ws_messages_in_total{type="invalid"} 1');
  });
});
