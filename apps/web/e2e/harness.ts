/**
 * End-to-end harness: Debian's Chromium driven by playwright-core, and the Pulseboard
 * server as a child process (so a test can SIGKILL it and start it again on the same port
 * and data directory).
 *
 * - `launchBrowser()` starts /usr/bin/chromium headless (never a downloaded browser).
 * - `PulseboardProcess` runs `packages/server/src/cli.ts start` on a free port with a
 *   temporary data directory and a known admin token, waits for its ready line (an event,
 *   not a sleep), and can `kill9()` / `start()` it again; `dispose()` removes everything.
 * - When /usr/bin/chromium is missing the suites skip with a loud warning, except under
 *   `CI=true`, where they run and fail on the missing browser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/** Debian's Chromium: the only browser these tests use. */
export const CHROMIUM_PATH = process.env.PULSEBOARD_CHROMIUM ?? '/usr/bin/chromium';
/** Flags for a quiet, sandbox-less headless Chromium in a container. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI_PATH = path.join(REPO_ROOT, 'packages/server/src/cli.ts');
const WEB_DIST_INDEX = path.join(REPO_ROOT, 'apps/web/dist/index.html');

const IS_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);

/**
 * True when the browser suites must be skipped: no Chromium and not in CI. In CI a missing
 * browser is a failure (the suites run and `launchBrowser` throws).
 */
export const SKIP_E2E = !HAVE_CHROMIUM && !IS_CI;

if (!HAVE_CHROMIUM) {
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!! ${IS_CI ? 'FAILING' : 'SKIPPING'} the end-to-end tests: no Chromium at ${CHROMIUM_PATH}\n` +
      `!! Install it with: apt-get install -y chromium   (or set PULSEBOARD_CHROMIUM)\n${bar}\n`,
  );
}

/** Starts headless Chromium; throws a clear error when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!HAVE_CHROMIUM) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium)`);
  if (!existsSync(WEB_DIST_INDEX)) throw new Error(`${WEB_DIST_INDEX} is missing: run \`npm run build:web\` first (npm run test:e2e does)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** Every child this process started; killed on exit whatever happens to the tests. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A failed API call, with the status and body for the test's message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PulseboardProcessOptions {
  /** Seed the demo dashboard and feed (off by default: tests build their own). */
  demo?: boolean;
  /** Extra CLI flags after `start`. */
  extraArgs?: string[];
}

/**
 * The server under test, as a child process: `node --import tsx cli.ts start` (no npx in
 * between, so the pid is the server's own and SIGKILL really kills it).
 */
export class PulseboardProcess {
  readonly token = `e2e-admin-${randomBytes(12).toString('hex')}`;
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'pulseboard-e2e-'));
  port = 0;
  /** The admin URL the server printed (`http://127.0.0.1:<port>/#token=...`), if any. */
  adminUrl: string | null = null;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private starting: Promise<void> | null = null;
  private disposed = false;
  private readonly log: string[] = [];

  constructor(private readonly options: PulseboardProcessOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The server process's pid while it runs (benches pin it to a core). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** The last lines the server wrote (stdout and stderr), for failure messages. */
  recentLog(lines = 60): string {
    return this.log.slice(-lines).join('\n');
  }

  /** Starts the server (on the same port as before when restarting) and waits for its ready line. */
  start(timeoutMs = 30_000): Promise<void> {
    const starting = this.startOnce(timeoutMs);
    this.starting = starting;
    return starting;
  }

  private async startOnce(timeoutMs: number): Promise<void> {
    if (this.child) throw new Error('server already running');
    if (this.disposed) throw new Error('server disposed');
    if (!this.port) this.port = await freePort();
    // dispose() may have run while the port was being picked (a suite whose setup failed).
    if (this.disposed) throw new Error('server disposed');
    const args = ['--import', 'tsx', CLI_PATH, 'start', '--port', String(this.port), '--data', this.dataDir];
    if (!this.options.demo) args.push('--no-demo');
    args.push(...(this.options.extraArgs ?? []));
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, PULSEBOARD_ADMIN_TOKEN: this.token, NODE_ENV: 'production', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    liveChildren.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.log.push(`[harness] server pid ${child.pid} exited (code ${code}, signal ${signal})`);
        liveChildren.delete(child);
        if (this.child === child) this.child = null;
        resolve();
      });
    });

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new Error(`server did not print its ready line within ${timeoutMs} ms\n${this.recentLog()}`)),
        timeoutMs,
      );
      const onLine = (line: string) => {
        this.log.push(line);
        if (this.log.length > 2000) this.log.splice(0, 1000);
        const admin = /(http:\/\/\S+#token=\S+)/.exec(line);
        if (admin?.[1]) this.adminUrl = admin[1];
        if (/Pulseboard listening on http:\/\//.test(line)) finish();
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', (line) => onLine(`[stderr] ${line}`));
      child.once('error', (error) => finish(error));
      child.once('exit', (code, signal) => finish(new Error(`server exited before it was ready (code ${code}, signal ${signal})\n${this.recentLog()}`)));
    });
  }

  /** SIGKILL: no shutdown hook runs, as in a crash. Resolves once the process is gone. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after a grace period. */
  async stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Stops the server (and any start still in progress) and deletes its data directory. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
    await this.starting?.catch(() => undefined);
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** A JSON API call with the admin token; throws HttpError on a non-2xx status. */
  async api<T = unknown>(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new HttpError(res.status, text, `${method} ${route} → ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Pushes one point to a stream over HTTP (`POST /api/streams/:key`). */
  async push(stream: string, value: number | Record<string, unknown>): Promise<void> {
    await this.api('POST', `/api/streams/${encodeURIComponent(stream)}`, value);
  }
}

/** The URL that opens a dashboard in the app and signs in with the token (`#/d/<id>?token=`). */
export function dashboardUrl(server: PulseboardProcess, id: string, opts: { edit?: boolean } = {}): string {
  const query = [opts.edit ? 'edit' : '', `token=${encodeURIComponent(server.token)}`].filter(Boolean).join('&');
  return `${server.url}/#/d/${encodeURIComponent(id)}?${query}`;
}

/** Browser network noise that is expected while a test cuts the network or kills the server. */
const NETWORK_NOISE = /Failed to load resource|WebSocket connection to .* failed|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED/;

/**
 * Collects a page's uncaught exceptions (`errors`: a test should end with none) and its
 * console errors other than expected network noise (`console`: printed for diagnosis).
 */
export function watchPage(page: Page, label: string): { errors: string[]; console: string[] } {
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (error) => errors.push(`[${label}] uncaught: ${error.stack ?? error.message}`));
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error' && !NETWORK_NOISE.test(msg.text())) consoleErrors.push(`[${label}] console.error: ${msg.text()}`);
  });
  return { errors, console: consoleErrors };
}

/** Watches every page of a suite; `finish()` prints console errors and returns uncaught ones. */
export class PageWatch {
  private readonly watched: Array<{ errors: string[]; console: string[] }> = [];

  add(page: Page, label: string): Page {
    this.watched.push(watchPage(page, label));
    return page;
  }

  /** Uncaught exceptions so far (a suite asserts this is empty after its cleanup). */
  finish(suite: string): string[] {
    const consoleErrors = this.watched.flatMap((w) => w.console);
    const uncaught = this.watched.flatMap((w) => w.errors);
    if (consoleErrors.length || uncaught.length) console.warn(`${suite}: page errors\n${[...uncaught, ...consoleErrors].join('\n')}`);
    return uncaught;
  }
}

/**
 * A context with the viewport every test uses. Its pages get a no-op `__name`: tsx/esbuild
 * may wrap functions passed to `page.evaluate` in `__name(...)` calls, which the page lacks.
 */
export async function newContext(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript('globalThis.__name = globalThis.__name || ((fn) => fn);');
  return context;
}

/** A widget as the tests seed it (the model's Widget, minus what the server fills in). */
export interface SeedWidget {
  id: string;
  type: 'stat' | 'line' | 'gauge' | 'table' | 'text' | 'status';
  title: string;
  layout: { x: number; y: number; w: number; h: number };
  stream?: string;
  options?: Record<string, unknown>;
}

/** The dashboard document as the HTTP API returns it (the fields the tests read). */
export interface DashboardDoc {
  id: string;
  title: string;
  version: number;
  columns: number;
  widgets: Record<string, { id: string; type: string; title: string; layout: { x: number; y: number; w: number; h: number }; stream?: string; options: Record<string, unknown> }>;
}

/** `GET /api/dashboards/:id`, unwrapping `{dashboard}` if the server wraps it. */
export async function getDashboard(server: PulseboardProcess, id: string): Promise<DashboardDoc> {
  const data = await server.api<Record<string, unknown>>('GET', `/api/dashboards/${encodeURIComponent(id)}`);
  return (data && typeof data.dashboard === 'object' ? data.dashboard : data) as unknown as DashboardDoc;
}

/** Creates a dashboard with its widgets (`POST /api/dashboards`). */
export async function seedDashboard(server: PulseboardProcess, input: { id: string; title: string; columns?: number; widgets: SeedWidget[] }): Promise<DashboardDoc> {
  const widgets = Object.fromEntries(input.widgets.map((w) => [w.id, { options: {}, ...w }]));
  return server.api<DashboardDoc>('POST', '/api/dashboards', { id: input.id, title: input.title, columns: input.columns ?? 12, widgets });
}

/** One stream as the HTTP API returns it: latest value and retained history with offsets. */
export interface StreamDoc {
  key: string;
  latest: unknown;
  latestTs: number | null;
  history: Array<{ ts: number; value: unknown; offset: number }>;
  epoch?: string;
  offset?: number;
}

/** `GET /api/streams/:key`. */
export function getStream(server: PulseboardProcess, key: string): Promise<StreamDoc> {
  return server.api<StreamDoc>('GET', `/api/streams/${encodeURIComponent(key)}`);
}
