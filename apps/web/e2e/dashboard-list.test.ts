/**
 * Issue 9, item 6: a dashboard created, renamed or deleted in one browser appears in every
 * open list without a reload, and the list filters by title.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SKIP_E2E, type PulseboardProcess } from './harness';
import { startTwoContexts, type TwoContextSession } from './session';

const rowTitles = (page: Page) => page.locator('[data-testid^="dashboard-row-"] .pb-board-row__title').allTextContents();

describe.skipIf(SKIP_E2E)('the dashboard list', () => {
  let session: TwoContextSession;
  let server: PulseboardProcess;
  let a: Page;
  let b: Page;

  beforeAll(async () => {
    session = await startTwoContexts({ id: 'e2e-list-ops', title: 'Operations', widgets: [] });
    server = session.server;
    const openList = async (label: string, ctx: typeof session.ctxA) => {
      const page = session.watch.add(await ctx.newPage(), label);
      await page.goto(`${server.url}/#/?token=${encodeURIComponent(server.token)}`);
      await page.getByTestId('dashboard-row-e2e-list-ops').waitFor({ timeout: 20_000 });
      return page;
    };
    [a, b] = await Promise.all([openList('A', session.ctxA), openList('B', session.ctxB)]);
  });

  afterAll(async () => {
    await session?.close('dashboard list');
  });

  it('shows a dashboard created, renamed and deleted elsewhere without a reload', async () => {
    await b.evaluate(() => ((window as unknown as { __e2eSession: string }).__e2eSession = 'alive'));
    await a.getByTestId('create-dashboard-title').fill('Sales floor');
    await a.getByTestId('create-dashboard-submit').click();
    await a.getByTestId('dashboard').waitFor();
    await expect.poll(() => rowTitles(b)).toEqual(['Operations', 'Sales floor']);

    await server.api('PUT', '/api/dashboards/e2e-list-ops', { title: 'Ops (EU)' });
    await expect.poll(() => rowTitles(b)).toEqual(['Ops (EU)', 'Sales floor']);

    await server.api('DELETE', '/api/dashboards/sales-floor');
    await expect.poll(() => rowTitles(b)).toEqual(['Ops (EU)']);
    expect(await b.evaluate(() => (window as unknown as { __e2eSession?: string }).__e2eSession)).toBe('alive');
  });

  it('filters by title, ignoring case and accents', async () => {
    await server.api('POST', '/api/dashboards', { id: 'e2e-list-cafe', title: 'Café revenue', widgets: {} });
    await expect.poll(() => rowTitles(b)).toEqual(['Café revenue', 'Ops (EU)']);
    await b.getByTestId('dashboard-search').fill('cafe');
    await expect.poll(() => rowTitles(b)).toEqual(['Café revenue']);
    await b.getByTestId('dashboard-search').fill('nothing like it');
    await b.getByTestId('search-empty').waitFor();
    await b.getByTestId('dashboard-search').fill('');
    await expect.poll(() => rowTitles(b)).toEqual(['Café revenue', 'Ops (EU)']);
  });
});
