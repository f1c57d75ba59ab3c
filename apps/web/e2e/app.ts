/**
 * Page helpers for the Pulseboard web app: how the tests find things (data-testids and the
 * data attributes beside them; the drag handle by its class, as react-grid-layout does) and
 * do things (real pointer and keyboard input). One place to adapt when the markup changes.
 */
import type { Locator, Page } from 'playwright-core';
import { dashboardUrl, type PulseboardProcess } from './harness';

/** Grid columns of the seeded dashboards (the model's default). */
export const COLUMNS = 12;

/**
 * A widget's grid item: `widget-<id>` (the outer grid item, which also carries `data-type`
 * and `data-title`; the inner cell repeats the testid without them).
 */
export const widget = (page: Page, id: string): Locator => page.locator(`[data-testid="widget-${id}"][data-type]`);

/** Opens a dashboard (signing in through the URL) and waits until its grid is on screen. */
export async function openDashboard(page: Page, server: PulseboardProcess, id: string, opts: { edit?: boolean } = {}): Promise<void> {
  await page.goto(dashboardUrl(server, id, opts));
  try {
    await page.getByTestId('dashboard-grid').waitFor({ state: 'visible', timeout: 20_000 });
  } catch (error) {
    // Say what the page shows instead (loading, an error state, the login form…).
    const state = await page
      .evaluate(() => ({
        url: location.href,
        testids: [...new Set([...document.querySelectorAll('[data-testid]')].map((el) => el.getAttribute('data-testid')))].slice(0, 30),
        connection: document.querySelector('[data-testid="sync-indicator"]')?.getAttribute('data-state') ?? null,
        text: (document.body?.innerText ?? '').replace(/\s+/g, ' ').slice(0, 300),
      }))
      .catch((e: unknown) => String(e));
    throw new Error(`dashboard ${id} did not show its grid: ${(error as Error).message}\npage: ${JSON.stringify(state)}`, { cause: error });
  }
}

/** The text of a stat widget's value (number and unit), or null while it shows none. */
export async function statValue(page: Page, id: string): Promise<string | null> {
  const value = widget(page, id).getByTestId('stat-value');
  if ((await value.count()) === 0) return null;
  return ((await value.first().textContent()) ?? '').trim();
}

/** The latest value a line widget's legend shows, or null while it shows none. */
export async function lineLatest(page: Page, id: string): Promise<string | null> {
  const value = widget(page, id).getByTestId('line-latest');
  if ((await value.count()) === 0) return null;
  return ((await value.first().textContent()) ?? '').trim();
}

/** Switches the page to edit mode through the toolbar toggle and waits for it. */
export async function enterEditMode(page: Page): Promise<void> {
  const toggle = page.getByTestId('edit-toggle');
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="edit-toggle"]')?.getAttribute('aria-pressed') === 'true');
}

/** The model layout a page holds for a widget (`data-layout` = `x,y,w,h`). */
export async function widgetLayout(page: Page, id: string): Promise<string | null> {
  return widget(page, id).getAttribute('data-layout');
}

/**
 * The grid column a page shows a widget in, from its box and the grid's (the column pitch is
 * about the grid's width over the column count; rounding absorbs the gutter).
 */
export async function gridColumn(page: Page, id: string): Promise<number | null> {
  const [grid, box] = await Promise.all([page.getByTestId('dashboard-grid').boundingBox(), widget(page, id).boundingBox()]);
  if (!grid || !box) return null;
  return Math.round((box.x - grid.x) / (grid.width / COLUMNS));
}

/**
 * Drags a widget by whole grid cells with the mouse: press on its drag handle (the header),
 * move in small steps (react-grid-layout needs several pointer moves), release.
 */
export async function dragWidgetBy(page: Page, id: string, by: { columns: number; rows: number }): Promise<void> {
  const grid = await page.getByTestId('dashboard-grid').boundingBox();
  const frame = widget(page, id);
  // The header is react-grid-layout's drag handle; press on the title, away from its buttons.
  const handle = frame.locator('.pb-widget__title').first();
  const box = await handle.boundingBox();
  const frameBox = await frame.boundingBox();
  if (!grid || !box || !frameBox) throw new Error(`widget ${id} or the grid is not on screen`);
  const colPitch = grid.width / COLUMNS;
  const startX = box.x + Math.min(box.width / 2, 20);
  const startY = box.y + box.height / 2;
  const rowPitch = frameBox.height / 2;
  await page.mouse.move(startX, startY);
  await page.mouse.down();
  await page.mouse.move(startX + 5, startY + 5, { steps: 2 });
  await page.mouse.move(startX + by.columns * colPitch, startY + by.rows * rowPitch, { steps: 20 });
  await page.mouse.up();
}

/** The pending-edit count the sync bar shows (its `data-count`). */
export async function pendingCount(page: Page): Promise<number> {
  const count = await page.getByTestId('sync-pending').getAttribute('data-count');
  return Number(count ?? NaN);
}

/** The connection state the sync indicator shows (its `data-state`). */
export async function connectionState(page: Page): Promise<string | null> {
  return page.getByTestId('sync-indicator').getAttribute('data-state');
}

/** Selector of every widget frame (`widget-<id>` with `data-type`). */
const FRAME_SELECTOR = '[data-testid^="widget-"][data-type]';

/** Ids of the widgets on screen, from their `widget-<id>` frames. */
export async function widgetIds(page: Page): Promise<string[]> {
  return page.evaluate(
    (sel) => [...document.querySelectorAll(sel)].map((el) => (el.getAttribute('data-testid') ?? '').slice('widget-'.length)),
    FRAME_SELECTOR,
  );
}

/** A widget's title as its grid item carries it (`data-title`). */
export async function widgetTitle(page: Page, id: string): Promise<string | null> {
  const frame = widget(page, id);
  if ((await frame.count()) === 0) return null;
  return frame.getAttribute('data-title');
}

/** Selects a widget in edit mode so the side panel shows its fields. */
export async function selectWidget(page: Page, id: string): Promise<void> {
  await widget(page, id).getByTestId('widget-settings').click();
  await page.getByTestId('side-panel').waitFor({ state: 'visible' });
}

/** Renames a widget through the side panel's title field. */
export async function renameWidget(page: Page, id: string, title: string): Promise<void> {
  await selectWidget(page, id);
  const field = page.getByTestId('panel-title');
  await field.fill(title);
  await field.press('Enter');
}

/** Adds a widget of a type through the picker; returns the new widget's id. */
export async function addWidget(page: Page, type: string): Promise<string> {
  const before = new Set(await widgetIds(page));
  await page.getByTestId('add-widget').click();
  await page.getByTestId(`add-widget-${type}`).click();
  let added: string | undefined;
  await page.waitForFunction(
    ({ sel, known }) => [...document.querySelectorAll(sel)].some((el) => !known.includes((el.getAttribute('data-testid') ?? '').slice(7))),
    { sel: FRAME_SELECTOR, known: [...before] },
  );
  for (const id of await widgetIds(page)) if (!before.has(id)) added = id;
  if (!added) throw new Error('no new widget appeared');
  return added;
}

/** Deletes a widget in edit mode (with its confirmation, if the app asks). */
export async function deleteWidget(page: Page, id: string): Promise<void> {
  await selectWidget(page, id);
  await page.getByTestId('delete-widget').click();
  const confirm = page.getByTestId('confirm-delete-widget');
  if ((await confirm.count()) > 0) await confirm.click();
}

/**
 * The retained history of a stream as the page's client holds it, oldest first, read from
 * the client the app exposes on `window.__pulseboard` (throws when it does not).
 */
export async function streamHistory(page: Page, key: string): Promise<Array<{ value: unknown; offset: number }>> {
  return page.evaluate((k) => {
    const hook = (window as unknown as { __pulseboard?: { client?: { stream(key: string): { getSnapshot(): { history: Array<{ value: unknown; offset: number }> }; release(): void } } } }).__pulseboard;
    if (!hook?.client) throw new Error('the app does not expose its client (window.__pulseboard.client)');
    const handle = hook.client.stream(k);
    const history = handle.getSnapshot().history.map((p) => ({ value: p.value, offset: p.offset }));
    handle.release();
    return history;
  }, key);
}
