// Lints the AssemblyScript kernels (src/kernels) with biome, under biome.json's override for them.
// Run: node scripts/lint-kernels.mjs [--write]   (part of `npm run lint`; --write applies biome's safe fixes)
//
// AssemblyScript marks functions `@inline`, a decorator on a function declaration, which no
// TypeScript parser accepts (biome stops at "Decorators are not valid here"), so biome.json's
// `files.includes` leaves src/kernels out of the plain `biome check`. This script lints a copy in
// which each `@inline ` is the comment `/*@il*/ ` (the same length: lines and columns in the
// diagnostics are the sources'), with biome.json's settings and only src/kernels included.
// With --write, the fixed copies are turned back (`/*@il*/ ` -> `@inline `) and written over the
// sources they changed.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kernels = 'src/kernels';
const write = process.argv.includes('--write');

const INLINE = /^@inline /gm;
const MARK = '/*@il*/ '; // as long as '@inline '
const UNMARK = /^\/\*@il\*\/ /gm;

const sources = readdirSync(join(root, kernels)).filter((f) => f.endsWith('.ts'));
for (const f of sources) {
  const text = readFileSync(join(root, kernels, f), 'utf8');
  if (text.includes(MARK)) throw new Error(`lint-kernels: ${kernels}/${f} already contains the marker ${MARK.trim()}; pick another`);
}

const work = mkdtempSync(join(tmpdir(), 'tessera-lint-kernels-'));
try {
  const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
  delete config.$schema;
  config.vcs = { enabled: false };
  config.files = { ...config.files, includes: [`${kernels}/**`] };
  writeFileSync(join(work, 'biome.json'), JSON.stringify(config, null, 2));
  mkdirSync(join(work, kernels), { recursive: true });
  for (const f of sources) {
    writeFileSync(join(work, kernels, f), readFileSync(join(root, kernels, f), 'utf8').replace(INLINE, MARK));
  }

  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  const args = [biome, 'check', `--config-path=${work}`, ...(write ? ['--write'] : []), kernels];
  const r = spawnSync(process.execPath, args, { cwd: work, stdio: 'inherit' });
  if (r.error) throw r.error;

  if (write) {
    for (const f of sources) {
      const before = readFileSync(join(root, kernels, f), 'utf8');
      const after = readFileSync(join(work, kernels, f), 'utf8').replace(UNMARK, '@inline ');
      if (after !== before) {
        writeFileSync(join(root, kernels, f), after);
        console.log(`lint-kernels: fixed ${kernels}/${f}`);
      }
    }
  }
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
