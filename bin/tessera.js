#!/usr/bin/env node
// The `tessera` command (package.json "bin"): runs the compiled CLI in dist/. See `tessera --help`.

let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('cli/main.js')) throw err;
  process.stderr.write('tessera: the compiled CLI (dist/src/cli/main.js) is missing; run `npm run build` first\n');
  process.exit(1);
}
await cli.run();
