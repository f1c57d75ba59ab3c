/**
 * First live value benchmark (issue 13 step 6): how soon after navigation a viewer's share
 * link and its kiosk URL show a live value, and how much JavaScript they download first.
 *
 *   npx tsx bench/browser-first-value.ts [--cold 10] [--warm 10] [--targets viewer,kiosk]
 *       [--widgets 40] [--hz 10] [--groups 4] [--mix stat,line,stat,gauge]
 *       [--json] [--out bench/results/browser-first-value-<time>.json] [--trace <dir>] [--pin] [--no-settle]
 *
 * One server, the wallboard of `browser-wallboard.ts` fed all along (each stream 10 points a
 * second over HTTP), a view-only share link made through the API (`POST
 * /api/dashboards/:id/share`) and its kiosk variant (`#/d/<id>?kiosk&token=…`). For each
 * target, `--cold` times: a FRESH browser context (cold HTTP cache, no service worker, no
 * IndexedDB, no keyring), navigation to the link once Chromium is quiet again (a fresh context
 * is a new window, which headless Chromium builds with a top-chrome WebUI renderer: ~0.7 s of
 * CPU beside the page, measured in a trace; `--no-settle` navigates at once); then, `--warm`
 * of those times, a reload in the same context once the page has loaded and its service
 * worker is ready.
 *
 * Per load, from navigation start (the page's `performance.now()` origin):
 * - first value: the first animation frame in which a widget's value element
 *   (`stat-value`, `line-latest`, `gauge-value`) shows a number (an init script reads them
 *   on every animation frame: Playwright's `waitForFunction` would inject its own script
 *   into the page while it loads, ~30–90 ms of main thread here); "current value": the
 *   first frame showing a value at least as new as the one being fed at navigation (a warm
 *   page may paint older values from its saved snapshots first);
 *   "all widgets": every widget showing a value;
 * - DOMContentLoaded and load (the navigation entry);
 * - the JS fetched before the first value: every script's resource entry that ended before
 *   it, with transferSize (headers included; 0 from cache), encodedBodySize (as sent:
 *   gzip here) and decodedBodySize, and the list of files; of it, the initial JS (the scripts
 *   index.html itself loads), which the 120 KB budget is checked against;
 * Reported as median, p95 and max per target and kind (cold, warm), with the load average.
 * Placement: every process where the OS puts it; `--pin` puts Chromium's process tree on one
 * core and the server, the feeder and this process on the other (`taskset`, as `npm run bench`
 * places server and clients), so a page's figures are not the server's and the feeder's CPU,
 * at the price of a browser confined to one core (its renderer, browser and GPU processes and a
 * warm load's service worker then share it).
 * Needs `npm run build:web` first (the server serves apps/web/dist).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import type { CreateShareResponse } from '@pulseboard/protocol';
import { PulseboardProcess, REPO_ROOT, launchBrowser, newContext, watchPage } from '../apps/web/e2e/harness';
import { canPin, childPids, CLIENT_CPU, pinToCpu, pinTreeToCpu, processTreeCpuMs, SERVER_CPU } from './lib/cpu-accounting';
import { acquireRunLock } from './lib/run-lock';
import { DEFAULT_MIX, StreamFeeder, TRACE_CATEGORIES, WALLBOARD_ID, fmt, loadAverage, parseMix, quantile, seedWallboard } from './browser-wallboard';

const { values: flags } = parseArgs({
  options: {
    /** Loads in a fresh context, per target. */
    cold: { type: 'string', default: '10' },
    /** Reloads in the same context after a cold load, per target (at most `cold`). */
    warm: { type: 'string', default: '10' },
    targets: { type: 'string', default: 'viewer,kiosk' },
    widgets: { type: 'string', default: '40' },
    hz: { type: 'string', default: '10' },
    groups: { type: 'string', default: '4' },
    mix: { type: 'string', default: DEFAULT_MIX },
    /** Prints the JSON instead of the text report. */
    json: { type: 'boolean', default: false },
    /** Where the JSON goes (default bench/results/browser-first-value-<time>.json). */
    out: { type: 'string' },
    /** Records a Chromium trace (DevTools' Performance panel opens it) of each target's first cold load and its warm reload into this directory. */
    trace: { type: 'string' },
    /** Chromium on one core, the server, feeder and bench on the other (default: where the OS puts them). */
    pin: { type: 'boolean', default: false },
    /** Navigates as soon as the fresh context's page exists, while Chromium still builds the new window (default: waits until it is quiet). */
    'no-settle': { type: 'boolean', default: false },
  },
});

function count(name: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected a whole number ≥ ${min}, got "${raw}"`);
  return n;
}
const COLD = count('cold', flags.cold, 1);
const WARM = Math.min(count('warm', flags.warm, 0), COLD);
const WIDGETS = count('widgets', flags.widgets, 1);
const HZ = Number(flags.hz);
if (!(HZ > 0)) throw new Error(`--hz: expected a positive number, got "${flags.hz}"`);
const GROUPS = count('groups', flags.groups, 1);
const MIX = flags.mix ?? DEFAULT_MIX;
parseMix(MIX);
const TARGETS = (flags.targets ?? '').split(',').map((t) => t.trim());
for (const t of TARGETS) if (t !== 'viewer' && t !== 'kiosk') throw new Error(`--targets: unknown target "${t}" (use viewer, kiosk)`);

const PIN = flags.pin === true && canPin();
const SETTLE = flags['no-settle'] !== true;
/** Quiet: Chromium's processes together used at most this share of one core over a SETTLE_WINDOW_MS window. */
const SETTLE_QUIET_SHARE = 0.1;
const SETTLE_WINDOW_MS = 200;
const SETTLE_LIMIT_MS = 10_000;

/**
 * Chromium's process tree (browser, zygote, GPU, network; renderers forked later inherit) on
 * CLIENT_CPU; the server, and this process with the feeder, on SERVER_CPU: as `npm run bench`
 * places server and clients, so the page's figures are not the server's and the feeder's CPU
 * (a viewer's browser does not share a core with the server it watches).
 */
function pinProcesses(server: PulseboardProcess, browserPids: number[]): string {
  for (const pid of browserPids) pinTreeToCpu(pid, CLIENT_CPU);
  if (server.pid !== null) pinTreeToCpu(server.pid, SERVER_CPU);
  pinToCpu(process.pid, SERVER_CPU);
  return `pinned: Chromium on cpu ${CLIENT_CPU}; server, feeder and bench on cpu ${SERVER_CPU}`;
}

const VIEWPORT = { width: 1920, height: 1080 };
/** Issue 13: first live value on screen within this long of navigation. */
const FIRST_VALUE_TARGET_MS = 500;
/** Issue 13: a viewer's initial JS at most 120 KB gzipped (kB of 1,000 bytes, as Vite prints). */
const VIEWER_JS_BUDGET_BYTES = 120_000;
const LOAD_TIMEOUT_MS = 30_000;

/** A resource the page fetched, from its Resource Timing entry. */
interface ResourceEntry {
  url: string;
  initiatorType: string;
  startMs: number;
  responseEndMs: number;
  transferSize: number;
  encodedBodySize: number;
  decodedBodySize: number;
}

/** One navigation's figures (times in ms from navigation start). */
interface LoadSample {
  target: string;
  kind: 'cold' | 'warm';
  firstValueMs: number;
  currentValueMs: number;
  allWidgetsMs: number;
  domContentLoadedMs: number;
  loadMs: number;
  /** The navigation went through a service worker. */
  serviceWorker: boolean;
  jsBeforeFirstValue: { files: number; transferBytes: number; encodedBytes: number; gzipBytes: number; decodedBytes: number };
  /** gzip -9 bytes of the scripts index.html itself loads (see `initialScripts`); 0 when all came from cache. */
  initialJsGzipBytes: number;
  /** Every script fetched up to the load event, with whether it ended before the first value. */
  scripts: Array<ResourceEntry & { beforeFirstValue: boolean; contentEncoding: string | null; gzipBytes: number }>;
  /** HTTP API calls (`/api/…`) that ended before the first value. */
  apiCallsBeforeFirstValue: number;
  /** Every other resource up to the load event (API calls, CSS, icons), for seeing where the time went. */
  otherRequests: ResourceEntry[];
  /** The page's WebSocket: when it was opened, and its first messages of each kind (ms from navigation start). */
  webSocket: WebSocketTimeline;
}

/** What `watchValues` records in the page: when a value first showed, each new highest value, and when every widget had one. */
type ValuesSeen = { first: number | null; all: number | null; highs: Array<[number, number]> };

/**
 * Installed in every page before its scripts (an init script, so measuring adds no injected
 * script to the page's main thread while it loads, as `waitForFunction` would): on every
 * animation frame, reads the value elements matching `selector` and records into
 * `window.__valuesSeen` when a number first showed, each new highest number (the caller
 * picks the first one at least as new as what was being fed at navigation) and when
 * `widgets` elements showed one.
 */
function watchValues({ selector, widgets }: { selector: string; widgets: number }): void {
  const seen: ValuesSeen = { first: null, all: null, highs: [] };
  (window as unknown as { __valuesSeen: ValuesSeen }).__valuesSeen = seen;
  let high = -Infinity;
  const tick = () => {
    const now = performance.now();
    let shown = 0;
    for (const el of document.querySelectorAll(selector)) {
      const text = (el.textContent ?? '').replace(/[^0-9.-]/g, '');
      if (text === '' || Number.isNaN(Number(text))) continue;
      shown++;
      seen.first ??= now;
      if (Number(text) > high) {
        high = Number(text);
        seen.highs.push([now, high]);
      }
    }
    if (shown >= widgets && seen.all === null) {
      seen.all = now;
      (window as unknown as { __valuesAll?: () => void }).__valuesAll?.();
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Reads what `watchValues` recorded once every widget showed a value (the page calls `__valuesAll`), and until a value at least `minValue` did. */
async function valuesShown(page: Page, allShown: Promise<void>, minValue: number): Promise<{ first: number; current: number; all: number }> {
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  await Promise.race([allShown, new Promise((_, reject) => setTimeout(() => reject(new Error(`no value in every widget within ${LOAD_TIMEOUT_MS} ms`)), LOAD_TIMEOUT_MS).unref())]);
  for (;;) {
    const seen = await page.evaluate(() => (window as unknown as { __valuesSeen?: ValuesSeen }).__valuesSeen ?? null);
    const current = seen?.highs.find(([, value]) => value >= minValue)?.[0];
    if (seen?.first != null && seen.all != null && current !== undefined) return { first: seen.first, current, all: seen.all };
    // Only a warm page that painted older saved values first gets here: the newer ones are a frame or two away.
    if (Date.now() > deadline) throw new Error(`no value ≥ ${minValue} within ${LOAD_TIMEOUT_MS} ms`);
    await page.waitForTimeout(50);
  }
}

/** The navigation entry and every resource entry of the page. */
function timings(): { domContentLoadedMs: number; loadMs: number; serviceWorker: boolean; resources: ResourceEntry[] } {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({
    url: r.name,
    initiatorType: r.initiatorType,
    startMs: r.startTime,
    responseEndMs: r.responseEnd,
    transferSize: r.transferSize,
    encodedBodySize: r.encodedBodySize,
    decodedBodySize: r.decodedBodySize,
  }));
  // workerStart is set when a service worker handled the navigation itself.
  return { domContentLoadedMs: nav?.domContentLoadedEventStart ?? NaN, loadMs: nav?.loadEventStart ?? NaN, serviceWorker: (nav?.workerStart ?? 0) > 0, resources };
}

const isScript = (url: string) => /\.m?js$/.test(new URL(url).pathname);

const WEB_DIST = path.join(REPO_ROOT, 'apps/web/dist');
const gzipSizes = new Map<string, number>();
/**
 * A built file's gzipped size: its `.gz` twin from the build (what the server sends a client
 * that accepts gzip but not br), else gzipped here; NaN when the path is not a built file.
 */
/**
 * The scripts index.html loads itself (its module entry and any modulepreload): the page's
 * initial JS, which issue 13's budget is about. Chunks loaded on demand (a line chart's
 * renderer) may also finish before the first value on a fast load; they are reported apart.
 */
function initialScripts(): ReadonlySet<string> {
  const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  return new Set([...html.matchAll(/(?:src|href)="([^"]+\.js)"/g)].map((m) => new URL(m[1]!, 'http://index.html/').pathname));
}

const INITIAL_SCRIPTS = initialScripts();

function gzipBytesOf(url: string): number {
  const pathname = new URL(url).pathname;
  let size = gzipSizes.get(pathname);
  if (size === undefined) {
    const file = path.join(WEB_DIST, pathname);
    size = !file.startsWith(WEB_DIST) ? NaN : existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : existsSync(file) ? gzipSync(readFileSync(file)).length : NaN;
    gzipSizes.set(pathname, size);
  }
  return size;
}

/** When the page's WebSocket was made and opened, and when its first message of each type (and topic kind) came. */
type WebSocketTimeline = { createdMs: number | null; openMs: number | null; firsts: Record<string, number> };

/** Installed in every page before the app's scripts: records WEBSOCKET_LOG (see `WebSocketTimeline`). */
function recordWebSocket(): void {
  const log: WebSocketTimeline = { createdMs: null, openMs: null, firsts: {} };
  (window as unknown as { __wsLog: WebSocketTimeline }).__wsLog = log;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      log.createdMs ??= performance.now();
      this.addEventListener('open', () => (log.openMs ??= performance.now()));
      this.addEventListener('message', (event: MessageEvent) => {
        const text = typeof event.data === 'string' ? event.data : '';
        for (const m of text.matchAll(/"type":"([a-z]+)"(?:,"topic":"(dashboard|stream):)?/g)) {
          const key = m[2] ? `${m[1]} ${m[2]}` : (m[1] as string);
          log.firsts[key] ??= performance.now();
        }
        if (/^\[\d/.test(text)) log.firsts['topic-id rows'] ??= performance.now();
      });
    }
  } as typeof WebSocket;
}

/**
 * Navigates (`navigate` resolves once the new document is committed) and measures until the
 * load event; the caller keeps the page for a warm reload.
 */
async function measureLoad(page: Page, target: string, kind: LoadSample['kind'], navigate: () => Promise<unknown>, feeder: StreamFeeder, nextAllShown: () => Promise<void>): Promise<LoadSample> {
  const encodings = new Map<string, string | null>();
  const onResponse = (r: { url(): string; headers(): Record<string, string> }) => {
    if (isScript(r.url())) encodings.set(r.url(), r.headers()['content-encoding'] ?? null);
  };
  page.on('response', onResponse);
  // Streams of later groups may still show the previous round's value.
  const minValue = feeder.value - 1;
  const allShown = nextAllShown();
  await navigate();
  const { first, current, all } = await valuesShown(page, allShown, minValue);
  await page.waitForLoadState('load', { timeout: LOAD_TIMEOUT_MS });
  const t = await page.evaluate(timings);
  const webSocket = await page.evaluate(() => (window as unknown as { __wsLog?: WebSocketTimeline }).__wsLog ?? { createdMs: null, openMs: null, firsts: {} });
  page.off('response', onResponse);
  const scripts = t.resources.filter((r) => isScript(r.url)).map((r) => ({ ...r, beforeFirstValue: r.responseEndMs <= first, contentEncoding: encodings.get(r.url) ?? null, gzipBytes: gzipBytesOf(r.url) }));
  const before = scripts.filter((s) => s.beforeFirstValue);
  const sum = (key: 'transferSize' | 'encodedBodySize' | 'gzipBytes' | 'decodedBodySize') => before.reduce((n, s) => n + s[key], 0);
  return {
    target,
    kind,
    firstValueMs: first,
    currentValueMs: current,
    allWidgetsMs: all,
    domContentLoadedMs: t.domContentLoadedMs,
    loadMs: t.loadMs,
    serviceWorker: t.serviceWorker,
    jsBeforeFirstValue: { files: before.length, transferBytes: sum('transferSize'), encodedBytes: sum('encodedBodySize'), gzipBytes: sum('gzipBytes'), decodedBytes: sum('decodedBodySize') },
    initialJsGzipBytes: scripts.filter((r) => INITIAL_SCRIPTS.has(new URL(r.url).pathname)).reduce((n, r) => n + r.gzipBytes, 0),
    scripts,
    apiCallsBeforeFirstValue: t.resources.filter((r) => new URL(r.url).pathname.startsWith('/api/') && r.responseEndMs <= first).length,
    otherRequests: t.resources.filter((r) => !isScript(r.url)).map((r) => ({ ...r, url: r.url.replace(/token=[^&]+/, 'token=…') })),
    webSocket,
  };
}

/**
 * Waits until Chromium is quiet before a cold load navigates. A fresh context is a new window,
 * and headless Chromium builds it the way it builds a desktop window, top-chrome WebUI renderer
 * included (~0.5–0.7 s of CPU here, measured in a trace): work a viewer who opens a link in a
 * browser that is already running does not pay. Quiet: the browser's processes together used at
 * most SETTLE_QUIET_SHARE of a core over SETTLE_WINDOW_MS (read from /proc). Returns how long it
 * waited, or null when it gave up at SETTLE_LIMIT_MS (the load then goes ahead).
 */
async function settleBrowser(browserPids: number[]): Promise<number | null> {
  const started = performance.now();
  const cpuMs = () => browserPids.reduce((sum, pid) => sum + processTreeCpuMs(pid), 0);
  let before = cpuMs();
  while (performance.now() - started < SETTLE_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_WINDOW_MS));
    const now = cpuMs();
    if (now - before <= SETTLE_WINDOW_MS * SETTLE_QUIET_SHARE) return performance.now() - started;
    before = now;
  }
  return null;
}

/** Waits (bounded) until the page's service worker is active, as it would be on a second visit. */
async function serviceWorkerReady(page: Page): Promise<boolean> {
  return page
    .evaluate(() =>
      'serviceWorker' in navigator
        ? Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))])
        : false,
    )
    .catch(() => false);
}

/** Cold loads in fresh contexts, each followed (the first `WARM` times) by a reload in the same context. */
async function measureTarget(browser: Browser, browserPids: number[], target: string, url: string, feeder: StreamFeeder, selector: string, pageErrors: string[], failures: string[], settleWaits: Array<number | null>): Promise<LoadSample[]> {
  const samples: LoadSample[] = [];
  for (let i = 0; i < COLD; i++) {
    const context = await newContext(browser, VIEWPORT);
    await context.addInitScript(recordWebSocket);
    await context.addInitScript(watchValues, { selector, widgets: WIDGETS });
    // The page calls __valuesAll when every widget shows a value: each load awaits the next call.
    let allShown: () => void = () => {};
    await context.exposeFunction('__valuesAll', () => allShown());
    const nextAllShown = () => new Promise<void>((resolve) => (allShown = resolve));
    try {
      const page = await context.newPage();
      const { errors } = watchPage(page, `${target} ${i + 1}`);
      if (SETTLE) settleWaits.push(await settleBrowser(browserPids));
      try {
        const tracePath = flags.trace && i === 0 ? path.join(flags.trace, `first-value-${target}-cold.json`) : null;
        if (tracePath) {
          mkdirSync(flags.trace!, { recursive: true });
          await browser.startTracing(page, { path: tracePath, screenshots: false, categories: TRACE_CATEGORIES });
        }
        try {
          samples.push(await measureLoad(page, target, 'cold', () => page.goto(url, { waitUntil: 'commit' }), feeder, nextAllShown));
        } finally {
          if (tracePath) await browser.stopTracing();
        }
        if (i < WARM) {
          await serviceWorkerReady(page);
          const warmTrace = flags.trace && i === 0 ? path.join(flags.trace, `first-value-${target}-warm.json`) : null;
          if (warmTrace) await browser.startTracing(page, { path: warmTrace, screenshots: false, categories: TRACE_CATEGORIES });
          try {
            samples.push(await measureLoad(page, target, 'warm', () => page.reload({ waitUntil: 'commit' }), feeder, nextAllShown));
          } finally {
            if (warmTrace) await browser.stopTracing();
          }
        }
      } catch (error) {
        // A load that never showed its values (a timeout on a starved machine) is reported, not fatal.
        failures.push(`${target} load ${i + 1}: ${(error as Error).message.split('\n')[0]}`);
      }
      pageErrors.push(...errors);
    } finally {
      await context.close();
    }
  }
  return samples;
}

/** Median, p95 and max of one figure over samples. */
function spread(values: number[]): { median: number; p95: number; max: number; n: number } {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) ?? NaN, n: sorted.length };
}

function summarise(samples: LoadSample[]) {
  const groups: Record<string, unknown> = {};
  for (const target of TARGETS) {
    for (const kind of ['cold', 'warm'] as const) {
      const of = samples.filter((s) => s.target === target && s.kind === kind);
      if (of.length === 0) continue;
      groups[`${target} ${kind}`] = {
        firstValueMs: spread(of.map((s) => s.firstValueMs)),
        currentValueMs: spread(of.map((s) => s.currentValueMs)),
        allWidgetsMs: spread(of.map((s) => s.allWidgetsMs)),
        domContentLoadedMs: spread(of.map((s) => s.domContentLoadedMs)),
        loadMs: spread(of.map((s) => s.loadMs)),
        jsBeforeFirstValueTransferBytes: spread(of.map((s) => s.jsBeforeFirstValue.transferBytes)),
        jsBeforeFirstValueEncodedBytes: spread(of.map((s) => s.jsBeforeFirstValue.encodedBytes)),
        jsBeforeFirstValueGzipBytes: spread(of.map((s) => s.jsBeforeFirstValue.gzipBytes)),
        jsBeforeFirstValueDecodedBytes: spread(of.map((s) => s.jsBeforeFirstValue.decodedBytes)),
        initialJsGzipBytes: spread(of.map((s) => s.initialJsGzipBytes)),
        apiCallsBeforeFirstValue: spread(of.map((s) => s.apiCallsBeforeFirstValue)),
        throughServiceWorker: of.filter((s) => s.serviceWorker).length,
      };
    }
  }
  return groups as Record<string, Record<string, ReturnType<typeof spread> | number>>;
}

const kB = (bytes: number) => `${fmt(bytes / 1000, 1)} kB`;
const ms = (s: { median: number; p95: number; max: number }) => `${fmt(s.median, 0)} / ${fmt(s.p95, 0)} / ${fmt(s.max, 0)} ms`;
const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

async function main(): Promise<void> {
  // One bench at a time: another run on the same cores would make both figures meaningless.
  const releaseLock = await acquireRunLock(30 * 60_000);
  const startedAt = new Date();
  const loadStart = loadAverage();
  const server = new PulseboardProcess();
  const [browser] = await Promise.all([launchBrowser(), server.start()]);
  // Chromium's own processes: the children of this process that are not the server.
  const browserPids = childPids(process.pid).filter((pid) => pid !== server.pid);
  const placement = PIN ? pinProcesses(server, browserPids) : 'unpinned: every process where the OS puts it (--pin to separate Chromium from the server and feeder)';
  const settleWaits: Array<number | null> = [];
  const chromium = browser.version();
  const pageErrors: string[] = [];
  const failures: string[] = [];
  let samples: LoadSample[] = [];
  const urls: Record<string, string> = {};
  const loadPerTarget: Record<string, { start: number[]; end: number[] }> = {};
  try {
    const { valueSelector } = await seedWallboard(server, WIDGETS, MIX);
    const share = await server.api<CreateShareResponse>('POST', `/api/dashboards/${WALLBOARD_ID}/share`, { role: 'view', label: 'first-value bench' });
    // The link as the server made it, on the address this process reaches the server at.
    const viewerUrl = `${server.url}/${new URL(share.url).hash}`;
    urls.viewer = viewerUrl;
    // The kiosk variant, as the Share dialog makes it (`kioskLinkOf` in apps/web: not importable from here).
    urls.kiosk = viewerUrl.replace(/#\/d\/([^?]+)\?/, '#/d/$1?kiosk&');
    const feeder = new StreamFeeder(server, { widgets: WIDGETS, hz: HZ, groups: GROUPS });
    feeder.start();
    try {
      // A second of feeding first, so every stream is live when the first page opens.
      await new Promise((r) => setTimeout(r, 1_000));
      for (const target of TARGETS) {
        const start = loadAverage();
        samples = samples.concat(await measureTarget(browser, browserPids, target, urls[target]!, feeder, valueSelector, pageErrors, failures, settleWaits));
        loadPerTarget[target] = { start, end: loadAverage() };
      }
    } finally {
      await feeder.stop();
    }
    if (feeder.errors) pageErrors.push(`feeder: ${feeder.errors} push errors`);
  } finally {
    await browser.close().catch(() => undefined);
    await server.dispose();
    releaseLock();
  }

  const summary = summarise(samples);
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', chromium, loadAverage: { start: loadStart, end: loadAverage(), perTarget: loadPerTarget } },
    setup: { cold: COLD, warm: WARM, targets: TARGETS, widgets: WIDGETS, hz: HZ, mix: MIX, viewport: VIEWPORT, placement, settle: SETTLE ? { quietShare: SETTLE_QUIET_SHARE, windowMs: SETTLE_WINDOW_MS, waitsMs: settleWaits } : false, urls: Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, v.replace(/token=[^&]+/, 'token=…')])) },
    targets: { firstValueMs: FIRST_VALUE_TARGET_MS, viewerJsBytes: VIEWER_JS_BUDGET_BYTES },
    summary,
    samples,
    failures,
    pageErrors,
  };
  const out = flags.out ?? path.join(REPO_ROOT, 'bench/results', `browser-first-value-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2));
  if (flags.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }

  console.log(`First live value: ${WIDGETS}-widget wallboard (${MIX}) fed ${HZ} points/s per stream; ${COLD} cold loads (fresh context) and ${WARM} warm reloads per target, ${VIEWPORT.width}×${VIEWPORT.height}`);
  console.log(`  machine: ${os.cpus().length} CPUs, Chromium ${report.machine.chromium} headless --disable-gpu; load average ${loadStart.join(' ')} → ${report.machine.loadAverage.end.join(' ')}`);
  console.log(`  ${placement}`);
  const settled = settleWaits.filter((w): w is number => w !== null).sort((a, b) => a - b);
  console.log(
    SETTLE
      ? `  each cold load navigates once Chromium has built its new window (quiet: ≤ ${SETTLE_QUIET_SHARE * 100} % of a core over ${SETTLE_WINDOW_MS} ms; waited ${fmt(quantile(settled, 0.5), 0)} ms median, ${fmt(settled.at(-1) ?? NaN, 0)} max${settleWaits.length > settled.length ? `; ${settleWaits.length - settled.length} never quiet` : ''}; --no-settle navigates at once)`
      : '  each cold load navigates at once, while Chromium still builds the new window (--no-settle)',
  );
  console.log('  times from navigation start, median / p95 / max');
  for (const [name, g] of Object.entries(summary)) {
    const s = (key: string) => g[key] as ReturnType<typeof spread>;
    const cold = name.endsWith('cold');
    const first = s('firstValueMs');
    const js = s('jsBeforeFirstValueEncodedBytes');
    console.log(
      `  ${name.padEnd(12)} first value ${ms(first)}${cold ? `  [< ${FIRST_VALUE_TARGET_MS} ms: ${pass(first.max < FIRST_VALUE_TARGET_MS)} (max)]` : ''}; ` +
        `current value ${ms(s('currentValueMs'))}; all ${WIDGETS} widgets ${ms(s('allWidgetsMs'))}; ` +
        `DOMContentLoaded ${ms(s('domContentLoadedMs'))}; load ${ms(s('loadMs'))}`,
    );
    const jsLine = cold
      ? `${kB(s('jsBeforeFirstValueGzipBytes').max)} gzipped (max; ${kB(js.max)} as sent, ${kB(s('jsBeforeFirstValueTransferBytes').max)} with headers), ${kB(s('jsBeforeFirstValueDecodedBytes').max)} decoded; of it initial (index.html's scripts) ${kB(s('initialJsGzipBytes').max)} gzipped  [≤ ${kB(VIEWER_JS_BUDGET_BYTES)}: ${pass(s('initialJsGzipBytes').max <= VIEWER_JS_BUDGET_BYTES)}]`
      : `${kB(s('jsBeforeFirstValueTransferBytes').max)} over the network (max), ${kB(s('jsBeforeFirstValueDecodedBytes').max)} decoded`;
    console.log(`  ${''.padEnd(12)} JS before the first value: ${jsLine}; API calls before it ${fmt(s('apiCallsBeforeFirstValue').median, 0)} (median); navigation through the service worker ${g.throughServiceWorker as number}/${first.n}`);
  }
  for (const target of TARGETS) {
    for (const kind of ['cold', 'warm'] as const) {
      const of = samples.filter((x) => x.target === target && x.kind === kind).map((x) => x.webSocket);
      if (of.length === 0) continue;
      const median = (values: Array<number | null | undefined>) => {
        const sorted = values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
        return sorted.length === 0 ? '—' : `${Math.round(sorted[Math.floor(sorted.length / 2)]!)}`;
      };
      const keys = [...new Set(of.flatMap((w) => Object.keys(w.firsts)))].sort((a, b) => Number(median(of.map((w) => w.firsts[a]))) - Number(median(of.map((w) => w.firsts[b]))));
      const firsts = keys.map((k) => `${k} ${median(of.map((w) => w.firsts[k]))}`).join(', ');
      console.log(`  ${`${target} ${kind}`.padEnd(12)} WebSocket (median ms): made ${median(of.map((w) => w.createdMs))}, open ${median(of.map((w) => w.openMs))}; first ${firsts}`);
    }
  }
  for (const target of TARGETS) {
    const sample = samples.find((x) => x.target === target && x.kind === 'cold');
    if (!sample) continue;
    console.log(`  ${target} cold, scripts fetched up to load (first load):`);
    for (const f of sample.scripts) {
      console.log(
        `    ${new URL(f.url).pathname.padEnd(36)} ${kB(f.gzipBytes).padStart(9)} gzipped, ${kB(f.encodedBodySize).padStart(9)} sent (${f.contentEncoding ?? 'identity'}), ${kB(f.decodedBodySize).padStart(9)} decoded, done at ${fmt(f.responseEndMs, 0)} ms${f.beforeFirstValue ? '' : ' (after the first value)'}`,
      );
    }
  }
  if (failures.length) console.log(`  loads that failed (${failures.length}):\n    ${failures.join('\n    ')}`);
  if (pageErrors.length) console.log(`  page errors:\n    ${pageErrors.slice(0, 10).join('\n    ')}`);
  console.log(`JSON: ${path.relative(process.cwd(), out)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
