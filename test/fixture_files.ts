// Finding and reading the committed PyTorch fixtures, from test/ or dist/test/ alike.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file with a package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('fixtures: cannot find the repository root (no package.json above this file)');
    dir = up;
  }
  return dir;
}

/** test/fixtures/<name> in the repository. */
export function fixtureDir(name: string): string {
  return join(repoRoot(), 'test', 'fixtures', name);
}

/** The `cases` of one fixture file, or a clear error saying how to regenerate it. */
export function loadCases<C>(dir: string, file: string, regenerate: string): C[] {
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`missing ${path}: run ${regenerate}`);
  return (JSON.parse(readFileSync(path, 'utf8')) as { cases: C[] }).cases;
}

/** Every fixture file of a folder as a family (file name without .json) with its cases, sorted. */
export function loadFamilies<C>(dir: string): { family: string; cases: C[] }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ family: f.replace(/\.json$/, ''), cases: (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: C[] }).cases }));
}
