/**
 * Issue 4, item 5c: the server is killed (SIGKILL) and restarted mid-session on the same
 * port and data directory. Both contexts recover without a page reload and miss no data
 * point: a numbered sequence is pushed before the kill and right after the restart (before
 * the pages have reconnected), and each page ends with the latest value and a gap-free
 * history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PulseboardProcess, SKIP_E2E, launchBrowser, newContext, seedDashboard, watchPage } from './harness';
import { connectionState, openDashboard, statValue, streamHistory } from './app';

const BOARD = 'e2e-restart';
const STREAM = 'e2e.seq';

describe.skipIf(SKIP_E2E)('server killed and restarted mid-session', () => {
  let server: PulseboardProcess;
  let browser: Browser;
  let ctxA: BrowserContext;
  let ctxB: BrowserContext;
  let pages: Page[] = [];
  const errors: string[][] = [];

  beforeAll(async () => {
    server = new PulseboardProcess();
    [browser] = await Promise.all([launchBrowser(), server.start()]);
    await seedDashboard(server, {
      id: BOARD,
      title: 'E2E restart',
      widgets: [
        { id: 'seq', type: 'stat', title: 'Sequence', stream: STREAM, layout: { x: 0, y: 0, w: 4, h: 2 } },
        { id: 'seqline', type: 'line', title: 'Sequence (line)', stream: STREAM, layout: { x: 4, y: 0, w: 8, h: 3 } },
      ],
    });
    ctxA = await newContext(browser);
    ctxB = await newContext(browser);
    pages = [await ctxA.newPage(), await ctxB.newPage()];
    errors.push(watchPage(pages[0]!, 'A').errors, watchPage(pages[1]!, 'B').errors);
    await Promise.all(pages.map((page) => openDashboard(page, server, BOARD)));
  });

  afterAll(async () => {
    const seen = errors.flat();
    if (seen.length) console.warn(`page errors during the restart suite:\n${seen.join('\n')}`);
    await browser?.close();
    await server?.dispose();
  });

  it('recovers both contexts without a reload and misses no point', async () => {
    const push = async (from: number, to: number) => {
      for (let n = from; n <= to; n++) await server.push(STREAM, n);
    };
    // A marker that a reload would wipe.
    for (const page of pages) await page.evaluate(() => ((window as unknown as { __e2eSession: string }).__e2eSession = 'alive'));
    for (const page of pages) await expect.poll(() => connectionState(page)).toBe('open');

    await push(1, 10);
    for (const page of pages) await expect.poll(() => statValue(page, 'seq')).toBe('10');

    await server.kill9();
    // Both pages notice the lost connection.
    for (const page of pages) await expect.poll(() => connectionState(page), { timeout: 20_000 }).not.toBe('open');

    await server.start();
    // Pushed at once: the pages are still backing off, so these arrive through recovery by offset.
    await push(11, 20);
    for (const page of pages) {
      await expect.poll(() => connectionState(page), { timeout: 30_000 }).toBe('open');
      await expect.poll(() => statValue(page, 'seq'), { timeout: 15_000 }).toBe('20');
    }
    await push(21, 25);
    for (const page of pages) await expect.poll(() => statValue(page, 'seq')).toBe('25');

    for (const page of pages) {
      // Same document, no reload.
      expect(await page.evaluate(() => (window as unknown as { __e2eSession?: string }).__e2eSession)).toBe('alive');
      // Gap-free history: values 1..25 in order, with dense offsets.
      const history = await streamHistory(page, STREAM);
      expect(history.map((p) => p.value)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      const offsets = history.map((p) => p.offset);
      expect(offsets).toEqual(Array.from({ length: 25 }, (_, i) => offsets[0]! + i));
    }
  });
});
