import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIO } from './cli.js';
import { TEST_ADMIN_TOKEN, startTestServer, type TestServer } from './http/test-server.js';
import { startUpstream, type UpstreamServer } from './sources/upstream-test-server.js';

let t: TestServer;
let upstream: UpstreamServer;

beforeAll(async () => {
  upstream = await startUpstream({ cpu: { load: 0.25 }, queue: { depth: 7 } });
  t = await startTestServer({ storageKind: 'memory', sourceHosts: ['127.0.0.1'] });
});
afterAll(async () => {
  await t?.stop();
  await upstream?.close();
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env: { PULSEBOARD_URL: t.server.url, PULSEBOARD_TOKEN: TEST_ADMIN_TOKEN } };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('pulseboard source', () => {
  it('adds, lists, tests and removes an http-json source', async () => {
    const added = await run([
      'source', 'add', 'http-json', `${upstream.url}/value`,
      '--id', 'queue', '--interval', '90s',
      '--select', 'cli.load=cpu.load', '--select', 'cli.depth=queue.depth',
      '--secret-header', 'Authorization: Bearer cli-secret',
    ]); // prettier-ignore
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    expect(added.out).toBe('added source queue (http-json, every 90 s) feeding cli.depth, cli.load');

    const listed = await run(['source', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`queue  http-json  every 90s  ${upstream.url}/value  -> cli.depth, cli.load`);
    expect(listed.out).not.toContain('cli-secret');

    const offsetBefore = (await t.json('GET', '/api/streams/cli.depth')).body.offset as number | undefined;
    const tested = await run(['source', 'test', 'queue']);
    expect(tested.code).toBe(0);
    expect(tested.out.split('\n')).toEqual(['cli.load <- 0.25   (cpu.load)', 'cli.depth <- 7   (queue.depth)']);
    expect(tested.err).toMatch(/^ok in \d+ ms; nothing was pushed$/);
    expect((await t.json('GET', '/api/streams/cli.depth')).body.offset).toBe(offsetBefore);

    const removed = await run(['source', 'rm', 'queue']);
    expect(removed.code).toBe(0);
    expect((await run(['source', 'list'])).out).toBe('(no sources)');
  });

  it('tests an unsaved definition and exits 1 naming what matched nothing', async () => {
    const res = await run(['source', 'test', 'http-json', `${upstream.url}/value`, '--select', 'x.y=no.such']);
    expect(res.code).toBe(1);
    expect(res.out).toBe('(nothing) <- no.such');
    expect(res.err).toContain('run failed: selector "no.such" matched nothing (selector_empty)');
  });

  it('prints the server\'s 400 naming the field for bad input, and usage errors exit 2', async () => {
    const bad = await run(['source', 'add', 'http-json', `${upstream.url}/value`, '--select', 'x=a[']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('selectors.0.path: is not a valid JMESPath expression');
    const tooOften = await run(['source', 'add', 'http-json', `${upstream.url}/value`, '--select', 'x=a', '--interval', '0s']);
    expect(tooOften.err).toContain('intervalMs: must be at least 1000');
    expect((await run(['source', 'add', 'ftp', 'x'])).code).toBe(2);
    expect((await run(['source', 'add', 'http-json', `${upstream.url}/value`])).err).toContain('needs at least one --select');
    expect((await run(['source', '--help'])).out).toMatch(/^Usage/);
  });
});
