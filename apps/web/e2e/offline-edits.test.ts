/**
 * Issue 4, item 5b: context A goes offline, makes three edits, and its page is closed while
 * still offline. The network comes back and the dashboard is opened again in A's context:
 * the three edits, restored from IndexedDB, are sent, and B sees all three exactly once —
 * checked in B's UI and through the server's HTTP API.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT, SKIP_E2E, getDashboard, newContext, type PageWatch, type PulseboardProcess } from './harness';
import { startTwoContexts, type TwoContextSession } from './session';
import {
  addWidget,
  connectionState,
  deleteWidget,
  enterEditMode,
  openDashboard,
  pendingCount,
  renameWidget,
  widget,
  widgetIds,
  widgetTitle,
} from './app';

const BOARD = 'e2e-offline';

/** The topics the page's client has saved in IndexedDB (the `topics` store of IndexedDbOfflineStore). */
function savedTopics(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('pulseboard-client');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('topics')) {
            db.close();
            resolve([]);
            return;
          }
          const keys = db.transaction('topics').objectStore('topics').getAllKeys();
          keys.onerror = () => reject(keys.error);
          keys.onsuccess = () => {
            db.close();
            resolve((keys.result as unknown as Array<[string, string]>).map(([, topic]) => topic));
          };
        };
      }),
  );
}

/** The build's files under apps/web/dist/assets, without source maps and precompressed twins. */
function builtAssets(): string[] {
  return readdirSync(path.join(REPO_ROOT, 'apps/web/dist/assets')).filter((file) => !/\.(map|br|gz)$/.test(file));
}

describe.skipIf(SKIP_E2E)('offline edits survive a closed page and are applied exactly once', () => {
  let session: TwoContextSession;
  let server: PulseboardProcess;
  let browser: Browser;
  let ctxA: BrowserContext;
  let watch: PageWatch;
  let pageB: Page;

  beforeAll(async () => {
    session = await startTwoContexts({
      id: BOARD,
      title: 'E2E offline',
      widgets: [
        { id: 'alpha', type: 'stat', title: 'Alpha', stream: 'e2e.alpha', layout: { x: 0, y: 0, w: 4, h: 2 } },
        { id: 'beta', type: 'stat', title: 'Beta', stream: 'e2e.beta', layout: { x: 4, y: 0, w: 4, h: 2 } },
        { id: 'gamma', type: 'stat', title: 'Gamma', stream: 'e2e.gamma', layout: { x: 8, y: 0, w: 4, h: 2 } },
      ],
    });
    ({ server, browser, ctxA, watch } = session);
    pageB = await session.open(session.ctxB, 'B');
  });

  afterAll(async () => {
    await session?.close('offline edits');
  });

  it('queues three edits offline, keeps them across the closed page, and sends each once', async () => {
    const before = await getDashboard(server, BOARD);
    const pageA = await ctxA.newPage();
    watch.add(pageA, 'A (first page)');
    await openDashboard(pageA, server, BOARD);
    await enterEditMode(pageA);

    // Offline. (Whether the app notices at once is the next test's business: the edits must
    // be kept whatever the app believes about its socket.)
    await ctxA.setOffline(true);
    await pageA.waitForFunction(() => !navigator.onLine);

    // Three edits, each optimistic (visible at once in A).
    await renameWidget(pageA, 'alpha', 'Alpha (edited offline)');
    await expect.poll(() => widgetTitle(pageA, 'alpha')).toBe('Alpha (edited offline)');
    const added = await addWidget(pageA, 'stat');
    await deleteWidget(pageA, 'gamma');
    await widget(pageA, 'gamma').waitFor({ state: 'detached' });
    await expect.poll(() => pendingCount(pageA), { timeout: 10_000 }).toBe(3);

    // B sees none of them, and the server has none of them.
    expect(await widgetTitle(pageB, 'alpha')).toBe('Alpha');
    expect((await widgetIds(pageB)).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect((await getDashboard(server, BOARD)).version).toBe(before.version);

    // Close A's page while still offline; only IndexedDB keeps the three edits now.
    await pageA.close();
    await ctxA.setOffline(false);

    const pageA2 = await ctxA.newPage();
    watch.add(pageA2, 'A (reopened)');
    await openDashboard(pageA2, server, BOARD);

    // B sees all three edits…
    await expect.poll(() => widgetTitle(pageB, 'alpha'), { timeout: 20_000 }).toBe('Alpha (edited offline)');
    await widget(pageB, 'gamma').waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(async () => (await widgetIds(pageB)).sort(), { timeout: 20_000 }).toEqual([added, 'alpha', 'beta'].sort());
    // …and A's queue drains.
    await expect.poll(() => pendingCount(pageA2), { timeout: 20_000 }).toBe(0);

    // Exactly once: the server applied three mutations, no more (each applied event advances
    // the version by one), and the document holds each edit once.
    const after = await getDashboard(server, BOARD);
    expect(after.version).toBe(before.version + 3);
    expect(Object.keys(after.widgets).sort()).toEqual([added, 'alpha', 'beta'].sort());
    expect(after.widgets.alpha?.title).toBe('Alpha (edited offline)');
    expect(after.widgets[added]?.type).toBe('stat');
    // B holds that same version, and shows each edit once.
    await expect.poll(() => pageB.getByTestId('dashboard').getAttribute('data-version')).toBe(String(after.version));
    expect(await pageB.locator('[data-testid^="widget-"][data-title="Alpha (edited offline)"]').count()).toBe(1);

    // Still once after both pages have settled (no late duplicate from a resend).
    await pageA2.reload();
    await pageA2.getByTestId('dashboard-grid').waitFor();
    await expect.poll(() => pendingCount(pageA2)).toBe(0);
    expect((await getDashboard(server, BOARD)).version).toBe(before.version + 3);
    expect((await widgetIds(pageB)).sort()).toEqual([added, 'alpha', 'beta'].sort());
    await pageA2.close();
  });

  it('reloads offline from the service worker with its queued edit, and sends it once back online', async () => {
    const before = await getDashboard(server, BOARD);
    const ctx = await newContext(browser);
    const page = watch.add(await ctx.newPage(), 'D');
    await openDashboard(page, server, BOARD);
    // The app-shell worker is installed and controls the page.
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined, undefined, { timeout: 15_000 });
    // It precached every file of the build at install, the parts this page never loaded included.
    const cached = await page.evaluate(async () => {
      const names = (await caches.keys()).filter((name) => name.startsWith('pulseboard-'));
      const urls = await Promise.all(names.map(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)));
      return { names, paths: urls.flat() };
    });
    expect(cached.names).toHaveLength(1);
    expect(cached.paths).toEqual(expect.arrayContaining(builtAssets().map((file) => `/assets/${file}`)));

    // The page saves the dashboard it shows within 250 ms (TOPIC_FIRST_SAVE_MS); from then on an offline reload can show it.
    await expect.poll(() => savedTopics(page), { timeout: 10_000 }).toContain(`dashboard:${BOARD}`);

    await ctx.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    await enterEditMode(page);
    await renameWidget(page, 'beta', 'Beta (offline reload)');
    await expect.poll(() => pendingCount(page), { timeout: 10_000 }).toBe(1);

    // Reload while offline: the shell comes from the worker, the edit from IndexedDB.
    await page.reload();
    await page.getByTestId('topbar').waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(() => pendingCount(page), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 10_000 });
    expect((await getDashboard(server, BOARD)).version).toBe(before.version);
    // The build's hashed files came from the worker's cache by the browser's static route, the worker not asked.
    const assetSources = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((r) => new URL(r.name).pathname.startsWith('/assets/'))
        .map((r) => (r as PerformanceResourceTiming & { workerMatchedSourceType?: string }).workerMatchedSourceType),
    );
    expect(assetSources.length).toBeGreaterThan(0);
    expect(new Set(assetSources)).toEqual(new Set(['cache']));
    // The dashboard itself shows, from the snapshot the page saved, with the queued edit on it.
    await page.getByTestId('dashboard-grid').waitFor({ state: 'visible', timeout: 10_000 });
    await expect.poll(() => widgetTitle(page, 'beta')).toBe('Beta (offline reload)');
    // A part of the app this browser never opened online (the widget gallery: its chunk and the
    // line and text widgets' chunks) opens offline, from what the worker precached (its sample of a
    // broken widget logs an error on purpose).
    await page.getByTestId('gallery-link').click();
    await page.getByText('Widget gallery').waitFor({ state: 'visible', timeout: 10_000 });
    await page.goBack();
    await page.getByTestId('sync-pending').waitFor({ state: 'visible', timeout: 10_000 });

    await ctx.setOffline(false);
    await expect.poll(() => pendingCount(page), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => widgetTitle(pageB, 'beta'), { timeout: 20_000 }).toBe('Beta (offline reload)');
    const after = await getDashboard(server, BOARD);
    expect(after.version).toBe(before.version + 1);
    expect(after.widgets.beta?.title).toBe('Beta (offline reload)');
    await ctx.close();
  });

  it('tells the person at once when the browser goes offline, and when it is back', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    watch.add(page, 'C');
    await openDashboard(page, server, BOARD);
    await expect.poll(() => connectionState(page)).toBe('open');
    await ctx.setOffline(true);
    // The browser fired 'offline'; the banner and the indicator must follow within seconds,
    // not after the dead-connection timeout.
    await page.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 10_000 });
    await expect.poll(() => connectionState(page)).not.toBe('open');
    await ctx.setOffline(false);
    await expect.poll(() => connectionState(page), { timeout: 15_000 }).toBe('open');
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 10_000 });
    await ctx.close();
  });
});
