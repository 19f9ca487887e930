// The `tessera` program run as a child process, as scripts run it: help and exit codes, bad configs
// refused with the field named (exit 2), and a tiny training on the built-in dataset whose saved
// model `info`, `evaluate` and `predict` then read.

import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CliResult, runCli, scratchDir, writeText } from '../../test/cli_harness.js';
import { encodeIdx } from '../index.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/tessera.js', import.meta.url));
const work = await scratchDir('tessera-cli-');

/** Runs `node <script> ...args` in the scratch folder. */
function tessera(args: string[], script = MAIN): Promise<CliResult> {
  return runCli(args, work, script);
}

/** Writes a config file into the scratch folder; returns its path. */
function config(name: string, text: string): Promise<string> {
  return writeText(work, name, text);
}

const TINY = `
seed: 1
data: { source: builtin:fashion-mnist-small, validationSplit: 0.1, batchSize: 64 }
model:
  layers:
    - { type: Linear, inFeatures: 784, outFeatures: 16 }
    - { type: ReLU }
    - { type: Linear, inFeatures: 16, outFeatures: 10 }
optimizer: { type: adam, lr: 0.01 }
metrics: [accuracy, top3]
epochs: 1
callbacks: { csvLogger: log.csv }
`;

test('--help, help <command> and every command --help exit 0; --version prints the version', async () => {
  const help = await tessera(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Commands:[\s\S]*train <config>[\s\S]*Exit codes:[\s\S]*2 {2}usage or config error/);
  for (const command of ['train', 'evaluate', 'predict', 'info']) {
    const r = await tessera([command, '--help']);
    assert.equal(r.code, 0, command);
    assert.match(r.stdout, new RegExp(`^Usage: tessera ${command}`), command);
  }
  assert.equal((await tessera(['help', 'train'])).code, 0);
  const pkg = JSON.parse(await readFile(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8'));
  const version = await tessera(['--version'], BIN); // through the package's launcher
  assert.deepEqual([version.code, version.stdout.trim()], [0, pkg.version]);
});

test('usage errors exit 2 and say what to do', async () => {
  const none = await tessera([]);
  assert.equal(none.code, 2);
  const unknown = await tessera(['trian']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "trian"; did you mean 'train'\?/);
  const option = await tessera(['train', 'x.yaml', '--epoch', '3']);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /unknown option --epoch; did you mean '--epochs'\?[\s\S]*tessera train --help/);
  const missing = await tessera(['train', 'nope.yaml']);
  assert.deepEqual([missing.code, /config file not found: nope\.yaml/.test(missing.stderr)], [2, true]);
  const count = await tessera(['predict', 'model-only']);
  assert.deepEqual([count.code, /missing <input>/.test(count.stderr)], [2, true]);
  assert.equal((await tessera(['info', join(work, 'no-such-model')])).code, 2);
});

test('bad configs exit 2 before anything runs, naming the field', async () => {
  const cases: [string, string, RegExp][] = [
    ['unknown-key.yaml', TINY.replace('epochs: 1', 'epoch: 1'), /config\.epoch: unknown key; did you mean 'epochs'\?/],
    ['wrong-type.yaml', TINY.replace('lr: 0.01', 'lr: fast'), /config\.optimizer\.lr: expected a positive number, got "fast"/],
    ['missing-section.yaml', TINY.replace(/optimizer: .*\n/, ''), /config\.optimizer: missing; expected an optimizer/],
    [
      'bad-layer-arg.yaml',
      TINY.replace('outFeatures: 16 }', 'outFeatures: -16 }'),
      /config\.model\.layers\[0\]\.outFeatures: expected an integer >= 1, got -16/,
    ],
    [
      'bad-layer-type.yaml',
      TINY.replace('type: ReLU', 'type: Relu'),
      /config\.model\.layers\[1\]\.type: unknown layer type "Relu"; did you mean 'ReLU'\?/,
    ],
    [
      'wrong-classes.yaml',
      TINY.replace('outFeatures: 10 }', 'outFeatures: 7 }'),
      /config\.model: the model outputs shape \[N, 7\], but the data has 10 classes/,
    ],
    ['syntax.json', '{"data": {"source": "idx"},}', /not valid JSON at line 1/],
    ['syntax.yaml', 'data: [\n  - a\n', /not valid YAML at line \d+, column \d+/],
  ];
  for (const [name, text, expected] of cases) {
    const r = await tessera(['train', await config(name, text), '--output', join(work, 'never')]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, expected, name);
    assert.match(r.stderr, /invalid config, nothing was run/, name);
  }
  await assert.rejects(stat(join(work, 'never')), 'no model was written');
});

test('a JSON config with a preset passes --dry-run', async () => {
  const file = await config(
    'preset.json',
    JSON.stringify({
      data: { source: 'builtin:fashion-mnist-small' },
      model: { preset: 'cnn', channels: [4] },
      optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
    }),
  );
  const r = await tessera(['train', file, '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Conv2d\(1, 4, kernelSize=3/);
  assert.match(r.stdout, /is valid; --dry-run: nothing trained/);
});

let trained: Promise<string> | undefined;
/** Trains TINY once (1 epoch) and returns the model directory. */
function trainTiny(): Promise<string> {
  trained ??= (async () => {
    const out = join(work, 'model');
    const r = await tessera(['train', await config('tiny.yaml', TINY), '--output', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Trained 1 epoch in [\d.]+ s\ntrain: loss [\d.]+ {2}accuracy [\d.]+% {2}top3 [\d.]+%\nvalidation: loss [\d.]+/);
    assert.match(r.stdout, /test: loss [\d.]+ {2}accuracy [\d.]+% {2}top3 [\d.]+% \(500 samples\)\nSaved the model to /);
    assert.match(r.stderr, /Epoch 1\/1/);
    return out;
  })();
  return trained;
}

test('train saves a model directory and the callbacks run', async () => {
  const dir = await trainTiny();
  assert.ok((await stat(join(dir, 'model.json'))).isFile());
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  assert.match(manifest.weights.file, /^model-[0-9a-f]{16}\.safetensors$/);
  assert.ok((await stat(join(dir, manifest.weights.file))).isFile());
  const meta = manifest.metadata;
  assert.deepEqual(meta.inputShape, [784]);
  assert.equal(meta.classes[9], 'Ankle boot');
  assert.match(await readFile(join(work, 'log.csv'), 'utf8'), /^epoch,/);
});

test('info shows the architecture, metadata and verified files; a corrupted model exits 1', async () => {
  const dir = await trainTiny();
  const r = await tessera(['info', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Linear\(inFeatures=784, outFeatures=16, bias=true\)[\s\S]*Parameters: 12,730/);
  assert.match(r.stdout, /classes +T-shirt\/top, Trouser/);
  assert.match(r.stdout, /model-[0-9a-f]{16}\.safetensors +[\d.]+ KiB +4 tensors, sha256 [0-9a-f]{16}\.\.\. verified/);
  const json = JSON.parse((await tessera(['info', dir, '--json'])).stdout);
  assert.equal(json.parameters, 12730);
  const broken = join(work, 'broken');
  await rm(broken, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.cp(dir, broken, { recursive: true }));
  const weightsFile = join(broken, JSON.parse(await readFile(join(broken, 'model.json'), 'utf8')).weights.file);
  const weights = await readFile(weightsFile);
  weights[weights.length - 1] ^= 0xff;
  await writeFile(weightsFile, weights);
  const bad = await tessera(['info', broken]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /SHA-256 .* does not match/);
});

test('evaluate gives the loss and metrics it was trained with', async () => {
  const dir = await trainTiny();
  const r = await tessera(['evaluate', dir, '--data', 'builtin:fashion-mnist-small:test', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.samples, 500);
  assert.deepEqual(Object.keys(out.results).sort(), ['accuracy', 'loss', 'top3']);
  assert.ok(out.results.accuracy > 0.3, `accuracy ${out.results.accuracy}`);
  const text = await tessera(['evaluate', dir]); // defaults to the source it was trained on
  assert.match(text.stdout, /on builtin:fashion-mnist-small:test \(500 samples\)\nloss [\d.]+ {2}accuracy/);
  assert.equal((await tessera(['evaluate', dir, '--data', 'cifar'])).code, 2);
});

test('predict reads data sources, JSON arrays and IDX files', async () => {
  const dir = await trainTiny();
  const r = await tessera(['predict', dir, 'builtin:fashion-mnist-small:test', '--limit', '3', '--top-k', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.predictions.length, 3);
  for (const p of out.predictions) {
    assert.equal(p.top.length, 2);
    assert.ok(p.top[0].probability >= p.top[1].probability && typeof p.top[0].name === 'string');
    assert.ok(Number.isInteger(p.label));
  }
  const table = await tessera(['predict', dir, 'builtin:fashion-mnist-small', '--limit', '4']);
  assert.match(table.stdout, /^# +prediction +label\n0 +\S.* [\d.]+%/);
  assert.match(table.stdout, /\d of 4 correct/);
  const json = await config('inputs.json', JSON.stringify([new Array(784).fill(0), new Array(784).fill(0.5)]));
  const fromJson = JSON.parse((await tessera(['predict', dir, json, '--json'])).stdout);
  assert.equal(fromJson.predictions.length, 2);
  const idx = join(work, 'images-idx3-ubyte');
  await writeFile(idx, encodeIdx({ dtype: 'uint8', shape: [2, 28, 28], data: new Uint8Array(2 * 784).fill(128) }));
  const fromIdx = await tessera(['predict', dir, idx]);
  assert.equal(fromIdx.code, 0, fromIdx.stderr);
  assert.match(fromIdx.stdout, /^# +prediction\n0 +/);
  assert.equal((await tessera(['predict', dir, join(work, 'missing.json')])).code, 2);
});
