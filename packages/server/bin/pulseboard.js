#!/usr/bin/env node
// The `pulseboard` command: runs src/cli.ts through tsx (TypeScript without a build step).
// The repository's tsconfig maps @pulseboard/* to their sources, from any working directory.
import { register } from 'tsx/esm/api';

register({ tsconfig: new URL('../../../tsconfig.json', import.meta.url).pathname });
const { runCli } = await import('../src/cli.ts');
runCli(process.argv.slice(2));
