import { PulseboardProcess, launchBrowser, newContext, seedDashboard } from './harness';
import { openDashboard } from './app';
const server = new PulseboardProcess();
const [browser] = await Promise.all([launchBrowser(), server.start()]);
try {
  await seedDashboard(server, { id: 'd', title: 'D', widgets: [
    { id: 'cpu', type: 'stat', title: 'CPU', stream: 'e2e.cpu', layout: { x: 0, y: 0, w: 3, h: 2 } } ] });
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  page.on('websocket', (ws) => { console.log('WS open', ws.url()); ws.on('close', () => console.log('WS closed')); ws.on('framesent', (f) => console.log('SENT', String(f.payload).slice(0, 200))); ws.on('framereceived', (f) => console.log('RECV', String(f.payload).slice(0, 120))); });
  await openDashboard(page, server, 'd');
  await page.evaluate(() => { window.addEventListener('offline', () => console.log('OFFLINE EVENT')); window.addEventListener('online', () => console.log('ONLINE EVENT')); });
  page.on('console', (m) => console.log('console', m.type(), m.text()));
  await ctx.setOffline(true);
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    console.log(await page.evaluate(() => ({ onLine: navigator.onLine, state: document.querySelector('[data-testid="sync-indicator"]')?.getAttribute('data-state'), banner: !!document.querySelector('[data-testid="offline-banner"]') })));
  }
  await server.push('e2e.cpu', 5);
  await new Promise((r) => setTimeout(r, 1000));
  console.log('value after push while offline', await page.evaluate(() => document.querySelector('[data-testid="stat-value"]')?.textContent));
} finally { await browser.close(); await server.dispose(); }
