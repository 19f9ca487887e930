// package-lock.json is complete for every platform: `npm ci` refuses a lock file that lacks a
// package another platform would install (EUSAGE), and an install on macOS, Windows or ARM Linux
// gets its native binaries (biome, DuckDB, resvg) only from the lock's entries for them. So every
// optional dependency of every locked package has a locked entry, whatever its `os` and `cpu`, and
// the lock's root lists exactly package.json's dependencies. (.ci/run also runs
// `npm ci --dry-run` against it, and its install is `npm ci` on a clean clone.)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/test/ -> the repository

interface Locked {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, Locked>;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Locked;

/** The locked entry that `name`, required from the package at `from`, resolves to (node's lookup upwards), or null. */
function resolveLocked(packages: Record<string, Locked>, from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === '') return null;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/** Every optional dependency without a locked entry, as 'package -> dependency'. */
function missingOptional(packages: Record<string, Locked>): string[] {
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      if (!resolveLocked(packages, path, name)) missing.push(`${path || '(root)'} -> ${name}`);
    }
  }
  return missing;
}

test('the lock file is npm 7+ (lockfileVersion 2 or 3: a "packages" map)', () => {
  assert.ok(lock.lockfileVersion >= 2, `lockfileVersion ${lock.lockfileVersion}`);
});

test("the lock's root lists exactly package.json's dependencies", () => {
  const locked = lock.packages[''];
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
    assert.deepEqual(locked[field] ?? {}, pkg[field] ?? {}, `package-lock.json's ${field} differ from package.json's: run npm install`);
  }
});

test('every optional dependency of every locked package is locked, for every platform', () => {
  assert.deepEqual(
    missingOptional(lock.packages),
    [],
    'entries missing from package-lock.json (npm ci fails with EUSAGE): add them (npm install --package-lock-only) and check with npm ci --dry-run',
  );
  // the native binaries tessera's users need on each platform are among them
  const platforms = (prefix: string) =>
    Object.entries(lock.packages)
      .filter(([p]) => p.startsWith(`node_modules/${prefix}`))
      .map(([, e]) => `${e.os?.join('+')}-${e.cpu?.join('+')}`);
  for (const prefix of ['@duckdb/node-bindings-', '@resvg/resvg-js-', '@biomejs/cli-']) {
    const have = platforms(prefix);
    for (const needed of ['darwin-arm64', 'darwin-x64', 'win32-x64', 'linux-arm64', 'linux-x64']) {
      assert.ok(have.includes(needed), `package-lock.json has no ${prefix}* for ${needed} (has ${have.join(', ')})`);
    }
  }
});

test('the check finds a missing platform package', () => {
  const without = { ...lock.packages };
  delete without['node_modules/@duckdb/node-bindings-darwin-arm64'];
  assert.deepEqual(missingOptional(without), ['node_modules/@duckdb/node-bindings -> @duckdb/node-bindings-darwin-arm64']);
});
