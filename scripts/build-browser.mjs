// Bundles tessera for browsers with esbuild (its WebAssembly build: no native binary to download):
// dist/browser/tessera.js (ES module: the whole public surface of src/browser.ts) and
// dist/browser/worker.js (the CPU device's thread-pool worker, which tessera.js starts as a module
// Worker from `new URL('./worker.js', import.meta.url)`, so keep the two files side by side).
// Run: node scripts/build-browser.mjs   (part of `npm run build`; needs tsc's output in dist/src)
//
// Node-only code stays out: `node:*` built-ins and the native packages (DuckDB, resvg) and vega are
// left as dynamic imports that run only under Node.js, where the functions that need them check
// first and throw an error naming the browser alternative. The build fails if the bundle would
// import any of them at load time.

import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild-wasm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/browser');
const NODE_ONLY = ['node:*', '@duckdb/*', '@resvg/*', 'vega', 'vega-lite'];

const started = Date.now();
mkdirSync(outdir, { recursive: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  metafile: true,
  logLevel: 'warning',
};
const lib = await esbuild.build({
  ...common,
  entryPoints: [join(root, 'dist/src/browser.js')],
  outfile: join(outdir, 'tessera.js'),
  external: NODE_ONLY,
  sourcemap: 'linked',
});
const worker = await esbuild.build({
  ...common,
  entryPoints: [join(root, 'dist/src/backend/wasm/worker.js')],
  outfile: join(outdir, 'worker.js'),
});
await esbuild.stop();

// A static import of a Node-only module would break every page that loads the bundle.
for (const [file, out] of Object.entries({ ...lib.metafile.outputs, ...worker.metafile.outputs })) {
  const eager = (out.imports ?? []).filter((i) => i.external && i.kind === 'import-statement');
  if (eager.length > 0) {
    throw new Error(`build-browser: ${file} imports ${eager.map((i) => i.path).join(', ')} at load time; load it on first use instead`);
  }
}
const sizes = Object.entries({ ...lib.metafile.outputs, ...worker.metafile.outputs })
  .filter(([file]) => file.endsWith('.js'))
  .map(([file, out]) => `${relative(root, join(root, file))} ${(out.bytes / 1024).toFixed(0)} KiB`);
console.log(`build-browser: ${sizes.join(', ')} (${Date.now() - started} ms)`);
