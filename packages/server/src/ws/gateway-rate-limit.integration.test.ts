import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorMessage, ServerMessage } from '@pulseboard/protocol';
import { startHarness, type Harness } from './gateway-test-harness.js';

interface DropDetails {
  dropped: number;
  retryAfterMs: number;
  mutationIds: Array<[number, number]>;
  publishIds: Array<string | number>;
}

const isRateLimited = (m: ServerMessage): m is ErrorMessage => m.type === 'error' && m.code === 'rate_limited';

/** Every mutationId and publish id the client was answered about, and every one reported dropped. */
function account(messages: ServerMessage[]) {
  const answeredMutations = new Set<number>();
  const answeredPublishes = new Set<string | number>();
  const droppedMutations = new Set<number>();
  const droppedPublishes = new Set<string | number>();
  let droppedCount = 0;
  for (const m of messages) {
    if (m.type === 'ack') answeredMutations.add(m.mutationId);
    else if (m.type === 'published' && m.id !== undefined) answeredPublishes.add(m.id);
    else if (m.type === 'error' && m.ref?.mutationId !== undefined) answeredMutations.add(m.ref.mutationId);
    else if (m.type === 'error' && m.ref?.type === 'publish' && m.ref.id !== undefined) answeredPublishes.add(m.ref.id);
    else if (isRateLimited(m)) {
      const details = m.details as unknown as DropDetails;
      droppedCount += details.dropped;
      for (const [from, to] of details.mutationIds) for (let id = from; id <= to; id++) droppedMutations.add(id);
      for (const id of details.publishIds) droppedPublishes.add(id);
    }
  }
  return { answeredMutations, answeredPublishes, droppedMutations, droppedPublishes, droppedCount };
}

describe('rate limiting reports every dropped mutate and publish (contract C4)', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a 2,000-frame burst: acks, published and reported drops together cover every frame, the last drops reported by a timer after the burst', async () => {
    h = await startHarness({ config: { rateLimitCloseAfterMs: 60_000 } });
    await h.createDashboard('ops');
    const client = await h.client();
    const FRAMES = 2_000;
    for (let i = 0; i < FRAMES / 2; i++) {
      client.send({ type: 'mutate', dashboardId: 'ops', mutationId: i + 1, name: 'setDashboardMeta', args: { set: { title: `T${i}` } } });
      client.send({ type: 'publish', id: `p${i}`, stream: 'burst', value: i });
    }
    const covered = (): boolean => {
      const a = account(client.messages);
      return a.answeredMutations.size + a.droppedMutations.size + a.answeredPublishes.size + a.droppedPublishes.size >= FRAMES;
    };
    await client.waitFor(() => covered(), 10_000);
    const a = account(client.messages);
    for (let i = 0; i < FRAMES / 2; i++) {
      // Each frame is answered or reported dropped, never both.
      expect(a.answeredMutations.has(i + 1) !== a.droppedMutations.has(i + 1)).toBe(true);
      expect(a.answeredPublishes.has(`p${i}`) !== a.droppedPublishes.has(`p${i}`)).toBe(true);
    }
    expect(a.droppedCount).toBe(a.droppedMutations.size + a.droppedPublishes.size);
    expect(a.droppedCount).toBeGreaterThan(FRAMES / 2);
    const reports = client.messages.filter(isRateLimited);
    // The first drop is reported at once; the rest of the burst by the timer, not message by message.
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.length).toBeLessThan(10);
    const last = reports.at(-1)?.details as unknown as DropDetails;
    expect(last.retryAfterMs).toBeGreaterThanOrEqual(0);
    expect(last.mutationIds.length).toBeGreaterThan(0);
  });

  it('reports the drops of a connection closed with 4029 before the close', async () => {
    h = await startHarness({ config: { messagesPerSecond: 10, burstMessages: 5, rateLimitCloseAfterMs: 50 } });
    const client = await h.client();
    let sent = 0;
    const timer = setInterval(() => {
      if (client.ws.readyState !== client.ws.OPEN) return clearInterval(timer);
      for (let i = 0; i < 20; i++) client.send({ type: 'publish', id: ++sent, stream: 'flood', value: sent });
    }, 10);
    await client.closed;
    clearInterval(timer);
    const a = account(client.messages);
    expect(a.answeredPublishes.size + a.droppedPublishes.size).toBeGreaterThan(5);
    expect(client.messages.at(-1)).toMatchObject({ type: 'error', code: 'rate_limited' });
  });
});
