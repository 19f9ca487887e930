// parseTrainConfig and the model/optimizer builders, called directly (no child process): defaults,
// and problems that name the field path with expected vs got and a did-you-mean.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed } from '../index.js';
import { describe, didYouMean, expectedNumber } from './check.js';
import { parseTrainConfig, type TrainConfig } from './config.js';
import { ConfigError } from './errors.js';
import { parseYaml } from './load.js';
import { buildModel, checkModelFits } from './model_config.js';

const GOOD = {
  data: { source: 'builtin:fashion-mnist-small' },
  model: { layers: [{ type: 'Linear', inFeatures: 784, outFeatures: 10 }] },
  optimizer: { type: 'adam' },
};

/** The problems parseTrainConfig reports for `raw` (fails if it accepts it). */
function problems(raw: unknown): string[] {
  try {
    parseTrainConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  assert.fail('expected a ConfigError');
}

function withChange(change: (c: Record<string, unknown>) => void): Record<string, unknown> {
  const c = structuredClone(GOOD) as Record<string, unknown>;
  change(c);
  return c;
}

test('a minimal config gets the documented defaults', () => {
  const c: TrainConfig = parseTrainConfig(GOOD, { name: 'mini' });
  assert.equal(c.seed, 0);
  assert.equal(c.epochs, 10);
  assert.equal(c.loss, 'crossEntropy');
  assert.deepEqual(c.metrics, ['accuracy']);
  assert.equal(c.output, 'runs/mini');
  assert.deepEqual(c.data, {
    source: { kind: 'builtin', name: 'fashion-mnist-small' },
    flatten: true,
    validationSplit: 0,
    batchSize: 32,
    shuffle: true,
    seed: 0,
    classes: undefined,
  });
  assert.deepEqual(c.optimizer, { type: 'adam', lr: 1e-3, options: {}, clipGradNorm: undefined });
  assert.equal(c.test, true);
});

test('overrides from the command line win over the file', () => {
  const c = parseTrainConfig({ ...GOOD, epochs: 7, seed: 3 }, { overrides: { epochs: 1, output: '/tmp/x', seed: 9 } });
  assert.deepEqual([c.epochs, c.output, c.seed, c.data.seed], [1, '/tmp/x', 9, 9]);
});

test('wrong types name the field, what was expected and what was given', () => {
  assert.deepEqual(problems(withChange((c) => Object.assign(c.optimizer as object, { lr: 'fast' }))), [
    'config.optimizer.lr: expected a positive number, got "fast"',
  ]);
  assert.deepEqual(problems({ ...GOOD, epochs: 2.5 }), ['config.epochs: expected a positive integer, got 2.5']);
  assert.deepEqual(problems(withChange((c) => Object.assign(c.data as object, { shuffle: 'yes' }))), [
    'config.data.shuffle: expected true or false, got "yes"',
  ]);
});

test('unknown keys are errors with a did-you-mean, at every level', () => {
  assert.match(problems({ ...GOOD, epoch: 3 })[0], /^config\.epoch: unknown key; did you mean 'epochs'\?/);
  assert.match(
    problems(withChange((c) => Object.assign(c.data as object, { batchsize: 8 })))[0],
    /^config\.data\.batchsize: unknown key; did you mean 'batchSize'\?/,
  );
  assert.match(
    problems(withChange((c) => Object.assign(c.optimizer as object, { momentum: 0.9 })))[0],
    /^config\.optimizer\.momentum: unknown key \(allowed: type, lr, clipGradNorm, betas/,
  );
  assert.match(
    problems({ ...GOOD, schedule: { type: 'cosine', tmax: 3 } })[0],
    /^config\.schedule\.tmax: unknown key; did you mean 'tMax'\?/,
  );
});

test('missing sections and unknown choices are named', () => {
  const { model: _, ...noModel } = GOOD;
  assert.match(problems(noModel)[0], /^config\.model: missing; expected \{ layers:/);
  const { optimizer: __, ...noOptimizer } = GOOD;
  assert.match(problems(noOptimizer)[0], /^config\.optimizer: missing; expected an optimizer/);
  assert.match(
    problems({ ...GOOD, optimizer: { type: 'adamx' } })[0],
    /^config\.optimizer\.type: expected one of adam, .*got "adamx"; did you mean 'adam'\?$/,
  );
  assert.match(
    problems({ ...GOOD, data: { source: 'mnist' } })[0],
    /^config\.data\.source: expected one of builtin:fashion-mnist-small, fashion-mnist, idx/,
  );
  assert.match(problems({ ...GOOD, metrics: ['acuracy'] })[0], /^config\.metrics\[0\]: .*did you mean 'accuracy'\?$/);
  assert.deepEqual(parseTrainConfig({ ...GOOD, metrics: ['top3', 'f1'] }).metrics, ['top3', 'f1']);
});

test('layer arguments are checked by building each layer, and errors point at it', () => {
  const layers = (...l: unknown[]) => ({ ...GOOD, model: { layers: l } });
  assert.deepEqual(problems(layers({ type: 'Linear', inFeatures: 784, outFeatures: '10' })), [
    'config.model.layers[0].outFeatures: expected an integer >= 1, got "10"',
  ]);
  assert.deepEqual(problems(layers({ type: 'Linear', inFeature: 784, outFeatures: 10 })), [
    "config.model.layers[0].inFeatures: missing; expected an integer >= 1 (the config has 'inFeature'; did you mean 'inFeatures'?)",
  ]);
  assert.match(
    problems(layers({ type: 'Linear', inFeatures: 4, outFeatures: 2, bais: false }))[0],
    /^config\.model\.layers\[0\]\.bais: unknown argument for Linear; did you mean 'bias'\?/,
  );
  assert.match(
    problems(layers({ type: 'relu' }))[0],
    /^config\.model\.layers\[0\]\.type: unknown layer type "relu"; did you mean 'ReLU'\?/,
  );
  assert.match(problems(layers({ type: 'MSELoss' }))[0], /is a loss, not a layer/);
  assert.match(problems(layers({ type: 'Dropout', p: 2 }))[0], /^config\.model\.layers\[0\]\.p: expected a number in \[0, 1\], got 2$/);
});

test("the optimizer's and schedule's own checks run up front", () => {
  assert.match(
    problems({ ...GOOD, optimizer: { type: 'sgd', lr: 0.1, nesterov: true } })[0],
    /^config\.optimizer: SGD: nesterov needs momentum > 0/,
  );
  assert.match(problems({ ...GOOD, schedule: { type: 'step' } })[0], /^config\.schedule\.stepSize: missing/);
  assert.match(
    problems({ ...GOOD, schedule: { type: 'warmup', next: { type: 'plateau' } } })[0],
    /^config\.schedule\.next\.type: expected one of step, multistep, exponential, cosine/,
  );
  const ok = parseTrainConfig({ ...GOOD, schedule: { type: 'warmup', totalIters: 2, next: { type: 'cosine' } } });
  assert.equal(ok.schedule?.next?.type, 'cosine');
});

test('monitors need validation data for val_ names', () => {
  const es = (data: object) => ({
    ...GOOD,
    data: { source: 'builtin:fashion-mnist-small', ...data },
    callbacks: { earlyStopping: { monitor: 'val_accuracy' } },
  });
  assert.match(problems(es({}))[0], /^config\.callbacks\.earlyStopping\.monitor: "val_accuracy" needs validation data/);
  assert.equal(parseTrainConfig(es({ validationSplit: 0.1 })).callbacks.earlyStopping?.monitor, 'val_accuracy');
  assert.equal(parseTrainConfig({ ...GOOD, callbacks: { earlyStopping: {} } }).callbacks.earlyStopping?.monitor, 'loss');
});

test('source-specific data keys are refused elsewhere', () => {
  assert.match(
    problems({ ...GOOD, data: { source: 'builtin:fashion-mnist-small', path: '/x' } })[0],
    /^config\.data\.path: only used with source fashion-mnist/,
  );
  assert.match(
    problems({ ...GOOD, data: { source: 'idx' } })[0],
    /^config\.data\.train: missing; expected \{ images: <file>, labels: <file> \}/,
  );
});

test('presets are sized from the data and fit it', () => {
  manualSeed(0);
  const mlp = parseTrainConfig({ ...GOOD, model: 'mlp' });
  assert.equal(mlp.data.flatten, true);
  const m = buildModel(mlp.model, { sampleShape: [784], numClasses: 10 });
  assert.equal(m.numParameters(), 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
  const cnn = parseTrainConfig({ ...GOOD, model: { preset: 'cnn', channels: [4, 8] } });
  assert.equal(cnn.data.flatten, false);
  const c = buildModel(cnn.model, { sampleShape: [1, 28, 28], numClasses: 10 });
  checkModelFits(c, { sampleShape: [1, 28, 28], numClasses: 10 }, true);
  assert.throws(
    () => checkModelFits(c, { sampleShape: [1, 28, 28], numClasses: 5 }, true),
    /outputs shape \[N, 10\], but the data has 5 classes/,
  );
  assert.throws(() => buildModel(cnn.model, { sampleShape: [784], numClasses: 10 }), /cnn preset needs images \(C, H, W\)/);
  for (const activation of ['hardswish', 'mish']) {
    const act = parseTrainConfig({ ...GOOD, model: { preset: 'mlp', hidden: [8], activation } });
    const layers = buildModel(act.model, { sampleShape: [4], numClasses: 3 })
      .children()
      .map((l) => l.constructor.name);
    assert.deepEqual(layers, ['Linear', activation === 'mish' ? 'Mish' : 'Hardswish', 'Linear'], activation);
  }
  assert.match(
    problems({ ...GOOD, model: { preset: 'mlp', hidden: [0] } })[0],
    /^config\.model\.hidden\[0\]: expected a positive integer, got 0$/,
  );
});

test('YAML syntax errors and duplicate keys give the line', async () => {
  await assert.rejects(
    parseYaml('a: 1\na: 2\n', 'x.yaml'),
    (e: ConfigError) => /x\.yaml: 1 problem/.test(e.message) && /line 2/.test(e.problems[0]),
  );
  await assert.rejects(parseYaml('data: { source: x\nmodel: [\n', 'y.yaml'), (e: ConfigError) =>
    /line \d+, column \d+/.test(e.problems[0]),
  );
  assert.deepEqual(await parseYaml('optimizer: { type: adam, lr: 1e-3 }', 'z.yaml'), { optimizer: { type: 'adam', lr: 0.001 } });
});

test('check helpers: descriptions, suggestions, expected ranges', () => {
  assert.equal(describe('x'), '"x"');
  assert.equal(describe([1, 2]), 'an array [1,2]');
  assert.equal(describe({ a: 1 }), 'an object with keys a');
  assert.equal(didYouMean('learningrate', ['lr', 'learningRate']), 'learningRate');
  assert.equal(didYouMean('zzz', ['lr', 'epochs']), undefined);
  assert.equal(expectedNumber({ min: 0, max: 1, maxExclusive: true }), 'a number in [0, 1)');
  assert.equal(expectedNumber({ integer: true, min: 1 }), 'a positive integer');
});

test('data.types, onBadValue and nullValues: checked field by field, kept in the config, only for the sources that read text', () => {
  const csv = { source: 'csv', path: 'a.csv', target: 'y' };
  const ok = parseTrainConfig({ ...GOOD, data: { ...csv, types: { zip: 'string' }, onBadValue: 'missing', nullValues: ['', '-'] } });
  assert.deepEqual(ok.data.tabular?.types, { zip: 'string' });
  assert.equal(ok.data.tabular?.onBadValue, 'missing');
  assert.deepEqual(ok.data.tabular?.nullValues, ['', '-']);
  assert.deepEqual(problems({ ...GOOD, data: { ...csv, types: { zip: 'text' }, onBadValue: 'skip', nullValues: 'NA' } }), [
    'config.data.types.zip: expected one of number, boolean, timestamp, string, got "text"',
    'config.data.onBadValue: expected one of error, missing, got "skip"',
    'config.data.nullValues: expected an array of strings that mean missing, got "NA"',
  ]);
  const sql = { source: 'sql', query: 'SELECT 1 AS y', target: 'y' };
  assert.deepEqual(problems({ ...GOOD, data: { ...sql, onBadValue: 'missing', nullValues: [''] } }), [
    'config.data.onBadValue: only used with source csv, json (this config\'s source is "sql")',
    'config.data.nullValues: only used with source csv, json (this config\'s source is "sql")',
  ]);
  assert.match(
    problems({ ...GOOD, data: { source: 'builtin:fashion-mnist-small', types: { a: 'number' } } })[0],
    /config\.data\.types: only used with/,
  );
});
