/**
 * Issue 9, item 5: axe-core (from npm, injected into the page) reports no violation on the
 * dashboard list, a dashboard in view and in edit mode, the share dialog and the wallboard,
 * in the dark and the light theme, with widgets live, stale and in every status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SKIP_E2E, PageWatch, PulseboardProcess, launchBrowser, newContext, seedDashboard } from './harness';
import { axeViolations, describeViolations } from './axe';
import { enterEditMode, openDashboard } from './app';
import { WALL_WIDGETS, feedWallWidgets } from './readability-widgets';

const BOARD = 'e2e-a11y';

describe.skipIf(SKIP_E2E)('accessibility (axe-core)', () => {
  let server: PulseboardProcess;
  let browser: Browser;
  const watch = new PageWatch();

  beforeAll(async () => {
    server = new PulseboardProcess();
    [browser] = await Promise.all([launchBrowser(), server.start()]);
    await seedDashboard(server, { id: BOARD, title: 'Accessibility', widgets: WALL_WIDGETS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    expect(watch.finish('accessibility'), 'uncaught exceptions in the pages').toEqual([]);
  });

  /** A page in the given theme (set before the app loads, as a returning user has it). */
  async function themedPage(theme: 'dark' | 'light'): Promise<Page> {
    const context = await newContext(browser);
    await context.addInitScript(`localStorage.setItem('pulseboard.theme', ${JSON.stringify(theme)})`);
    return watch.add(await context.newPage(), theme);
  }

  /** Every page's violations, asserted at the end of each theme so one run names them all. */
  let found: string[] = [];
  async function expectNoViolations(page: Page, what: string): Promise<void> {
    const violations = await axeViolations(page);
    if (violations.length > 0) found.push(`${what}:\n${describeViolations(violations)}`);
  }

  async function widgetsLive(page: Page): Promise<void> {
    await page.waitForFunction(() => document.querySelectorAll('.pb-widget--live').length >= 7 && document.querySelectorAll('.pb-widget--stale').length >= 1, undefined, { timeout: 15_000 });
  }

  for (const theme of ['dark', 'light'] as const) {
    it(`finds nothing on the list, view, edit, share dialog and wallboard pages (${theme})`, async () => {
      found = [];
      // Fresh points: a stream pushed every few seconds goes stale after a few of its intervals.
      await feedWallWidgets(server);
      const page = await themedPage(theme);
      await openDashboard(page, server, BOARD);
      await widgetsLive(page);
      await expectNoViolations(page, `${theme} view`);

      await enterEditMode(page);
      await expectNoViolations(page, `${theme} edit`);

      await page.getByTestId('share-open').click();
      await page.getByTestId('share-dialog').waitFor();
      await page.getByTestId('share-create').click();
      await page.getByTestId('share-created').waitFor();
      await expectNoViolations(page, `${theme} share dialog`);
      await page.getByTestId('share-close').click();

      await page.goto(`${server.url}/#/`);
      await page.getByTestId('dashboard-row-e2e-a11y').waitFor();
      await expectNoViolations(page, `${theme} list`);

      await feedWallWidgets(server);
      await page.goto(`${server.url}/#/d/${BOARD}?kiosk`);
      await page.getByTestId('kiosk-canvas').waitFor();
      await widgetsLive(page);
      await expectNoViolations(page, `${theme} wallboard`);
      await page.context().close();
      expect(found, found.join('\n')).toEqual([]);
    });
  }
});
