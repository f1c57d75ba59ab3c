import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tsx is resolved from here). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(REPO_ROOT, 'packages/server/src/cli.ts');

/** A `pulseboard` CLI process started by a test, with everything it printed so far. */
export interface ChildCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Runs `tsx packages/server/src/cli.ts <args>` as a child process (its own admin token, port and data dir unset). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildCli {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PULSEBOARD_ADMIN_TOKEN: '', PORT: '', HOST: '', PULSEBOARD_DATA_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Starts `pulseboard start` and waits for its "listening on <url>" line. */
export async function startChildServer(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<ChildCli & { url: string }> {
  const cli = spawnCli(['start', '--port', '0', ...args], env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms\nstdout: ${cli.stdout()}\nstderr: ${cli.stderr()}`)), timeoutMs);
    const check = () => {
      const match = /^Pulseboard listening on (http:\/\/\S+)$/m.exec(cli.stdout());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    cli.child.stdout!.on('data', check);
    void cli.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening\nstdout: ${cli.stdout()}\nstderr: ${cli.stderr()}`));
    });
  });
  return { ...cli, url };
}
