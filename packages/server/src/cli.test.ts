import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIO } from './cli.js';
import { TEST_ADMIN_TOKEN, startTestServer, type TestServer } from './http/test-server.js';

let t: TestServer;
let workDir: string;
beforeAll(async () => {
  t = await startTestServer();
  workDir = await mkdtemp(path.join(tmpdir(), 'pulseboard-cli-'));
});
afterAll(async () => {
  await t.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** Runs the CLI in-process against the test server (PULSEBOARD_URL/PULSEBOARD_TOKEN from env). */
async function run(argv: string[], env: NodeJS.ProcessEnv = { PULSEBOARD_URL: t.server.url, PULSEBOARD_TOKEN: TEST_ADMIN_TOKEN }) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('pulseboard CLI', () => {
  it('prints help for the CLI and for each command', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['start', 'push', 'export', 'import', 'token create', 'token list', 'token revoke']) expect(top.out).toContain(command);
    for (const command of ['start', 'push', 'export', 'import', 'token']) {
      const res = await run([command, '--help']);
      expect(res.code, command).toBe(0);
      expect(res.out, command).toMatch(/^Usage/);
    }
    expect((await run(['start', '--help'])).out).toContain('PULSEBOARD_ADMIN_TOKEN');
  });

  it('rejects an unknown command or option with exit code 2', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "frobnicate"');
    const option = await run(['push', 'a', '1', '--bogus']);
    expect(option.code).toBe(2);
    expect(option.err).toContain('--bogus');
  });

  it('reports a bad setting of start by name, with exit code 1', async () => {
    const res = await run(['start', '--port', 'eighty'], {});
    expect(res.code).toBe(1);
    expect(res.err).toBe('pulseboard start: invalid setting --port / PORT: "eighty" is not a whole number');
  });

  it('pushes numbers and JSON to a stream', async () => {
    expect((await run(['push', 'cli.metric', '42'])).out).toBe('pushed 1 point to cli.metric');
    expect((await run(['push', 'cli.metric', '{"points":[{"value":43},{"value":44}]}'])).out).toBe('pushed 2 points to cli.metric');
    expect((await t.json('GET', '/api/streams/cli.metric')).body.latest).toBe(44);
    expect((await run(['push', 'cli.status', '{"status":"ok"}'])).code).toBe(0);
    const got = await t.json('GET', '/api/streams/cli.status');
    expect(got.body.latest).toEqual({ status: 'ok' });
    const bad = await run(['push', 'cli.metric', 'not json']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('neither a number nor valid JSON');
  });

  it('exports a dashboard to a file and imports it back', async () => {
    await t.json('POST', '/api/dashboards', { body: { id: 'cli-dash', title: 'CLI' } });
    const file = path.join(workDir, 'cli-dash.json');
    expect((await run(['export', 'cli-dash', '--out', file])).code).toBe(0);
    const exported = JSON.parse(await readFile(file, 'utf8')) as { dashboard: { id: string; title: string } };
    expect(exported.dashboard).toMatchObject({ id: 'cli-dash', title: 'CLI' });

    const conflict = await run(['import', file]);
    expect(conflict.code).toBe(1);
    expect(conflict.err).toContain('HTTP 409: dashboard "cli-dash" already exists; add --overwrite to replace it');
    exported.dashboard.title = 'CLI again';
    await writeFile(file, JSON.stringify(exported));
    const ok = await run(['import', file, '--overwrite']);
    expect(ok.out).toBe('imported dashboard "cli-dash" (version 1)');
  });

  it('creates, lists and revokes tokens', async () => {
    const created = await run(['token', 'create', 'collector', '--push', 'jobs.', '--push', 'ci.', '--expires', '7d']);
    expect(created.code).toBe(0);
    const secret = created.out.trim();
    expect(secret).toMatch(/^pb_/);
    const id = /id ([0-9a-f-]+)/.exec(created.err)?.[1];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const list = await run(['token', 'list']);
    expect(list.out).toContain(`${id}  collector  scoped  live`);
    expect(list.out).toContain('"push":["jobs.","ci."]');
    expect((await run(['push', 'jobs.x', '1'], { PULSEBOARD_URL: t.server.url, PULSEBOARD_TOKEN: secret })).code).toBe(0);
    expect((await run(['token', 'revoke', id!])).out).toBe(`revoked token ${id}`);
    const revoked = await run(['push', 'jobs.x', '1', '--url', t.server.url, '--token', secret], {});
    expect(revoked.code).toBe(1);
    expect(revoked.err).toContain('HTTP 401');
  });

  it('explains an unreachable server', async () => {
    const res = await run(['push', 'a', '1', '--url', 'http://127.0.0.1:9'], {});
    expect(res.code).toBe(1);
    expect(res.err).toContain('cannot reach Pulseboard at http://127.0.0.1:9');
  });

  it('lists tokens even when one stored expiry is outside the range of a date (written by an older server)', async () => {
    const bad = 99_999_999_999_999 * 86_400_000;
    await t.server.sync.storage.createToken({
      id: 'bad-date-token',
      name: 'from an old server',
      hash: 'bad-date-hash',
      role: 'scoped',
      scopes: { view: ['*'] },
      createdAt: Date.now(),
      expiresAt: bad,
      revokedAt: null,
      kind: 'share',
      label: null,
      createdBy: null,
      lastUsedAt: null,
    });
    const res = await run(['token', 'list']);
    expect(res.code).toBe(0);
    expect(res.out).toContain(`bad-date-token  from an old server  scoped  live  expires ${bad} (not a valid time)`);
  });

  it('creates a token with --read prefixes', async () => {
    const res = await run(['token', 'create', 'reader', '--view', 'ops', '--read', 'ops.', '--expires', '1d']);
    expect(res.code).toBe(0);
    const listed = await t.json('GET', '/api/tokens');
    expect(listed.body.tokens).toContainEqual(expect.objectContaining({ name: 'reader', scopes: { view: ['ops'], read: ['ops.'] } }));
  });
});
