/**
 * The published packages, used from outside the monorepo: packs @pulseboard/model, protocol,
 * client and react, installs the tarballs with npm into a fresh project in a temporary
 * directory (no workspace links; from the npm cache where it can), then
 *  (a) builds a Vite + React app (fixture/src/main.tsx) and runs it in Chromium against a
 *      real server: a pushed value appears, a widget moved in the app reaches the server;
 *  (b) runs a plain Node ESM script (fixture/subscriber.mjs) that subscribes and receives;
 *  (c) typechecks both, and every snippet of docs/embedding.md, with `tsc --strict`;
 * and measures the gzipped browser bundle of the sync core alone (BENCHMARKS.md).
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import ts from 'typescript';
import { ADMIN_TOKEN, REPO_ROOT, startTestServer, type TestServer } from '@pulseboard/testing';
import { CHROMIUM_ARGS, CHROMIUM_PATH, SKIP_E2E } from '../apps/web/e2e/harness';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixture/', import.meta.url));
const PUBLISHED = ['model', 'protocol', 'client', 'react'] as const;
/** What a tarball may hold besides dist/: anything else is a packaging mistake. */
const ALLOWED_FILE = /^(dist\/index\.(js|js\.map|d\.ts)|dist\/export-file\.schema\.json|package\.json|README\.md|LICENSE)$/;
const TSC = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
const SERVER_SNIPPETS = path.join(REPO_ROOT, 'node_modules/.cache/pulseboard-embedding-snippets');

/** The host project's own dependencies, at the versions the monorepo is tested with (so npm finds them in its cache). */
async function hostDependencies(): Promise<{ dependencies: Record<string, string>; devDependencies: Record<string, string> }> {
  const version = async (name: string) => (JSON.parse(await readFile(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  const pick = async (names: string[]) => Object.fromEntries(await Promise.all(names.map(async (n) => [n, await version(n)] as const)));
  return { dependencies: await pick(['react', 'react-dom', 'ws']), devDependencies: await pick(['@types/react', '@types/react-dom', '@types/ws', '@types/node']) };
}

async function newestMtimeMs(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build:packages` unless every dist/ is newer than its sources. */
async function ensureBuilt(): Promise<void> {
  for (const name of PUBLISHED) {
    const dist = path.join(REPO_ROOT, 'packages', name, 'dist/index.js');
    const built = await stat(dist).then((s) => s.mtimeMs, () => 0);
    if (built < (await newestMtimeMs(path.join(REPO_ROOT, 'packages', name, 'src')))) {
      await run('npm', ['run', 'build:packages'], { cwd: REPO_ROOT });
      return;
    }
  }
}

/** Runs a command in the host project; rejects with its output on failure. */
async function inHost(dir: string, command: string, args: string[]): Promise<string> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  try {
    const { stdout } = await run(command, args, { cwd: dir, env, maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`, { cause: error });
  }
}

/**
 * Type-checks only the server snippets (not the server sources they import, which the
 * repo's own typecheck covers): `tsc -p` would report on every file of the program.
 */
function checkServerSnippets(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(SERVER_SNIPPETS, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('cannot read the server snippets tsconfig');
  const program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, noEmit: true } });
  return config.fileNames.flatMap((file) => {
    const source = program.getSourceFile(file)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => `${path.basename(file)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  });
}

/** The ```tsx, ```ts and ```ts server blocks of docs/embedding.md. */
async function docSnippets(): Promise<Array<{ kind: 'app' | 'node' | 'server'; code: string }>> {
  const text = await readFile(path.join(REPO_ROOT, 'docs/embedding.md'), 'utf8');
  const blocks = [...text.matchAll(/^```(tsx|ts)( server)?\n([\s\S]*?)^```$/gm)];
  return blocks.map((m) => ({ kind: m[2] ? 'server' : m[1] === 'tsx' ? 'app' : 'node', code: m[3]! }));
}

/** Logs how long each setup step took (this test should stay well under a minute). */
async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`[embedding] ${label}: ${Math.round(performance.now() - started)} ms`);
  return result;
}

let host = '';
let server: TestServer;
let browser: Browser | undefined;
const packed: Record<string, string[]> = {};

beforeAll(async () => {
  await step('build packages (if stale)', ensureBuilt);
  host = await mkdtemp(path.join(tmpdir(), 'pulseboard-embedding-'));
  await cp(FIXTURE, host, { recursive: true });
  const tarballs = path.join(host, 'tarballs');
  await mkdir(tarballs);
  const packOut = await step('npm pack', () => inHost(REPO_ROOT, 'npm', ['pack', '--json', '--pack-destination', tarballs, ...PUBLISHED.flatMap((name) => ['-w', `@pulseboard/${name}`])]));
  const packs = JSON.parse(packOut) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
  const own: Record<string, string> = {};
  for (const p of packs) {
    packed[p.name] = p.files.map((f) => f.path);
    own[p.name] = `file:./tarballs/${path.basename(p.filename)}`;
  }
  const deps = await hostDependencies();
  await writeFile(
    path.join(host, 'package.json'),
    JSON.stringify({ name: 'pulseboard-embedding-host', private: true, type: 'module', dependencies: { ...own, ...deps.dependencies }, devDependencies: deps.devDependencies }, null, 2),
  );
  await step('npm install', () => inHost(host, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']));

  const snippets = await docSnippets();
  await mkdir(path.join(host, 'snippets'));
  await rm(SERVER_SNIPPETS, { recursive: true, force: true });
  await mkdir(SERVER_SNIPPETS, { recursive: true });
  await writeFile(path.join(SERVER_SNIPPETS, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.json', include: ['*.ts'] }));
  for (const [i, s] of snippets.entries()) {
    if (s.kind === 'app') await writeFile(path.join(host, 'snippets', `snippet-${i}.tsx`), s.code);
    else if (s.kind === 'node') await writeFile(path.join(host, 'snippets', `snippet-${i}.mts`), s.code);
    else await writeFile(path.join(SERVER_SNIPPETS, `snippet-${i}.ts`), s.code);
  }

  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  await step('vite build', () => build({ root: host, base: './', configFile: false, logLevel: 'error', plugins: [react()], build: { outDir: 'dist', emptyOutDir: true } }));
  server = await startTestServer({ webDir: path.join(host, 'dist') });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (host) await rm(host, { recursive: true, force: true });
  await rm(SERVER_SNIPPETS, { recursive: true, force: true });
});

describe('the published packages, installed from their tarballs into a fresh project', () => {
  it('pack only dist/, package.json, README.md and LICENSE (and the export schema for model)', () => {
    expect(Object.keys(packed).sort()).toEqual(PUBLISHED.map((n) => `@pulseboard/${n}`).sort());
    for (const [name, files] of Object.entries(packed)) {
      expect(files.filter((f) => !ALLOWED_FILE.test(f)), name).toEqual([]);
      expect(files, name).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE', 'package.json']));
    }
  });

  it('typecheck with tsc --strict: the React app, the Node script and every docs/embedding.md snippet', async () => {
    const snippets = await docSnippets();
    expect(snippets.filter((s) => s.kind === 'app').length).toBeGreaterThan(0);
    expect(snippets.filter((s) => s.kind === 'node').length).toBeGreaterThan(0);
    // The two tsc processes start first, then the in-process check runs beside them.
    const [, , serverProblems] = await Promise.all([
      step('tsc app', () => inHost(host, process.execPath, [TSC, '-p', 'tsconfig.app.json'])),
      step('tsc node', () => inHost(host, process.execPath, [TSC, '-p', 'tsconfig.node.json'])),
      step('check server snippets', async () => checkServerSnippets()),
    ]);
    expect(serverProblems).toEqual([]);
  }, 120_000);

  it('(b) a plain Node ESM script subscribes to a stream and receives every pushed value', async () => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['subscriber.mjs', server.url, ADMIN_TOKEN, 'embed.node', '3'], { cwd: host, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const lines: Array<{ ready?: boolean; value?: unknown }> = [];
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        lines.splice(0, lines.length, ...stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ready?: boolean; value?: unknown }));
        if (lines.some((l) => l.ready)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`subscriber exited (${code}) before it was ready: ${stderr}`)));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await ready;
    for (const value of [1, { status: 'ok' }, 3]) await server.api('POST', '/api/streams/embed.node', value);
    expect(await exited, stderr).toBe(0);
    expect(lines.filter((l) => 'value' in l).map((l) => l.value)).toEqual([1, { status: 'ok' }, 3]);
  }, 60_000);

  it.skipIf(SKIP_E2E)('(a) a Vite + React app in Chromium shows a pushed value, a widget it moves reaches the server, and its Pusher delivers', async () => {
    await server.createDashboard('embedded', 'Embedded', {
      w1: { id: 'w1', type: 'stat', title: 'Value', layout: { x: 0, y: 0, w: 3, h: 2 }, stream: 'embed.value', options: {} },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/?token=${ADMIN_TOKEN}&board=embedded`);
    await page.getByTestId('layout').filter({ hasText: '0,0' }).waitFor();

    await server.api('POST', '/api/streams/embed.value', 42);
    await page.getByTestId('value').filter({ hasText: '42' }).waitFor();

    await page.getByTestId('move').click();
    await page.getByTestId('layout').filter({ hasText: '3,0' }).waitFor();
    await page.getByTestId('pending').filter({ hasText: /^0$/ }).waitFor();
    expect((await server.getDashboard('embedded')).widgets.w1?.layout).toEqual({ x: 3, y: 0, w: 3, h: 2 });

    // The push SDK runs in the browser too: what close() flushed is on the server.
    await page.getByTestId('push').click();
    await page.getByTestId('push').filter({ hasText: 'flushed 1' }).waitFor();
    expect((await server.api<{ latest: unknown }>('GET', '/api/streams/embed.browser')).latest).toEqual({ from: 'browser' });
    expect(errors).toEqual([]);
  }, 60_000);

  it('measure the gzipped browser bundle of the sync core alone (no React), with and without zod', async () => {
    const { build } = await import('vite');
    const sizes: Record<string, number> = {};
    for (const [label, external] of [
      ['sync core', []],
      ['sync core without zod', [/^zod(\/|$)/]],
    ] as const) {
      const outDir = path.join(host, 'size', label.replace(/ /g, '-'));
      await build({
        root: host,
        configFile: false,
        logLevel: 'error',
        build: { outDir, emptyOutDir: true, rollupOptions: { input: path.join(host, 'src/sync-core.ts'), external: [...external] } },
      });
      let gz = 0;
      for (const file of await readdir(outDir, { recursive: true })) {
        if (file.endsWith('.js')) gz += gzipSync(await readFile(path.join(outDir, file))).length;
      }
      sizes[label] = gz;
    }
    console.log(`[embedding] sync core bundle: ${(sizes['sync core']! / 1024).toFixed(1)} KB gz; without zod: ${(sizes['sync core without zod']! / 1024).toFixed(1)} KB gz`);
    expect(sizes['sync core without zod']).toBeLessThan(sizes['sync core']!);
  }, 60_000);
});
