/**
 * The setup every two-context suite shares: a server (child process) and Chromium started
 * together, one seeded dashboard, two browser contexts A and B, and a PageWatch that the
 * teardown checks for uncaught page exceptions.
 */
import { expect, vi } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PulseboardProcess, PageWatch, launchBrowser, newContext, seedDashboard, type SeedWidget } from './harness';
import { openDashboard } from './app';

export interface TwoContextSession {
  server: PulseboardProcess;
  browser: Browser;
  ctxA: BrowserContext;
  ctxB: BrowserContext;
  watch: PageWatch;
  /** A new page in `ctx`, watched as `label`, with the seeded dashboard open. */
  open(ctx: BrowserContext, label: string): Promise<Page>;
  /** Closes the browser and the server, then asserts no page threw. */
  close(suite: string): Promise<void>;
}

export async function startTwoContexts(dashboard: { id: string; title: string; widgets: SeedWidget[] }): Promise<TwoContextSession> {
  // Conditions are awaited, never slept on: give each poll room on a loaded machine.
  vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 50 } } });
  const server = new PulseboardProcess();
  const watch = new PageWatch();
  let browser: Browser | undefined;
  try {
    [browser] = await Promise.all([launchBrowser(), server.start()]);
    await seedDashboard(server, dashboard);
    const [ctxA, ctxB] = [await newContext(browser), await newContext(browser)];
    const started = browser;
    return {
      server,
      browser: started,
      ctxA,
      ctxB,
      watch,
      async open(ctx, label) {
        const page = await ctx.newPage();
        watch.add(page, label);
        await openDashboard(page, server, dashboard.id);
        return page;
      },
      async close(suite) {
        await started.close();
        await server.dispose();
        expect(watch.finish(suite), 'uncaught exceptions in the pages').toEqual([]);
      },
    };
  } catch (error) {
    await browser?.close();
    await server.dispose();
    throw error;
  }
}
