import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, type ErrorMessage } from '@pulseboard/protocol';
import { startHarness, type Harness, type TestClient } from './gateway-test-harness.js';

/** The client's close, or a rejection naming what was expected when it does not come in time. */
function closedWithin(client: TestClient, timeoutMs: number): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the connection was still open after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([client.closed, timeout]).finally(() => clearTimeout(timer));
}

describe('WebSocket gateway: tokens that stop being valid while connected', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('closes every connection of a token with 4001 on closeConnectionsOfToken, and no other', async () => {
    h = await startHarness();
    const { secret, record } = await h.auth.createToken({ name: 'collector', role: 'scoped', scopes: { push: ['sales.'] } });
    const first = await h.client({ token: secret });
    const second = await h.client({ token: secret });
    const other = await h.client();
    expect(h.gateway.closeConnectionsOfToken(record.id, 'token_revoked')).toBe(2);
    for (const client of [first, second]) {
      const closed = await closedWithin(client, 5_000);
      expect(closed).toEqual({ code: CloseCode.UNAUTHORIZED, reason: 'token_revoked' });
      expect(client.messages).toContainEqual(expect.objectContaining<Partial<ErrorMessage>>({ type: 'error', code: 'token_revoked' }));
    }
    other.send({ type: 'ping', ts: 1 });
    await other.waitFor((m) => m.type === 'pong');
    expect(h.gateway.closeConnectionsOfToken(record.id, 'token_revoked')).toBe(0);
  });

  it('closes a connection with 4001 from the heartbeat sweep once its token has expired', async () => {
    h = await startHarness({ config: { heartbeatIntervalMs: 50 } });
    const { secret } = await h.auth.createToken({ name: 'short-lived', role: 'scoped', scopes: { push: ['sales.'] }, expiresAt: Date.now() + 300 });
    const client = await h.client({ token: secret });
    const forever = await h.client();
    client.send({ type: 'publish', stream: 'sales.today', value: 1 });
    await client.waitFor((m) => m.type === 'published');
    const closed = await closedWithin(client, 5_000);
    expect(closed).toEqual({ code: CloseCode.UNAUTHORIZED, reason: 'token_expired' });
    expect(client.messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'token_expired' }));
    forever.send({ type: 'ping', ts: 2 });
    await forever.waitFor((m) => m.type === 'pong');
  });
});
