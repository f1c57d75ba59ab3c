/**
 * Issue 12 in the browser: a widget bound to a PromQL query (a `prometheus` source reading a
 * real Prometheus that scrapes the server under test) shows the value Prometheus reports; a
 * widget fed by a failing source says why in its freshness badge; the Sources page lists
 * both with their status.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
// Test support of the server package (until shared test helpers move to packages/testing).
import { skipWithoutPrometheus, startPrometheus, type PrometheusProcess } from '@pulseboard/testing';
import { SKIP_E2E, PageWatch, PulseboardProcess, freePort, launchBrowser, newContext, seedDashboard } from './harness';
import { enterEditMode, openDashboard, selectWidget, statValue, widget } from './app';

const BOARD = 'e2e-sources';
const QUERY = 'count(up{job="pulseboard"}) * 42';

describe.skipIf(SKIP_E2E || skipWithoutPrometheus())('pull sources in the web app', () => {
  let server: PulseboardProcess;
  let prometheus: PrometheusProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const watch = new PageWatch();

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 20_000, interval: 100 } } });
    server = new PulseboardProcess({ extraArgs: ['--source-hosts', '127.0.0.1'] });
    [browser] = await Promise.all([launchBrowser(), server.start()]);
    prometheus = await startPrometheus(`127.0.0.1:${server.port}`);
    await seedDashboard(server, {
      id: BOARD,
      title: 'E2E sources',
      widgets: [
        { id: 'prom', type: 'stat', title: 'Targets × 42', stream: 'e2e.prom.targets', layout: { x: 0, y: 0, w: 4, h: 2 } },
        { id: 'broken', type: 'stat', title: 'Broken feed', stream: 'e2e.broken', layout: { x: 4, y: 0, w: 4, h: 2 } },
        { id: 'fresh', type: 'stat', title: 'Fed from the panel', layout: { x: 8, y: 0, w: 4, h: 2 } },
      ],
    });
    // Waits for Prometheus's first scrape of the server (every second).
    await vi.waitFor(
      async () => {
        const res = await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(QUERY)}`);
        expect(((await res.json()) as { data: { result: unknown[] } }).data.result).toHaveLength(1);
      },
      { timeout: 20_000, interval: 200 },
    );
    await server.api('POST', '/api/sources', { kind: 'prometheus', id: 'e2e-prom', url: prometheus.url, intervalMs: 1000, queries: [{ stream: 'e2e.prom.targets', query: QUERY }] });
    const closedPort = await freePort();
    await server.api('POST', '/api/sources', { kind: 'http-json', id: 'e2e-broken', url: `http://127.0.0.1:${closedPort}/stats`, intervalMs: 60_000, selectors: [{ stream: 'e2e.broken', path: 'value' }] });
    const context = await newContext(browser);
    page = await context.newPage();
    watch.add(page, 'sources');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await prometheus?.stop();
    await server?.dispose();
    expect(watch.finish('sources'), 'uncaught exceptions in the page').toEqual([]);
  });

  it('shows the value Prometheus reports on the widget bound to the PromQL query', async () => {
    await openDashboard(page, server, BOARD);
    await expect.poll(() => statValue(page, 'prom')).toBe('42');
  });

  it("says in the freshness badge why a failing source's widget has no data", async () => {
    const badge = widget(page, 'broken').locator('[data-freshness]');
    // The widget asks after STREAM_SOURCE_GRACE_MS without a value.
    await expect.poll(() => badge.getAttribute('data-source-state'), { timeout: 10_000 }).toBe('failing');
    expect(await badge.textContent()).toContain('Source failing');
    expect(await badge.getAttribute('title')).toMatch(/connection to 127\.0\.0\.1:\d+ refused/);
    if (process.env.PULSEBOARD_E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.PULSEBOARD_E2E_SCREENSHOTS}/sources-dashboard.png` });
  });

  it("pulls a widget's data from a new source made in its side panel, after a test run", async () => {
    await enterEditMode(page);
    await selectWidget(page, 'fresh');
    const panel = page.getByTestId('pull-from-source');
    await panel.getByTestId('pull-url').fill(`${server.url}/api/health`);
    await panel.getByTestId('pull-expression').fill('`7`');
    await panel.getByTestId('pull-test').click();
    await expect.poll(() => panel.getByTestId('source-test-result').textContent()).toContain('source.fresh ← 7');
    await panel.getByTestId('pull-create').click();
    await expect.poll(() => statValue(page, 'fresh')).toBe('7');
    await expect.poll(() => panel.getByTestId('pull-current').textContent()).toContain('Fed by source');
    await page.getByTestId('panel-done').click();
  });

  it('lists the sources with their status on the Sources page', async () => {
    await page.getByTestId('sources-link').click();
    await page.getByTestId('sources-page').waitFor();
    const rows = page.getByTestId('source-row');
    // With what the page says, so a failure tells why the list is short (an error, still loading).
    const listed = async () => ({ rows: await rows.count(), said: await page.getByTestId('sources-page').locator('.pb-callout, .pb-muted').allTextContents() });
    await expect.poll(listed).toMatchObject({ rows: 3 });
    const broken = page.locator('[data-source-id="e2e-broken"]');
    await expect.poll(() => broken.getByTestId('source-error').getAttribute('data-code')).toBe('refused');
    await expect.poll(() => page.locator('[data-source-id="e2e-prom"]').getByTestId('source-state').getAttribute('data-state')).toBe('ok');
    if (process.env.PULSEBOARD_E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.PULSEBOARD_E2E_SCREENSHOTS}/sources-page.png` });
  });
});
