/**
 * Pull sources benchmark (issue 12): 1,000 http-json sources at a 1 s interval against a
 * local HTTP server in another process, through the real runner (SourceManager: scheduler,
 * per-host limiter, outbound fetch, JMESPath selectors, SyncService.push into SQLite).
 *
 * Two phases, each warmed up for WARMUP_MS then measured for MEASURE_MS:
 * - unchanged: every answer after the first is a 304 (ETag): scheduler + fetch overhead;
 * - changing: every answer is new each second: fetch, parse, selectors and one stream write
 *   per run (1,000 SQLite commits a second).
 * Reports runs per second, the node's CPU share (user + system of this process over wall
 * time; the upstream runs in its own process), scheduling lag (how late each run starts
 * after it was due) p50/p99/max, run duration p50/p99 and event-loop delay p99.
 *
 * Run: npx tsx bench/sources-bench.ts [--sources=1000] [--measure=20] [--host-concurrency=8] (about a minute)
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LocalPubSub, LocalSingletonRunner, SourceManager, SqliteStorage, SyncService } from '@pulseboard/server';

const WARMUP_MS = 5_000;

/** The upstream: `/s/<i>?mode=unchanged|changing`, JSON with an ETag (honoured). */
function runUpstream(): void {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const second = Math.floor(Date.now() / 1000);
    const version = url.searchParams.get('mode') === 'changing' ? String(second) : 'static';
    const etag = `"${version}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    const body = JSON.stringify({ source: url.pathname, load: { value: second % 100, unit: '%' }, checkedAt: second });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), etag });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}

interface PhaseResult {
  phase: string;
  runsPerSecond: number;
  results: Record<string, number>;
  cpuSharePercent: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  runP50Ms: number;
  runP99Ms: number;
  eventLoopP99Ms: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sources: { type: 'string' }, measure: { type: 'string' }, 'host-concurrency': { type: 'string' } } });
  const sourceCount = Number(values.sources ?? 1000);
  const measureMs = Number(values.measure ?? 20) * 1000;
  const hostConcurrency = Number(values['host-concurrency'] ?? 8);

  const require = createRequire(import.meta.url);
  const upstream = fork(fileURLToPath(import.meta.url), ['--upstream'], { execArgv: ['--import', require.resolve('tsx')] });
  const port = await new Promise<number>((resolve) => upstream.once('message', (m: { port: number }) => resolve(m.port)));

  const dir = mkdtempSync(join(tmpdir(), 'pulseboard-sources-bench-'));
  const storage = new SqliteStorage({ file: join(dir, 'pulseboard.db') });
  const sync = new SyncService({ storage, pubsub: new LocalPubSub(), streamLimits: { maxPoints: 1_000, maxAgeMs: 24 * 3_600_000 } });

  const lags: number[] = [];
  const durations: number[] = [];
  const results: Record<string, number> = {};
  let recording = false;
  const singleton = new LocalSingletonRunner();
  const manager = new SourceManager({
    sync,
    singleton,
    log: (m, e) => console.error(m, e),
    limits: { allowHosts: ['127.0.0.1'], maxResponseBytes: 1024 * 1024, maxRedirects: 3, hostConcurrency },
    observer: {
      onStart: (lagMs) => {
        if (recording) lags.push(lagMs);
      },
      onRun: (_id, result, durationMs) => {
        if (!recording) return;
        durations.push(durationMs);
        results[result] = (results[result] ?? 0) + 1;
      },
    },
  });

  const phases: PhaseResult[] = [];
  for (const mode of ['unchanged', 'changing'] as const) {
    const now = Date.now();
    for (const record of await storage.listSources()) await storage.deleteSource(record.id);
    for (let i = 0; i < sourceCount; i++) {
      await storage.createSource({
        id: `s${i}`,
        definition: {
          id: `s${i}`,
          name: `s${i}`,
          kind: 'http-json',
          enabled: true,
          url: `http://127.0.0.1:${port}/s/${i}?mode=${mode}`,
          method: 'GET',
          headers: [],
          intervalMs: 1000,
          timeoutMs: 5000,
          selectors: [{ stream: `bench.s${i}`, path: 'load.value' }],
        },
        createdAt: now,
        updatedAt: now,
      });
    }
    if (phases.length === 0) await manager.start();
    else await manager.resync();
    await new Promise((r) => setTimeout(r, WARMUP_MS));

    lags.length = 0;
    durations.length = 0;
    for (const key of Object.keys(results)) delete results[key];
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    recording = true;
    await new Promise((r) => setTimeout(r, measureMs));
    recording = false;
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    loop.disable();

    lags.sort((a, b) => a - b);
    durations.sort((a, b) => a - b);
    phases.push({
      phase: mode,
      runsPerSecond: Math.round((durations.length / wallMs) * 1000),
      results: { ...results },
      cpuSharePercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
      lagP50Ms: Math.round(percentile(lags, 0.5) * 10) / 10,
      lagP99Ms: Math.round(percentile(lags, 0.99) * 10) / 10,
      lagMaxMs: Math.round((lags.at(-1) ?? Number.NaN) * 10) / 10,
      runP50Ms: Math.round(percentile(durations, 0.5) * 10) / 10,
      runP99Ms: Math.round(percentile(durations, 0.99) * 10) / 10,
      eventLoopP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
    });
  }

  manager.close();
  await singleton.close();
  await storage.close();
  upstream.kill();
  rmSync(dir, { recursive: true, force: true });

  console.log(`${sourceCount} http-json sources at 1 s, host concurrency ${hostConcurrency}, ${measureMs / 1000} s measured per phase (node ${process.version})`);
  console.table(phases.map(({ results: r, ...rest }) => ({ ...rest, results: JSON.stringify(r) })));
}

if (process.argv.includes('--upstream')) runUpstream();
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
