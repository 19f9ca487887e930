// The package as a user installs it: each subpath export (tessera/nn, tessera/optim, tessera/data,
// tessera/eval, tessera/train, tessera/io) resolves by the package's name to its folder's index, its
// types compile in a user's program, and its runtime exports are those of the main entry; every
// subpath a folder's header promises exists; and `npm pack` ships every file an export names and no
// test or benchmark.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { userProgramErrors } from './user_program.js';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/test/ -> the repository
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
};

/** Each subpath, with a program that uses it as a user would, and one runtime export it must hold. */
const SUBPATHS: Record<string, { snippet: string; has: string }> = {
  nn: {
    snippet: `import { Linear, type Module, ReLU, Sequential } from 'tessera/nn';
const model: Module = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
const n: number = model.parameters().length;`,
    has: 'Linear',
  },
  optim: {
    snippet: `import { Linear } from 'tessera/nn';
import { Adam, clipGradNorm, StepLR } from 'tessera/optim';
const layer = new Linear(4, 2);
const opt = new Adam(layer.parameters(), { lr: 1e-3 });
const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5 });
clipGradNorm(layer.parameters(), 1);
sched.step();`,
    has: 'AdamW',
  },
  data: {
    snippet: `import { DataLoader, readCsv, StandardScaler, type Table, TensorDataset } from 'tessera/data';
import { tensor } from 'tessera';
const ds = new TensorDataset(tensor([[1, 2], [3, 4]]), tensor([0, 1]));
const loader = new DataLoader(ds, { batchSize: 2, shuffle: true });
const table: Promise<Table> = readCsv('data.csv');
const scaler = new StandardScaler();`,
    has: 'readCsv',
  },
  eval: {
    snippet: `import { accuracy, KFold, rocChart, writeChart } from 'tessera/eval';
const acc: number = accuracy([0, 1, 1], [0, 1, 0]);
const folds = new KFold({ nSplits: 3 });
const chart = rocChart([{ fpr: [0, 1], tpr: [0, 1], label: 'model' }]);
const svg: Promise<string> = chart.toSVG();
const written: Promise<unknown> = writeChart(chart, 'roc.svg');`,
    has: 'crossValidate',
  },
  train: {
    snippet: `import { Linear } from 'tessera/nn';
import { SGD } from 'tessera/optim';
import { compile, EarlyStopping, loadModel, saveModel, type Trainer } from 'tessera/train';
const model = new Linear(4, 2);
const trainer: Trainer = compile(model, { optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy' });
const stop = new EarlyStopping({ patience: 3 });
const saved: Promise<void> = saveModel(model, 'out/model');
const again = loadModel('out/model');`,
    has: 'Trainer',
  },
  io: {
    snippet: `import { decodeSafetensors, encodeSafetensors, loadModelFiles, saveCheckpoint, writeFileAtomic } from 'tessera/io';
const done: Promise<void> = writeFileAtomic('out/notes.txt', 'hello');
const files = loadModelFiles('out/model');`,
    has: 'writeFileAtomic',
  },
};

const snippetDir = join(root, 'dist', 'package-snippets'); // inside the package: 'tessera' resolves to it by name

/** tsc's diagnostics for `files`, compiled as a user's NodeNext program against the built package. */
function typeErrors(files: string[]): string[] {
  return userProgramErrors(files).map((p) => `${p.file}:${p.line === null ? '?' : p.line + 1}: ${p.message}`);
}

test('package.json exports each subpath with its types and its code, from the folder index', () => {
  for (const name of Object.keys(SUBPATHS)) {
    assert.deepEqual(
      pkg.exports[`./${name}`],
      { types: `./dist/src/${name}/index.d.ts`, default: `./dist/src/${name}/index.js` },
      `exports["./${name}"]`,
    );
  }
});

test('every subpath a folder header promises ("// tessera/x: ...") is exported', () => {
  const promised = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'index.ts') {
        const first = readFileSync(path, 'utf8').split('\n')[0];
        const m = /^\/\/ tessera\/([a-z]+)\b/.exec(first);
        if (m) promised.add(m[1]);
      }
    }
  };
  walk(join(root, 'src'));
  assert.ok(promised.size >= 4, `found the promise in ${promised.size} headers`);
  for (const name of promised) assert.ok(pkg.exports[`./${name}`], `a header promises tessera/${name}, which package.json does not export`);
});

test('each subpath type-checks in a user program that imports it by name', () => {
  rmSync(snippetDir, { recursive: true, force: true });
  mkdirSync(snippetDir, { recursive: true });
  const files = Object.entries(SUBPATHS).map(([name, { snippet }]) => {
    const file = join(snippetDir, `uses-${name}.mts`);
    writeFileSync(file, `${snippet}\nexport {};\n`);
    return file;
  });
  assert.deepEqual(typeErrors(files), []);
});

test('a name a subpath does not export is a type error (the subpaths are typed, not any)', () => {
  mkdirSync(snippetDir, { recursive: true });
  const file = join(snippetDir, 'wrong-subpath.mts');
  writeFileSync(file, `import { Adam } from 'tessera/nn';\nimport { Linear } from 'tessera/nope';\nexport { Adam, Linear };\n`);
  const errors = typeErrors([file]).join('\n');
  assert.match(errors, /has no exported member '?Adam'?/);
  assert.match(errors, /Cannot find module 'tessera\/nope'/);
});

test('each subpath loads by name: the folder index, with the same values as the main entry', async () => {
  const main = (await import('tessera')) as Record<string, unknown>;
  for (const [name, { has }] of Object.entries(SUBPATHS)) {
    const byName = (await import(`tessera/${name}`)) as Record<string, unknown>;
    const byPath = await import(pathToFileURL(join(root, 'dist', 'src', name, 'index.js')).href);
    assert.equal(byName, byPath, `tessera/${name} is not dist/src/${name}/index.js`);
    assert.equal(typeof byName[has], 'function', `tessera/${name} lacks ${has}`);
    for (const [key, value] of Object.entries(byName)) {
      // io's file-level saveModel is the main entry's saveModelFiles (its saveModel takes a Module)
      const expected = name === 'io' && key === 'saveModel' ? main.saveModelFiles : main[key];
      assert.equal(value, expected, `tessera/${name}.${key} differs from the main entry's`);
    }
  }
});

test('npm pack ships every file an export names, and no test or benchmark', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `npm pack --dry-run failed:\n${r.stderr}`);
  const files = new Set((JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : [target.types, target.default]) {
      assert.ok(files.has(file.replace(/^\.\//, '')), `exports["${subpath}"] names ${file}, which npm pack does not ship`);
    }
  }
  const stray = [...files].filter((f) => /\.test\.|(^|\/)(test|bench|fixtures)\/|(^|\/)bench-|\.tsbuildinfo$/.test(f));
  assert.deepEqual(stray, [], 'tests, benchmarks or build state in the package');
});
