/**
 * Issue 4, item 5c: the server is killed (SIGKILL) and restarted mid-session on the same
 * port and data directory. Both contexts recover without a page reload and miss no data
 * point: a numbered sequence is pushed before the kill and right after each restart (once
 * while the pages are still backing off, once while they are held off the network so the
 * points can only come through recovery by offset), and each page ends with the latest
 * value in its stat and line widgets and a gap-free history in its client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { SKIP_E2E, getStream, type PulseboardProcess } from './harness';
import { startTwoContexts, type TwoContextSession } from './session';
import { connectionState, lineLatest, statValue, streamHistory } from './app';

const BOARD = 'e2e-restart';
const STREAM = 'e2e.seq';

describe.skipIf(SKIP_E2E)('server killed and restarted mid-session', () => {
  let session: TwoContextSession;
  let server: PulseboardProcess;
  let ctxA: BrowserContext;
  let ctxB: BrowserContext;
  let pages: Page[] = [];

  beforeAll(async () => {
    session = await startTwoContexts({
      id: BOARD,
      title: 'E2E restart',
      widgets: [
        { id: 'seq', type: 'stat', title: 'Sequence', stream: STREAM, layout: { x: 0, y: 0, w: 4, h: 2 } },
        { id: 'seqline', type: 'line', title: 'Sequence (line)', stream: STREAM, layout: { x: 4, y: 0, w: 8, h: 3 } },
      ],
    });
    ({ server, ctxA, ctxB } = session);
    pages = await Promise.all([session.open(ctxA, 'A'), session.open(ctxB, 'B')]);
  });

  afterAll(async () => {
    await session?.close('server restart');
  });

  it('recovers both contexts without a reload and misses no point', async () => {
    const push = async (from: number, to: number) => {
      for (let n = from; n <= to; n++) await server.push(STREAM, n);
    };
    const showsLatest = async (n: number, timeout = 15_000) => {
      for (const page of pages) {
        await expect.poll(() => statValue(page, 'seq'), { timeout }).toBe(String(n));
        await expect.poll(() => lineLatest(page, 'seqline'), { timeout }).toBe(String(n));
      }
    };
    const allOpen = async () => {
      for (const page of pages) await expect.poll(() => connectionState(page), { timeout: 30_000 }).toBe('open');
    };
    const allLost = async () => {
      for (const page of pages) await expect.poll(() => connectionState(page), { timeout: 20_000 }).not.toBe('open');
    };
    /** Each page's own copy of the stream (the client behind the widgets) equals the server's: every point, in order, once, at its offset. */
    const historiesMatchServer = async (when: string) => {
      const stored = (await getStream(server, STREAM)).history.map((p) => `${p.offset}:${String(p.value)}`);
      for (const [i, page] of pages.entries()) {
        const history = (await streamHistory(page, STREAM)).map((p) => `${p.offset}:${String(p.value)}`);
        expect(history, `page ${i === 0 ? 'A' : 'B'}'s client history (offset:value) ${when}`).toEqual(stored);
      }
    };

    // A marker that a reload would wipe.
    for (const page of pages) await page.evaluate(() => ((window as unknown as { __e2eSession: string }).__e2eSession = 'alive'));
    await allOpen();
    await push(1, 10);
    await showsLatest(10);

    // 1. Kill and restart; push at once, while the pages are still backing off.
    await server.kill9();
    await allLost();
    await server.start();
    await push(11, 20);
    await allOpen();
    await showsLatest(20);
    await historiesMatchServer('after the restart while the pages were backing off');

    // 2. Kill again, and hold the pages off the network until the points are in: now they
    //    can only arrive through recovery by offset after the reconnect, never live.
    await server.kill9();
    await allLost();
    await Promise.all([ctxA.setOffline(true), ctxB.setOffline(true)]);
    await server.start();
    await push(21, 30);
    for (const page of pages) {
      expect(await statValue(page, 'seq')).toBe('20');
      expect(await connectionState(page)).not.toBe('open');
    }
    await Promise.all([ctxA.setOffline(false), ctxB.setOffline(false)]);
    await allOpen();
    await showsLatest(30);
    await historiesMatchServer('after the restart while the pages were held off the network');

    // 3. Live again.
    await push(31, 35);
    await showsLatest(35);

    const expected = Array.from({ length: 35 }, (_, i) => i + 1);
    // The server kept every point once, with dense offsets.
    const stored = await getStream(server, STREAM);
    expect(stored.history.map((p) => p.value)).toEqual(expected);
    const storedOffsets = stored.history.map((p) => p.offset);
    expect(storedOffsets).toEqual(expected.map((_, i) => storedOffsets[0]! + i));

    for (const page of pages) {
      // Same document, never reloaded.
      expect(await page.evaluate(() => (window as unknown as { __e2eSession?: string }).__e2eSession)).toBe('alive');
    }
    await historiesMatchServer('at the end');
  });
});
