/**
 * Issue 9, item 4: the wallboard (kiosk) view. At 1366×768, 1920×1080 and 3840×2160 the
 * whole dashboard fits the screen (no scrollbar, every widget inside the viewport, no top
 * bar; screenshots with PULSEBOARD_UPDATE_SCREENSHOTS=1 go to docs/screenshots/), the
 * cursor hides when idle, a playlist of two dashboards cycles, and a wallboard keeps showing
 * live data across two server kills without a reload. Item 5: a status word fits its
 * default-size tile.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SKIP_E2E, PageWatch, PulseboardProcess, REPO_ROOT, launchBrowser, newContext, seedDashboard } from './harness';
import { openDashboard, statValue } from './app';
import { WALL_WIDGETS, feedWallWidgets } from './readability-widgets';
import { chunkOf, collectScripts, lazyScripts } from './bundle';

const BOARD = 'e2e-wall';
const OTHER = 'e2e-wall-2';
const SHOTS = process.env.PULSEBOARD_UPDATE_SCREENSHOTS === '1' ? path.join(REPO_ROOT, 'docs/screenshots') : path.join(tmpdir(), 'pulseboard-screenshots');

describe.skipIf(SKIP_E2E)('wallboard (kiosk) mode', () => {
  let server: PulseboardProcess;
  let browser: Browser;
  const watch = new PageWatch();

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 50 } } });
    mkdirSync(SHOTS, { recursive: true });
    server = new PulseboardProcess();
    [browser] = await Promise.all([launchBrowser(), server.start()]);
    await seedDashboard(server, { id: BOARD, title: 'Operations wall', widgets: WALL_WIDGETS });
    await seedDashboard(server, { id: OTHER, title: 'Sales wall', widgets: [{ id: 'sales', type: 'stat', title: 'Sales today', stream: 'wall.sales', layout: { x: 0, y: 0, w: 6, h: 3 } }] });
    await feedWallWidgets(server);
    await server.push('wall.sales', 1234);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    expect(watch.finish('wallboard'), 'uncaught exceptions in the pages').toEqual([]);
  });

  async function openKiosk(viewport: { width: number; height: number }, hash: string, scripts?: string[]): Promise<Page> {
    const context = await newContext(browser, viewport);
    // Wallboards live on dark screens (and the dark theme is the one the screenshots show).
    await context.addInitScript("localStorage.setItem('pulseboard.theme', 'dark')");
    const page = watch.add(await context.newPage(), `kiosk ${viewport.width}x${viewport.height}`);
    if (scripts) collectScripts(page, scripts);
    await page.goto(`${server.url}/${hash}${hash.includes('?') ? '&' : '?'}token=${encodeURIComponent(server.token)}`);
    await page.getByTestId('kiosk-canvas').waitFor({ timeout: 20_000 });
    return page;
  }

  for (const viewport of [
    { width: 1366, height: 768 },
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
  ]) {
    it(`fits the whole dashboard on a ${viewport.width}×${viewport.height} screen`, async () => {
      const page = await openKiosk(viewport, `#/d/${BOARD}?kiosk`);
      await page.waitForFunction((n) => document.querySelectorAll('.pb-widget--live, .pb-widget--stale').length >= n, WALL_WIDGETS.length - 1);
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        scrollHeight: document.documentElement.scrollHeight,
        innerWidth: window.innerWidth,
        innerHeight: window.innerHeight,
        topbars: document.querySelectorAll('[data-testid="topbar"]').length,
        buttons: document.querySelectorAll('button').length,
        clippedWords: [...document.querySelectorAll<HTMLElement>('[data-testid="status-label"]')].filter((el) => el.scrollWidth > el.clientWidth).map((el) => el.textContent),
        frames: [...document.querySelectorAll('[data-testid^="widget-"][data-type]')].map((el) => {
          const r = el.getBoundingClientRect();
          return { id: el.getAttribute('data-testid'), left: r.left, top: r.top, right: r.right, bottom: r.bottom };
        }),
      }));
      expect(layout.topbars, 'no top bar').toBe(0);
      expect(layout.buttons, 'no control at all').toBe(0);
      expect(layout.clippedWords, 'status words cut off').toEqual([]);
      expect(layout.scrollWidth, 'no horizontal scrollbar').toBeLessThanOrEqual(layout.innerWidth);
      expect(layout.scrollHeight, 'no vertical scrollbar').toBeLessThanOrEqual(layout.innerHeight);
      expect(layout.frames).toHaveLength(WALL_WIDGETS.length);
      for (const f of layout.frames) {
        expect(f.left, `${f.id} left`).toBeGreaterThanOrEqual(0);
        expect(f.top, `${f.id} top`).toBeGreaterThanOrEqual(0);
        expect(f.right, `${f.id} right`).toBeLessThanOrEqual(layout.innerWidth);
        expect(f.bottom, `${f.id} bottom`).toBeLessThanOrEqual(layout.innerHeight);
      }
      // The grid fills the screen: the lowest widget ends near the bottom edge.
      expect(Math.max(...layout.frames.map((f) => f.bottom))).toBeGreaterThan(layout.innerHeight * 0.9);
      await page.getByTestId('kiosk-dot').waitFor();
      await page.screenshot({ path: path.join(SHOTS, `kiosk-${viewport.width}x${viewport.height}.png`) });
      await page.context().close();
    });
  }

  it('hides the cursor after a few idle seconds and shows it on movement', async () => {
    const page = await openKiosk({ width: 1366, height: 768 }, `#/d/${BOARD}?kiosk`);
    await page.mouse.move(200, 200);
    await page.waitForFunction(() => document.documentElement.classList.contains('pb-cursor-idle'), undefined, { timeout: 10_000 });
    await page.mouse.move(300, 300);
    expect(await page.evaluate(() => document.documentElement.classList.contains('pb-cursor-idle'))).toBe(false);
    await page.context().close();
  });

  it('loads no code on demand for a dashboard of stat widgets: no editor, drag-and-drop grid or chart', async () => {
    const scripts: string[] = [];
    const page = await openKiosk({ width: 1920, height: 1080 }, `#/d/${OTHER}?kiosk`, scripts);
    await expect.poll(() => statValue(page, 'sales')).toMatch(/^1,?234$/);
    expect(scripts.length, 'the page loaded its scripts').toBeGreaterThan(0);
    expect(lazyScripts(scripts)).toEqual([]);
    await page.context().close();

    // A chart and a text widget bring their renderers, and still no editor.
    const withChart: string[] = [];
    const wall = await openKiosk({ width: 1920, height: 1080 }, `#/d/${BOARD}?kiosk`, withChart);
    await wall.locator('[data-testid="widget-load"] canvas').first().waitFor();
    expect(lazyScripts(withChart)).toEqual(expect.arrayContaining([chunkOf('src/widgets/LineWidget.tsx'), chunkOf('src/widgets/TextWidget.tsx')]));
    expect(lazyScripts(withChart)).not.toContain(chunkOf('src/app/editor.ts'));
    await wall.context().close();
  });

  it('cycles a playlist of two dashboards', async () => {
    const page = await openKiosk({ width: 1366, height: 768 }, `#/?kiosk&cycle=${BOARD},${OTHER}&every=2s`);
    const shown = () => page.getByTestId('kiosk').getAttribute('data-kiosk-id');
    expect(await shown()).toBe(BOARD);
    await expect.poll(shown).toBe(OTHER);
    await expect.poll(() => statValue(page, 'sales')).toMatch(/^1,?234$/);
    await expect.poll(shown).toBe(BOARD);
    await page.context().close();
  });

  it('saves a playlist on the server, opens it on a TV through its own link, and follows its deletion live', async () => {
    const context = await newContext(browser);
    const editor = watch.add(await context.newPage(), 'playlist editor');
    await editor.goto(`${server.url}/#/?token=${encodeURIComponent(server.token)}`);
    await editor.getByTestId('playlist-form').waitFor({ timeout: 20_000 });
    await editor.getByTestId('playlist-name').fill('Lobby');
    await editor.getByTestId(`playlist-board-${OTHER}`).check();
    await editor.getByTestId(`playlist-board-${BOARD}`).check();
    await editor.getByTestId('playlist-save').click();
    await editor.locator('[data-testid="playlist"][data-name="Lobby"]').waitFor();
    const stored = (await server.api<{ latest: Record<string, unknown> }>('GET', '/api/streams/pulseboard.playlists')).latest;
    expect(stored).toEqual({ Lobby: { ids: [OTHER, BOARD], everyMs: 30_000 } });

    // The TV gets a link with a token of its own: view on the playlist's dashboards, read on the playlists.
    await editor.locator('[data-testid="playlist"][data-name="Lobby"]').getByTestId('playlist-link').click();
    const tvUrl = await editor.getByTestId('playlist-link-url').inputValue();
    expect(tvUrl).toContain('#/?kiosk&playlist=Lobby&token=pb_');
    const tvContext = await newContext(browser, { width: 1366, height: 768 });
    const tv = watch.add(await tvContext.newPage(), 'tv');
    const refused: string[] = [];
    tv.on('response', (r) => {
      if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`);
    });
    await tv.goto(tvUrl);
    await expect.poll(() => tv.getByTestId('kiosk').getAttribute('data-kiosk-id')).toBe(OTHER);
    await expect.poll(() => statValue(tv, 'sales')).toMatch(/^1,?234$/);
    expect(refused).toEqual([]);
    expect(await tv.getByTestId('kiosk-dot').getAttribute('aria-label')).toContain('dashboard 1 of 2');

    await editor.locator('[data-testid="playlist"][data-name="Lobby"]').getByTestId('playlist-delete').click();
    await tv.getByTestId('playlist-missing').waitFor();
    await tv.context().close();
    await context.close();
  });

  it('keeps showing live data across two server kills, without a reload', async () => {
    const page = await openKiosk({ width: 1920, height: 1080 }, `#/d/${BOARD}?kiosk`);
    await page.evaluate(() => ((window as unknown as { __e2eSession: string }).__e2eSession = 'alive'));
    const dot = () => page.getByTestId('kiosk-dot').getAttribute('data-state');
    await server.push('wall.cpu', 11);
    await expect.poll(() => statValue(page, 'cpu')).toBe('11%');
    for (const value of [22, 33]) {
      await server.kill9();
      await expect.poll(dot).not.toBe('open');
      await server.start();
      await server.push('wall.cpu', value);
      await expect.poll(dot, { timeout: 30_000 }).toBe('open');
      await expect.poll(() => statValue(page, 'cpu')).toBe(`${value}%`);
    }
    expect(await page.evaluate(() => (window as unknown as { __e2eSession?: string }).__e2eSession)).toBe('alive');
    await page.context().close();
  });

  it('shows a status word whole at the default tile size', async () => {
    const context = await newContext(browser);
    const page = watch.add(await context.newPage(), 'status');
    await openDashboard(page, server, BOARD);
    await page.locator('[data-testid="widget-db"] [data-testid="status-label"]').waitFor();
    const labels = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="status-label"]')].map((el) => ({ text: el.textContent, fits: el.scrollWidth <= el.clientWidth })),
    );
    expect(labels).toEqual([
      { text: 'ok', fits: true },
      { text: 'degraded', fits: true },
      { text: 'down', fits: true },
    ]);
    await context.close();
  });
});
