/**
 * Issue 10: editing you can trust. Undo/redo of five kinds of edits watched by a second
 * context, a refused undo naming who changed the field, export → import as a copy, a broken
 * import's field error, 12 → 6 → 12 columns, tablet/phone layouts (screenshots to
 * docs/screenshots/), presence avatars.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT, SKIP_E2E, getDashboard, newContext, type DashboardDoc, type PulseboardProcess } from './harness';
import { startTwoContexts, type TwoContextSession } from './session';
import { addWidget, enterEditMode, openDashboard, pendingCount, renameWidget, widget, widgetIds } from './app';

const BOARD = 'e2e-editing';
const SHOTS = path.join(REPO_ROOT, 'docs/screenshots');

/** What a person sees of a dashboard: columns, and each widget's title and layout. */
type Visible = { columns: number; widgets: Record<string, { title: string; layout: string }> };

function fromServer(doc: DashboardDoc): Visible {
  const widgets: Visible['widgets'] = {};
  for (const [id, w] of Object.entries(doc.widgets)) widgets[id] = { title: w.title, layout: `${w.layout.x},${w.layout.y},${w.layout.w},${w.layout.h}` };
  return { columns: doc.columns, widgets };
}

/** The same, read from a page's grid (a wide viewport shows the lg layout, the model's own). */
function onPage(page: Page): Promise<Visible> {
  return page.evaluate(() => {
    const grid = document.querySelector('[data-testid="dashboard-grid"]');
    const widgets: Record<string, { title: string; layout: string }> = {};
    for (const el of document.querySelectorAll('[data-testid^="widget-"][data-type]')) {
      widgets[(el.getAttribute('data-testid') ?? '').slice('widget-'.length)] = { title: el.getAttribute('data-title') ?? '', layout: el.getAttribute('data-layout') ?? '' };
    }
    return { columns: Number(grid?.getAttribute('data-columns')), widgets };
  });
}

/**
 * Clicks Undo. The top bar's buttons shift whenever the sync status beside them changes width
 * (pending count, latency), which on a loaded machine can keep Playwright's "stable" check
 * from ever passing; the click event itself is what matters here.
 */
async function clickUndo(page: Page): Promise<void> {
  const undo = page.getByTestId('undo');
  await undo.waitFor({ state: 'visible' });
  await undo.dispatchEvent('click');
}

/** Top-bar buttons that stick out of the viewport (clipped), by their text. */
function offscreenControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="topbar"] button, [data-testid="topbar"] select')]
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .map((el) => (el.textContent ?? '').trim()),
  );
}

async function closePanel(page: Page): Promise<void> {
  const close = page.getByTestId('panel-close');
  if ((await close.count()) > 0) await close.click();
}

describe.skipIf(SKIP_E2E)('editing you can trust', () => {
  let session: TwoContextSession;
  let server: PulseboardProcess;
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    session = await startTwoContexts({
      id: BOARD,
      title: 'E2E editing',
      widgets: [
        { id: 'cpu', type: 'stat', title: 'CPU', stream: 'e2e.cpu', layout: { x: 0, y: 0, w: 3, h: 2 } },
        { id: 'mem', type: 'stat', title: 'Memory', stream: 'e2e.mem', layout: { x: 3, y: 0, w: 3, h: 2 } },
        { id: 'load', type: 'gauge', title: 'Load', stream: 'e2e.load', layout: { x: 6, y: 0, w: 3, h: 3 } },
        { id: 'notes', type: 'text', title: 'Notes', layout: { x: 0, y: 2, w: 6, h: 2 }, options: { text: 'Deploys on Tuesdays. Ask #ops before restarting anything.' } },
      ],
    });
    server = session.server;
    [pageA, pageB] = await Promise.all([session.open(session.ctxA, 'A'), session.open(session.ctxB, 'B')]);
    await enterEditMode(pageA);
  });

  afterAll(async () => {
    await session?.close('editing');
  });

  it('undoes five kinds of edits and redoes them, and a second context sees every state', async () => {
    const states: Visible[] = [fromServer(await getDashboard(server, BOARD))];
    const record = async () => {
      await expect.poll(() => pendingCount(pageA)).toBe(0);
      states.push(fromServer(await getDashboard(server, BOARD)));
    };

    // 1 move (keyboard), 2 resize (keyboard), 3 rename (panel), 4 columns, 5 add.
    await widget(pageA, 'cpu').focus();
    await pageA.keyboard.press('ArrowRight');
    await expect.poll(async () => (await getDashboard(server, BOARD)).widgets.cpu?.layout.x).toBe(1);
    await record();
    await widget(pageA, 'mem').focus();
    await pageA.keyboard.press('Shift+ArrowRight');
    await expect.poll(async () => (await getDashboard(server, BOARD)).widgets.mem?.layout.w).toBe(4);
    await record();
    await renameWidget(pageA, 'load', 'Load average');
    await expect.poll(async () => (await getDashboard(server, BOARD)).widgets.load?.title).toBe('Load average');
    await closePanel(pageA);
    await record();
    await pageA.getByTestId('columns-select').selectOption('6');
    await expect.poll(async () => (await getDashboard(server, BOARD)).columns).toBe(6);
    await record();
    const added = await addWidget(pageA, 'stat');
    await expect.poll(async () => Object.keys((await getDashboard(server, BOARD)).widgets)).toContain(added);
    await closePanel(pageA);
    await record();
    expect(new Set(states.map((s) => JSON.stringify(s))).size).toBe(6);

    expect(await pageA.getByTestId('undo').getAttribute('title')).toMatch(/^Undo added “.+”/);
    for (let i = states.length - 2; i >= 0; i--) {
      await clickUndo(pageA);
      await expect.poll(async () => fromServer(await getDashboard(server, BOARD))).toEqual(states[i]);
      await expect.poll(() => onPage(pageB)).toEqual(states[i]);
    }
    expect(await pageA.getByTestId('undo').isDisabled()).toBe(true);
    expect(await pageA.getByTestId('redo').getAttribute('title')).toMatch(/^Redo moved “CPU”/);
    for (let i = 1; i < states.length; i++) {
      await pageA.keyboard.press('Control+Shift+Z');
      await expect.poll(async () => fromServer(await getDashboard(server, BOARD))).toEqual(states[i]);
      await expect.poll(() => onPage(pageB)).toEqual(states[i]);
    }
    // The stacks survive a reload: after one, undo still names the last edit.
    await pageA.reload();
    await pageA.getByTestId('dashboard-grid').waitFor();
    await enterEditMode(pageA);
    await expect.poll(() => pageA.getByTestId('undo').getAttribute('title')).toMatch(/^Undo added “.+”/);
  });

  it('refuses to undo a field another context changed since, names them, and changes nothing', async () => {
    await renameWidget(pageA, 'cpu', 'CPU from A');
    await closePanel(pageA);
    await expect.poll(async () => (await getDashboard(server, BOARD)).widgets.cpu?.title).toBe('CPU from A');
    await enterEditMode(pageB);
    await renameWidget(pageB, 'cpu', 'CPU from B');
    await closePanel(pageB);
    await expect.poll(() => widget(pageA, 'cpu').getAttribute('data-title')).toBe('CPU from B');
    const before = await getDashboard(server, BOARD);
    const nameB = await pageB.evaluate(() => localStorage.getItem('pulseboard.name'));
    await clickUndo(pageA);
    const refused = pageA.getByTestId('undo-refused-message');
    await refused.waitFor();
    expect(await refused.textContent()).toContain(`${nameB} changed the title since`);
    expect((await getDashboard(server, BOARD)).version).toBe(before.version);
    expect(await widget(pageB, 'cpu').getAttribute('data-title')).toBe('CPU from B');
  });

  it('gives back the exact layout after 12 → 6 → 12 columns, in both contexts', async () => {
    await pageA.getByTestId('columns-select').selectOption('12');
    await expect.poll(async () => (await getDashboard(server, BOARD)).columns).toBe(12);
    const original = fromServer(await getDashboard(server, BOARD));
    await pageA.getByTestId('columns-select').selectOption('6');
    await expect.poll(async () => (await getDashboard(server, BOARD)).columns).toBe(6);
    await expect.poll(() => onPage(pageB)).not.toEqual(original);
    await pageA.getByTestId('columns-select').selectOption('12');
    await expect.poll(async () => fromServer(await getDashboard(server, BOARD))).toEqual(original);
    await expect.poll(() => onPage(pageB)).toEqual(original);
  });

  it('lists versions with who and what, previews one and restores it as a new version both contexts show', async () => {
    const target = fromServer(await getDashboard(server, BOARD));
    await renameWidget(pageA, 'mem', 'Memory (to be undone by history)');
    await closePanel(pageA);
    await expect.poll(() => widget(pageB, 'mem').getAttribute('data-title')).toBe('Memory (to be undone by history)');
    const version = (await getDashboard(server, BOARD)).version;
    await pageA.getByTestId('history-toggle').click();
    const list = pageA.getByTestId('history-list');
    await expect.poll(async () => (await list.locator('li').first().textContent()) ?? '').toContain('renamed “Memory” to “Memory (to be undone by history)”');
    await pageA.getByTestId(`history-version-${version - 1}`).click();
    const preview = pageA.getByTestId('history-preview');
    await preview.waitFor();
    expect(await preview.getAttribute('data-version')).toBe(String(version - 1));
    await pageA.getByTestId('history-restore').click();
    await expect.poll(async () => fromServer(await getDashboard(server, BOARD))).toEqual(target);
    expect((await getDashboard(server, BOARD)).version).toBe(version + 1);
    await expect.poll(() => onPage(pageB)).toEqual(target);
    await expect.poll(async () => (await list.locator('li').first().textContent()) ?? '').toContain(`restored version ${version - 1}`);
    await pageA.getByTestId('history-close').click();
  });

  it('exports a dashboard and imports it as a copy that is identical', async () => {
    const [download] = await Promise.all([pageA.waitForEvent('download'), pageA.getByTestId('export').click()]);
    expect(download.suggestedFilename()).toBe(`${BOARD}.pulseboard.json`);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pulseboard-export-')), download.suggestedFilename());
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { dashboard: { id: string } };
    expect(exported.dashboard.id).toBe(BOARD);

    await pageA.goto(`${server.url}/#/`);
    await pageA.getByTestId('import-button').waitFor();
    await pageA.getByTestId('import-file').setInputFiles(file);
    await pageA.getByTestId('import-copy').click();
    await pageA.waitForFunction((id) => location.hash.startsWith('#/d/') && !location.hash.startsWith(`#/d/${id}?`) && !location.hash.endsWith(`/${id}`), BOARD);
    await pageA.getByTestId('dashboard-grid').waitFor();
    const copyId = decodeURIComponent(/#\/d\/([^?]+)/.exec(await pageA.evaluate(() => location.hash))![1]!);
    const [original, copy] = await Promise.all([getDashboard(server, BOARD), getDashboard(server, copyId)]);
    expect(copy.id).not.toBe(BOARD);
    expect(copy.title).toBe(original.title);
    expect(fromServer(copy)).toEqual(fromServer(original));
    expect(await onPage(pageA)).toEqual(fromServer(original));
  });

  it('shows the server’s error naming the field for a broken import file', async () => {
    await pageA.goto(`${server.url}/#/`);
    const broken = { format: 'pulseboard-dashboard', formatVersion: 1, exportedAt: new Date().toISOString(), dashboard: { id: 'broken', title: 'Broken', columns: 12, widgets: { cpu: { id: 'cpu', type: 'speedometer', title: 'CPU', layout: { x: 0, y: 0, w: 3, h: 2 }, options: {} } } } };
    await pageA.getByTestId('import-file').setInputFiles({ name: 'broken.pulseboard.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    const error = pageA.getByTestId('import-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('dashboard.widgets.cpu.type');
  });

  it('shows avatars of everyone viewing within 2 s, and drops them within 2 s of leaving', async () => {
    await openDashboard(pageA, server, BOARD, { edit: true });
    const ctxC = await newContext(session.browser);
    const pageC = session.watch.add(await ctxC.newPage(), 'C');
    await openDashboard(pageC, server, BOARD);
    const avatars = (page: Page) => page.getByTestId('presence-avatar').count();
    await expect.poll(() => avatars(pageC), { timeout: 2_000 }).toBe(2);
    await expect.poll(() => avatars(pageA), { timeout: 2_000 }).toBe(2);
    await expect.poll(() => avatars(pageB), { timeout: 2_000 }).toBe(2);
    // A is editing: C sees the ring on A's avatar. A's avatar is the one both B and C see (names are random, and two may match).
    const seenIds = (page: Page) => page.getByTestId('presence-avatar').evaluateAll((avatars) => avatars.map((avatar) => avatar.getAttribute('data-client-id')));
    const [seenByB, seenByC] = await Promise.all([seenIds(pageB), seenIds(pageC)]);
    const idsOfA = seenByC.filter((id) => seenByB.includes(id));
    expect(idsOfA).toHaveLength(1);
    const avatarOfA = pageC.locator(`[data-testid="presence-avatar"][data-client-id="${idsOfA[0]}"]`);
    const nameA = await pageA.evaluate(() => localStorage.getItem('pulseboard.name'));
    expect(await avatarOfA.getAttribute('data-name')).toBe(nameA);
    expect(await avatarOfA.getAttribute('data-editing')).toBe('true');
    await ctxC.close();
    await expect.poll(() => avatars(pageA), { timeout: 2_000 }).toBe(1);
    await expect.poll(() => avatars(pageB), { timeout: 2_000 }).toBe(1);
  });

  it('is readable at tablet width and arranges by buttons on a phone (screenshots)', async () => {
    const tablet = await newContext(session.browser, { width: 820, height: 1180 });
    const pageT = session.watch.add(await tablet.newPage(), 'tablet');
    await openDashboard(pageT, server, BOARD);
    const grid = pageT.getByTestId('dashboard-grid');
    expect(await grid.getAttribute('data-breakpoint')).toBe('sm');
    expect(await grid.getAttribute('data-columns')).toBe('6');
    // The editor's chunk (Share is in it) has replaced the static grid: no widget remounts while measured.
    await pageT.getByTestId('share-open').waitFor();
    for (const id of await widgetIds(pageT)) {
      const box = await widget(pageT, id).boundingBox();
      expect(box!.width, `${id} width`).toBeGreaterThanOrEqual(200);
    }
    // No widget's text overflows its frame.
    const clipped = await pageT.evaluate(() =>
      [...document.querySelectorAll('[data-testid^="widget-"][data-type]')].filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.getAttribute('data-testid')),
    );
    expect(clipped).toEqual([]);
    await pageT.screenshot({ path: path.join(SHOTS, 'tablet-820.png') });
    // In edit mode too, every top-bar control stays on screen.
    await enterEditMode(pageT);
    expect(await offscreenControls(pageT)).toEqual([]);
    await tablet.close();

    const phone = await newContext(session.browser, { width: 390, height: 844 });
    const pageP = session.watch.add(await phone.newPage(), 'phone');
    await openDashboard(pageP, server, BOARD, { edit: true });
    expect(await pageP.getByTestId('dashboard-grid').getAttribute('data-breakpoint')).toBe('xs');
    await pageP.getByTestId('phone-layout').waitFor();
    const lgBefore = fromServer(await getDashboard(server, BOARD));
    await pageP.getByTestId('phone-layout-widget').selectOption('cpu');
    await pageP.getByTestId('phone-taller').click();
    await expect.poll(async () => ((await getDashboard(server, BOARD)) as DashboardDoc & { layouts?: { xs?: unknown } }).layouts?.xs).toEqual(expect.any(Object));
    expect(fromServer(await getDashboard(server, BOARD))).toEqual(lgBefore);
    expect(await offscreenControls(pageP)).toEqual([]);
    await pageP.screenshot({ path: path.join(SHOTS, 'phone-390-edit.png') });
    await phone.close();
  });
});
