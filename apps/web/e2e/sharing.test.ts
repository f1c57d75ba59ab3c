/**
 * Issue 9, items 1–3: the admin makes a view link in the share dialog and opens it in a
 * second context: live updates, no edit control anywhere, a "View only" badge, no 401/403
 * and no console error. Opening the same link in the admin's own context adds an identity
 * and keeps the admin an admin. Revoking the link shows the viewer "This link was revoked"
 * within 2 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Response } from 'playwright-core';
import { SKIP_E2E, type PulseboardProcess } from './harness';
import { startTwoContexts, type TwoContextSession } from './session';
import { statValue, widgetTitle } from './app';
import { collectScripts, lazyScripts } from './bundle';

const BOARD = 'e2e-share';
const OTHER = 'e2e-share-other';

/** Controls a view-only identity must never see. */
const EDIT_CONTROLS = ['edit-toggle', 'add-widget', 'share-open', 'widget-settings', 'create-dashboard', 'rename-dashboard', 'delete-dashboard', 'empty-add-widget'];

async function visibleControls(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const id of EDIT_CONTROLS) if ((await page.getByTestId(id).count()) > 0) found.push(id);
  return found;
}

describe.skipIf(SKIP_E2E)('share links and viewer mode', () => {
  let session: TwoContextSession;
  let server: PulseboardProcess;
  let admin: Page;
  let viewer: Page;
  let link = '';
  const refused: string[] = [];
  const viewerConsole: string[] = [];

  beforeAll(async () => {
    session = await startTwoContexts({
      id: BOARD,
      title: 'Shared board',
      widgets: [{ id: 'cpu', type: 'stat', title: 'CPU', stream: 'share.cpu', layout: { x: 0, y: 0, w: 3, h: 2 } }],
    });
    server = session.server;
    await server.api('POST', '/api/dashboards', { id: OTHER, title: 'Not shared', widgets: {} });
    await server.push('share.cpu', 1);
    admin = await session.open(session.ctxA, 'admin');
  });

  afterAll(async () => {
    await session?.close('sharing');
  });

  it('makes a labelled view link in the dialog and lists it', async () => {
    await admin.getByTestId('share-open').click();
    await admin.getByTestId('share-dialog').waitFor();
    await admin.getByTestId('share-role').selectOption('view');
    await admin.getByTestId('share-expiry').selectOption('1d');
    await admin.getByTestId('share-label').fill('Lobby TV');
    await admin.getByTestId('share-create').click();
    link = await admin.getByTestId('share-url').inputValue();
    expect(link).toMatch(new RegExp(`#/d/${BOARD}\\?token=pb_`));
    const row = admin.getByTestId('share-row');
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['Lobby TV', 'Can view', 'admin', 'just now']);
    expect(cells[4]).toMatch(/^in 2[34] h$/);
    expect(cells[5]).toBe('never');
    await admin.getByTestId('share-close').click();
  });

  it('shows the viewer live data and no control the link cannot use, without a 401, 403 or console error', async () => {
    viewer = session.watch.add(await session.ctxB.newPage(), 'viewer');
    const scripts = collectScripts(viewer);
    viewer.on('response', (r: Response) => {
      if (r.status() === 401 || r.status() === 403) refused.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    viewer.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') viewerConsole.push(`${m.type()}: ${m.text()}`);
    });
    await viewer.goto(link);
    await viewer.getByTestId('dashboard-grid').waitFor({ timeout: 20_000 });
    await viewer.getByTestId('view-only-badge').waitFor();
    // The link's first read went out from index.html while the parser still ran (before the app's
    // module could), and the app took its answer: one read, not two.
    const reads = await viewer.evaluate((board) => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const live = performance.getEntriesByType('resource').filter((r) => r.name.endsWith(`/api/dashboards/${board}/live`));
      return { starts: live.map((r) => r.startTime), domInteractive: nav.domInteractive };
    }, BOARD);
    expect(reads.starts).toHaveLength(1);
    expect(reads.starts[0]).toBeLessThan(reads.domInteractive);
    expect(await visibleControls(viewer)).toEqual([]);

    await server.push('share.cpu', 42);
    await expect.poll(() => statValue(viewer, 'cpu')).toBe('42');
    await server.api('POST', `/api/dashboards/${BOARD}/mutations`, { clientId: 'e2e-share-editor', mutations: [{ mutationId: 1, name: 'updateWidget', args: { id: 'cpu', set: { title: 'CPU load' } } }] });
    await expect.poll(() => widgetTitle(viewer, 'cpu')).toBe('CPU load');
    // A view link to a dashboard of stat widgets needs nothing beyond the entry: no editor, drag-and-drop grid or chart.
    expect(scripts.length, 'the page loaded its scripts').toBeGreaterThan(0);
    expect(lazyScripts(scripts)).toEqual([]);

    // The list shows only the shared dashboard, with nothing to change.
    await viewer.getByTestId('home-link').click();
    await viewer.getByTestId(`dashboard-row-${BOARD}`).waitFor();
    expect(await viewer.getByTestId(`dashboard-row-${OTHER}`).count()).toBe(0);
    expect(await visibleControls(viewer)).toEqual([]);
    await viewer.getByTestId('dashboard-link').click();
    await viewer.getByTestId('dashboard-grid').waitFor();
    expect(await visibleControls(viewer)).toEqual([]);

    expect(refused, 'no request refused').toEqual([]);
    expect(viewerConsole, 'no console error or warning').toEqual([]);
  });

  it('keeps the admin an admin after opening the link in the admin’s own browser', async () => {
    const page = session.watch.add(await session.ctxA.newPage(), 'admin opens link');
    await page.goto(link);
    await page.getByTestId('dashboard-grid').waitFor({ timeout: 20_000 });
    await page.getByTestId('edit-toggle').waitFor();
    expect(await page.getByTestId('view-only-badge').count()).toBe(0);
    expect(await page.getByTestId('identity-menu').getAttribute('data-identity-role')).toBe('admin');
    await page.getByTestId('identity-menu').click();
    await expect.poll(() => page.getByTestId('identity-item').count()).toBe(2);

    // Switching to the link for this dashboard shows what the viewer sees; the list stays the admin's.
    await page.getByTestId('identity-use').click();
    await page.getByTestId('view-only-badge').waitFor();
    expect(await visibleControls(page)).toEqual([]);
    await page.getByTestId('home-link').click();
    await page.getByTestId('create-dashboard').waitFor();
    // The choice is the browser's (every tab follows it): switch back to the admin here.
    await page.getByTestId(`dashboard-row-${BOARD}`).getByTestId('dashboard-link').click();
    await page.getByTestId('view-only-badge').waitFor();
    await page.getByTestId('identity-menu').click();
    await page.getByTestId('identity-use').click();
    await page.getByTestId('edit-toggle').waitFor();
    await page.close();
    await admin.getByTestId('share-open').waitFor();
  });

  it('records when the link was last used', async () => {
    await admin.getByTestId('share-open').click();
    await expect.poll(() => admin.getByTestId('share-last-used').first().textContent()).not.toBe('never');
  });

  it('shows the viewer "This link was revoked" within 2 s of revoking it', async () => {
    await admin.getByTestId('share-revoke').first().click();
    await viewer.getByTestId('token-ended').waitFor({ timeout: 2_000 });
    expect(await viewer.getByTestId('token-ended').getAttribute('data-reason')).toBe('token_revoked');
    expect(await viewer.getByTestId('token-ended-title').textContent()).toBe('This link was revoked');
    expect(await viewer.getByTestId('login').count()).toBe(0);
    await expect.poll(() => admin.getByTestId('share-none').count()).toBe(1);
  });
});
