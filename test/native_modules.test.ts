// `import 'tessera'` loads no native module: DuckDB (@duckdb/node-api) loads at the first read of a
// file, resvg (@resvg/resvg-js) at the first PNG, and vega/vega-lite (pure JavaScript, but most of
// what an import would parse) at the first chart render. Each check runs in a fresh Node process
// and reads the shared objects the process has loaded (process.report) and the packages it has
// imported (a module-loader hook), after each step.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/test/ -> the repository
const dir = join(root, 'dist', 'native-check'); // inside the package: 'tessera' resolves to it by name

const HOOK = `export async function load(url, context, next) {
  const m = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url);
  if (m) process.stderr.write('PACKAGE ' + m[1] + '\\n');
  return next(url, context);
}
`;

const SCRIPT = `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});
const natives = () => process.report.getReport().sharedObjects.filter((s) => s.endsWith('.node'));
const step = (name) => process.stderr.write('STEP ' + name + ' ' + JSON.stringify(natives()) + '\\n');
const t = await import('tessera');
step('import');
await t.readCsv(${JSON.stringify(join(dir, 'small.csv'))});
step('readCsv');
const chart = t.rocChart([{ fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], label: 'model' }]);
await chart.toSVG();
step('toSVG');
await chart.toPNG();
step('toPNG');
`;

interface Step {
  name: string;
  natives: string[];
  packages: string[]; // packages imported from node_modules up to this step
}

function runSteps(): Step[] {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hook.mjs'), HOOK);
  writeFileSync(join(dir, 'check.mjs'), SCRIPT);
  writeFileSync(join(dir, 'small.csv'), 'x,label\n1.5,a\n2.5,b\n');
  const r = spawnSync(process.execPath, [join(dir, 'check.mjs')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `the child process failed:\n${r.stdout}\n${r.stderr}`);
  const steps: Step[] = [];
  const packages = new Set<string>();
  for (const line of r.stderr.split('\n')) {
    if (line.startsWith('PACKAGE ')) packages.add(line.slice(8));
    const m = /^STEP (\w+) (.*)$/.exec(line);
    if (m) steps.push({ name: m[1], natives: JSON.parse(m[2]), packages: [...packages] });
  }
  assert.deepEqual(
    steps.map((s) => s.name),
    ['import', 'readCsv', 'toSVG', 'toPNG'],
    r.stderr,
  );
  return steps;
}

const isDuckDB = (s: string) => /duckdb[^/]*\.node$/.test(s);
const isResvg = (s: string) => /resvg[^/]*\.node$/.test(s);

test('importing tessera loads no native module and no dependency; each loads at its first use', () => {
  const [imported, afterCsv, afterSvg, afterPng] = runSteps();

  assert.deepEqual(imported.natives, [], 'native modules loaded by the import alone');
  assert.deepEqual(imported.packages, [], 'packages loaded by the import alone');

  assert.ok(afterCsv.natives.some(isDuckDB), `readCsv loaded no DuckDB: ${afterCsv.natives.join(', ')}`);
  assert.ok(!afterCsv.natives.some(isResvg), 'readCsv loaded resvg');
  assert.ok(!afterCsv.packages.some((p) => p.startsWith('vega')), `readCsv loaded vega: ${afterCsv.packages.join(', ')}`);

  assert.ok(afterSvg.packages.includes('vega') && afterSvg.packages.includes('vega-lite'), 'toSVG did not load vega and vega-lite');
  assert.ok(!afterSvg.natives.some(isResvg), 'toSVG (no raster) loaded resvg');

  assert.ok(afterPng.natives.some(isResvg), `toPNG loaded no resvg: ${afterPng.natives.join(', ')}`);
});
