/**
 * `npm run fuzz` — the fuzz suite at length (issue 7): by default 100,000 WebSocket frames and
 * 20,000 HTTP requests against a real server started here (or `--url`/`--token` for one
 * already running). Prints the count of every answer class and exits 1 on any 5xx,
 * `internal`, undocumented code, stuck connection or error the server logged.
 *
 *   npm run fuzz -- [--frames 100000] [--requests 20000] [--seed N] [--connections 16] [--concurrency 16] [--url URL --token T]
 */
import { parseArgs } from 'node:util';
import { prepareTarget, runFuzz } from './fuzz/fuzz-runner.js';
import { startFuzzServer, type FuzzServer } from './fuzz/fuzz-server.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    connections: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '16' },
    url: { type: 'string' },
    token: { type: 'string' },
  },
});

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`fuzz: --${name} must be a whole number, not "${text}"`);
    process.exit(2);
  }
  return n;
}

const seed = values.seed === undefined ? Date.now() % 1_000_000_000 : positive('seed', values.seed);
const options = {
  seed,
  frames: positive('frames', values.frames),
  requests: positive('requests', values.requests),
  connections: Math.max(1, positive('connections', values.connections)),
  concurrency: Math.max(1, positive('concurrency', values.concurrency)),
};

let server: FuzzServer | null = null;
if (values.url === undefined) server = await startFuzzServer();
const url = values.url ?? server!.url;
const token = values.token ?? server?.adminToken;
if (!token) {
  console.error('fuzz: --url needs --token (an admin token of that server)');
  process.exit(2);
}

console.log(`fuzz: seed ${seed}, ${options.frames} frames over ${options.connections} connections, ${options.requests} requests ${options.concurrency} at a time, against ${url}`);
const started = performance.now();
const report = await runFuzz(await prepareTarget(url, token), options);
const seconds = (performance.now() - started) / 1000;
await server?.close();

console.log(`\nsent in ${seconds.toFixed(1)} s: ${report.frames} frames, ${report.requests} requests`);
console.log(report.sent.format());
console.log('\nanswers by class:');
console.log(report.answers.format());
const logged = server?.logged ?? [];
if (logged.length > 0) console.log(`\nthe server logged ${logged.length} error(s):\n  ${logged.slice(0, 20).join('\n  ')}`);
if (report.answers.violations.length > 0) console.log(`\nviolations (first ${report.answers.violations.length}):\n  ${report.answers.violations.join('\n  ')}`);
const failed = report.answers.violations.length > 0 || logged.length > 0;
console.log(failed ? `\nFAIL (seed ${seed})` : `\nOK: no 5xx, no internal, no undocumented code, no stuck connection (seed ${seed})`);
process.exit(failed ? 1 : 0);
