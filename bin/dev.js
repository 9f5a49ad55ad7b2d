#!/usr/bin/env node
// Development entry: recompiles src/ (incremental) and runs the CLI from it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execute } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.json'], {
  cwd: root,
  stdio: 'inherit',
});
await execute({ dir: import.meta.url });
