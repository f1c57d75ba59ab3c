import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli, startChildServer, type ChildCli } from '@pulseboard/testing';

const children: ChildCli[] = [];
const dirs: string[] = [];

/** Resolves with the first match of `pattern` in the child's stdout, as soon as it is printed. */
function waitForOutput(cli: ChildCli, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cli.child.stdout!.off('data', check);
      reject(new Error(`no ${pattern} in stdout within ${timeoutMs} ms:\n${cli.stdout()}`));
    }, timeoutMs);
    function check(): void {
      const match = pattern.exec(cli.stdout());
      if (!match) return;
      clearTimeout(timer);
      cli.child.stdout!.off('data', check);
      resolve(match);
    }
    cli.child.stdout!.on('data', check);
    check();
  });
}

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('pulseboard start (as a process)', () => {
  it('prints the admin token and its URL on the first run only, and the token keeps working', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'pulseboard-first-run-'));
    dirs.push(root);
    const dataDir = path.join(root, 'data');

    const first = await startChildServer(['--data', dataDir]);
    children.push(first);
    const match = await waitForOutput(first, /Open: (http:\/\/\S+)\/#token=(pb_\S+)\n/);
    expect(match[1]).toBe(first.url);
    const token = match[2]!;
    expect(existsSync(path.join(dataDir, 'pulseboard.db'))).toBe(true);
    const demo = await fetch(`${first.url}/api/dashboards/demo`, { headers: { authorization: `Bearer ${token}` } });
    expect(demo.status).toBe(200);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    // The process has exited, so everything it printed is in: check the whole output.
    const out = first.stdout();
    expect(out.split('\n')[0]).toBe(`Pulseboard listening on ${first.url}`);
    expect(out.split(token).length - 1).toBe(2); // the token line and the URL line, nothing else

    const second = await startChildServer(['--data', dataDir]);
    children.push(second);
    const again = await fetch(`${second.url}/api/dashboards`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stdout()).toContain('SIGTERM received, shutting down');
    expect(second.stdout()).not.toContain('#token=');
    expect(second.stdout()).not.toContain(token);
  }, 60_000);

  it('exits non-zero with a one-line error naming a bad setting, never a stack trace', async () => {
    const cli = spawnCli(['start'], { PORT: 'not-a-port' });
    children.push(cli);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr().trim()).toBe('pulseboard start: invalid setting --port / PORT: "not-a-port" is not a whole number');
    expect(cli.stdout()).toBe('');
  }, 30_000);
});
