#!/usr/bin/env node
// The ioc-wall command: runs the TypeScript CLI through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

// A reader that stops early (`ioc-wall describe ... | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
register();
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
