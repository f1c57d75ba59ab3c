import { PulseboardProcess, launchBrowser, newContext, seedDashboard, getDashboard } from './harness';
import { openDashboard, enterEditMode, widget } from './app';
const server = new PulseboardProcess();
const [browser] = await Promise.all([launchBrowser(), server.start()]);
try {
  await seedDashboard(server, { id: 'd', title: 'D', widgets: [
    { id: 'cpu', type: 'stat', title: 'CPU', stream: 'e2e.cpu', layout: { x: 0, y: 0, w: 3, h: 2 } },
    { id: 'mem', type: 'stat', title: 'Memory', stream: 'e2e.mem', layout: { x: 3, y: 0, w: 3, h: 2 } } ] });
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  page.on('response', (r) => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url()); });
  page.on('websocket', (ws) => { ws.on('framesent', (f) => console.log('SENT', String(f.payload).slice(0, 300))); ws.on('framereceived', (f) => { const t = String(f.payload); if (!t.includes('pong')) console.log('RECV', t.slice(0, 300)); }); });
  await openDashboard(page, server, 'd');
  await enterEditMode(page);
  const grid = await page.getByTestId('dashboard-grid').boundingBox();
  const t = await widget(page, 'mem').locator('.pb-widget__title').boundingBox();
  console.log('grid', grid, 'title', t, await widget(page, 'mem').boundingBox());
  await page.screenshot({ path: '/tmp/e2edbg/edit.png' });
  const sx = t!.x + 10, sy = t!.y + t!.height / 2;
  await page.mouse.move(sx, sy); await page.mouse.down();
  await page.mouse.move(sx + 5, sy, { steps: 2 });
  await page.mouse.move(sx + 4 * grid!.width / 12, sy, { steps: 20 });
  await page.screenshot({ path: '/tmp/e2edbg/dragging.png' });
  await page.mouse.up();
  await new Promise((r) => setTimeout(r, 1000));
  console.log((await getDashboard(server, 'd')).widgets.mem?.layout, await widget(page, 'mem').boundingBox());
  await page.screenshot({ path: '/tmp/e2edbg/after.png' });
} finally { await browser.close(); await server.dispose(); }
