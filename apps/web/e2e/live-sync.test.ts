/**
 * Issue 4, item 5a: two browser contexts on one dashboard. A widget dragged in edit mode in
 * one context moves in the other; data pushed over HTTP shows in both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SKIP_E2E, getDashboard, type PulseboardProcess } from './harness';
import { startTwoContexts, type TwoContextSession } from './session';
import { dragWidgetBy, enterEditMode, gridColumn, statValue, widgetLayout } from './app';

const BOARD = 'e2e-live';

describe.skipIf(SKIP_E2E)('two contexts on one dashboard', () => {
  let session: TwoContextSession;
  let server: PulseboardProcess;
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    session = await startTwoContexts({
      id: BOARD,
      title: 'E2E live',
      widgets: [
        { id: 'cpu', type: 'stat', title: 'CPU', stream: 'e2e.cpu', layout: { x: 0, y: 0, w: 3, h: 2 } },
        { id: 'mem', type: 'stat', title: 'Memory', stream: 'e2e.mem', layout: { x: 3, y: 0, w: 3, h: 2 } },
      ],
    });
    server = session.server;
    [pageA, pageB] = await Promise.all([session.open(session.ctxA, 'A'), session.open(session.ctxB, 'B')]);
  });

  afterAll(async () => {
    await session?.close('live sync');
  });

  it('shows data pushed over HTTP in both contexts', async () => {
    await server.push('e2e.cpu', 42.5);
    await server.push('e2e.mem', 1234);
    for (const page of [pageA, pageB]) {
      await expect.poll(() => statValue(page, 'cpu')).toBe('42.5');
      await expect.poll(() => statValue(page, 'mem')).toMatch(/^1,?234$/);
    }
    await server.push('e2e.cpu', 17.5);
    for (const page of [pageA, pageB]) await expect.poll(() => statValue(page, 'cpu')).toBe('17.5');
  });

  it('moves a widget dragged in A in B too', async () => {
    await enterEditMode(pageA);
    const before = await getDashboard(server, BOARD);
    expect(before.widgets.mem?.layout).toMatchObject({ x: 3, y: 0 });
    expect(await gridColumn(pageB, 'mem')).toBe(3);
    await pageB.evaluate(() => ((window as unknown as { __e2eSession: string }).__e2eSession = 'alive'));

    // Drag "mem" four columns to the right with the mouse (react-grid-layout, real pointer events).
    await dragWidgetBy(pageA, 'mem', { columns: 4, rows: 0 });

    // The server applied one move…
    await expect.poll(async () => (await getDashboard(server, BOARD)).widgets.mem?.layout.x, { timeout: 10_000 }).toBe(7);
    const after = await getDashboard(server, BOARD);
    expect(after.widgets.mem?.layout).toMatchObject({ x: 7, y: 0, w: 3, h: 2 });
    expect(after.widgets.cpu?.layout).toMatchObject({ x: 0, y: 0 });
    // The whole drag is one mutation, committed on drop (the preview in between is not stored).
    expect(after.version).toBe(before.version + 1);

    // …and B shows the widget where A put it, without a reload (and A still shows it there).
    await expect.poll(() => widgetLayout(pageB, 'mem')).toBe('7,0,3,2');
    await expect.poll(() => gridColumn(pageB, 'mem')).toBe(7);
    expect(await gridColumn(pageB, 'cpu')).toBe(0);
    expect(await gridColumn(pageA, 'mem')).toBe(7);
    expect(await pageB.evaluate(() => (window as unknown as { __e2eSession?: string }).__e2eSession)).toBe('alive');
  });
});
