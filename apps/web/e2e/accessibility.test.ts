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

/** WCAG contrast ratio of a CSS rgb()/rgba() colour drawn over an opaque rgb() background (alpha blended). */
function contrastRatio(color: string, background: string): number {
  const channels = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
  const [br = 0, bg = 0, bb = 0] = channels(background);
  const [r = 0, g = 0, b = 0, alpha = 1] = channels(color);
  const over = [r * alpha + br * (1 - alpha), g * alpha + bg * (1 - alpha), b * alpha + bb * (1 - alpha)];
  const luminance = (rgb: number[]) => {
    const [lr, lg, lb] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lr! + 0.7152 * lg! + 0.0722 * lb!;
  };
  const [hi, lo] = [luminance(over), luminance([br, bg, bb])].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

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

  /** Focuses a widget from the keyboard's point of view and measures its ring (box-shadow colour) against the page background. */
  async function focusRingContrast(page: Page): Promise<number> {
    // A key press first: the browser shows the ring for focus that follows keyboard use.
    await page.keyboard.press('Shift');
    await page.locator('.react-grid-item[tabindex="0"]').first().focus();
    await page.waitForFunction(() => document.activeElement?.matches('.react-grid-item:focus-visible') ?? false, undefined, { timeout: 5_000 });
    // The ring fades in (a box-shadow transition): measure it once it is there.
    await page.waitForFunction(() => document.activeElement!.querySelector('.pb-widget')!.getAnimations().length === 0);
    const [ring, background] = await page.evaluate(() => {
      const frame = document.activeElement!.querySelector('.pb-widget')!;
      const shadow = getComputedStyle(frame).boxShadow;
      return [/rgba?\([^)]*\)/.exec(shadow)?.[0] ?? '', getComputedStyle(document.body).backgroundColor];
    });
    return contrastRatio(ring, background);
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
      expect(await focusRingContrast(page), `${theme}: focus ring against the page`).toBeGreaterThanOrEqual(3);

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
