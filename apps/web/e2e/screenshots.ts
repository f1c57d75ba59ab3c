/**
 * Takes the README's screenshots from the real app in Debian's Chromium, at 1440×900:
 *
 * - docs/screenshots/dashboard.png: the demo dashboard with live data from the demo feed;
 * - docs/screenshots/edit-mode.png: the same dashboard in edit mode with the side panel open.
 *
 *   npm run build:web && npx tsx apps/web/e2e/screenshots.ts [--wait 45]
 *
 * `--wait` is how many seconds of the demo feed (one point a second) to collect first, so the
 * line charts and sparklines have some history.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { PulseboardProcess, REPO_ROOT, launchBrowser, newContext, watchPage } from './harness';
import { enterEditMode, openDashboard, selectWidget } from './app';

const { values: flags } = parseArgs({ options: { wait: { type: 'string', default: '45' } } });
const WAIT_SECONDS = Number(flags.wait);
const OUT_DIR = path.join(REPO_ROOT, 'docs/screenshots');
const VIEWPORT = { width: 1440, height: 900 };

/** Waits until no CSS animation or transition is running, then for two more frames. */
async function settled(page: Page): Promise<void> {
  await page
    .waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, { timeout: 5_000 })
    .catch(() => undefined);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const server = new PulseboardProcess({ demo: true });
  const [browser] = await Promise.all([launchBrowser(), server.start()]);
  try {
    const context = await newContext(browser, VIEWPORT);
    const page = await context.newPage();
    const { errors } = watchPage(page, 'screenshots');
    console.log(`collecting ${WAIT_SECONDS} s of demo data…`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_SECONDS * 1000));

    await openDashboard(page, server, 'demo');
    // Live: every widget with a stream has data and the sync indicator says so.
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-indicator"]')?.getAttribute('data-state') === 'open');
    await page.waitForFunction(() => document.querySelectorAll('.pb-freshness--live').length >= 6, undefined, { timeout: 15_000 });
    // The latency figure starts with the first (cold) sample; let a few live updates settle it.
    await page
      .waitForFunction(() => {
        const text = document.querySelector('[data-testid="sync-latency"]')?.textContent ?? '';
        const ms = Number(/(\d+)\s*ms/.exec(text)?.[1] ?? NaN);
        return ms < 150;
      }, undefined, { timeout: 10_000 })
      .catch(() => console.warn('latency figure did not settle under 150 ms; taking the shot anyway'));
    await settled(page);
    const dashboardPng = path.join(OUT_DIR, 'dashboard.png');
    await page.screenshot({ path: dashboardPng });
    console.log(`wrote ${path.relative(REPO_ROOT, dashboardPng)}`);

    await enterEditMode(page);
    await selectWidget(page, 'requests');
    // The grid narrows to make room for the docked panel (a padding transition, then the grid
    // re-measures its width): wait until no widget lies under the panel.
    await page.waitForFunction(() => {
      const panel = document.querySelector('[data-testid="side-panel"]')?.getBoundingClientRect();
      const frames = [...document.querySelectorAll('[data-testid^="widget-"][data-type]')].map((el) => el.getBoundingClientRect());
      return panel !== undefined && frames.length > 0 && frames.every((r) => r.right <= panel.left + 1);
    }, undefined, { timeout: 10_000 });
    await settled(page);
    const editPng = path.join(OUT_DIR, 'edit-mode.png');
    await page.screenshot({ path: editPng });
    console.log(`wrote ${path.relative(REPO_ROOT, editPng)}`);

    if (errors.length) console.warn(`page errors:\n${errors.join('\n')}`);
  } finally {
    await browser.close();
    await server.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
