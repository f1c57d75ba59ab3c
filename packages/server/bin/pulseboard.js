#!/usr/bin/env node
// The `pulseboard` command: runs src/cli.ts through tsx (TypeScript without a build step).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
runCli(process.argv.slice(2));
