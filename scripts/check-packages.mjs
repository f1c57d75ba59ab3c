// Checks each published package as npm would ship it: publint (package.json, exports,
// files) and @arethetypeswrong/cli (types resolve for Node ESM and bundlers), all four
// packages at once. Run after `npm run build:packages`; exits non-zero on any problem.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PUBLISHED = ['model', 'protocol', 'client', 'react'];

const results = await Promise.all(
  PUBLISHED.map(async (name) => {
    const dir = `packages/${name}`;
    try {
      const lint = await run('publint', ['--strict', dir]);
      const types = await run('attw', ['--pack', dir, '--profile', 'esm-only', '--format', 'ascii', '--no-summary']);
      return { name, ok: true, output: lint.stdout + types.stdout };
    } catch (error) {
      return { name, ok: false, output: `${error.stdout ?? ''}${error.stderr ?? error.message}` };
    }
  }),
);
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} @pulseboard/${r.name}${r.ok ? '' : `\n${r.output}`}`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
