import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

/** Where Debian's `prometheus` package installs the server. */
export const PROMETHEUS_BIN = process.env.PULSEBOARD_PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** A Prometheus server started for a test. */
export interface PrometheusProcess {
  url: string;
  stop(): Promise<void>;
}

const IS_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/**
 * True when the Prometheus suites must be skipped: no binary and not in CI (where they run
 * and fail on the missing binary). Says so loudly.
 */
export function skipWithoutPrometheus(): boolean {
  if (existsSync(PROMETHEUS_BIN)) return false;
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!! ${IS_CI ? 'FAILING' : 'SKIPPING'} the Prometheus tests: no Prometheus at ${PROMETHEUS_BIN}\n` +
      `!! Install it with: apt-get install -y prometheus   (or set PULSEBOARD_PROMETHEUS_BIN)\n${bar}\n`,
  );
  return !IS_CI;
}


/**
 * Starts a real Prometheus on a free loopback port that scrapes `target` (host:port) every
 * second as job `pulseboard`; resolves once it logs that it is ready for web requests.
 */
export async function startPrometheus(target: string): Promise<PrometheusProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pulseboard-prometheus-'));
  const port = await freePort();
  const config = `global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: pulseboard
    static_configs:
      - targets: ['${target}']
`;
  await writeFile(path.join(dir, 'prometheus.yml'), config);
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=info'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.includes('Server is ready to receive web requests')) {
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`prometheus exited (${code}) before it was ready:\n${log.slice(-2000)}`)));
    child.once('error', reject);
  });
  // Keep draining its log so a full pipe never blocks it.
  child.stderr?.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
