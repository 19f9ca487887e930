// crossValidate: the generic form with any model, the Keras-style form with a real MLP trained per
// fold (fresh weights each time), out-of-fold predictions, determinism from seeds, clear errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Adam, compile, Linear, type Module, manualSeed, ReLU, randn, Sequential, type Tensor, tensor } from '../index.js';
import { crossValidate } from './cross_validate.js';
import type { Predictions } from './predictions.js';
import { KFold } from './splitters/kfold.js';
import { ShuffleSplit } from './splitters/shuffle_split.js';
import { StratifiedKFold } from './splitters/stratified_kfold.js';
import { TimeSeriesSplit } from './splitters/time_series_split.js';

const mse = (y: Float64Array, p: Predictions) => y.reduce((s, v, i) => s + (v - (p as Float64Array)[i]) ** 2, 0) / y.length;
const accuracy = (y: Float64Array, p: Predictions) => {
  const labels = (p as Tensor).argmax(1).toTypedArray();
  return y.reduce((s, v, i) => s + (labels[i] === v ? 1 : 0), 0) / y.length;
};

test('generic form: fitPredict per fold, metrics per fold, mean and std (ddof 1 or 0), progress', async () => {
  const y = Float64Array.from({ length: 20 }, (_, i) => i);
  const seen: number[] = [];
  const res = await crossValidate({
    splitter: new KFold({ nSplits: 4 }),
    yTrue: y,
    // predict the mean of the training targets
    fitPredict: ({ trainIndex, testIndex }) => {
      const m = trainIndex.reduce((s, r) => s + y[r], 0) / trainIndex.length;
      return new Float64Array(testIndex.length).fill(m);
    },
    metrics: { mse, bias: (t, p) => (p as Float64Array)[0] - t.reduce((a, b) => a + b, 0) / t.length },
    onFold: (f, n) => {
      seen.push(f.fold);
      assert.equal(n, 4);
    },
  });
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.deepEqual(
    res.folds.map((f) => [f.fold, f.trainSize, f.testSize]),
    [
      [0, 15, 5],
      [1, 15, 5],
      [2, 15, 5],
      [3, 15, 5],
    ],
  );
  // fold k tests rows 5k..5k+4 (mean 5k + 2) and predicts the mean of the other 15 rows
  const bias = res.folds.map((f) => f.metrics.bias);
  const want = [0, 1, 2, 3].map((k) => (190 - (25 * k + 10)) / 15 - (5 * k + 2));
  for (const [k, b] of bias.entries()) assert.ok(Math.abs(b - want[k]) < 1e-12);
  const mean = want.reduce((a, b) => a + b, 0) / 4;
  const ss = want.reduce((a, b) => a + (b - mean) ** 2, 0);
  assert.ok(Math.abs(res.mean.bias - mean) < 1e-12);
  assert.ok(Math.abs(res.std.bias - Math.sqrt(ss / 3)) < 1e-12);
  assert.ok(res.folds.every((f) => f.fitTimeMs >= 0));
  const pop = await crossValidate({
    splitter: new KFold({ nSplits: 4 }),
    yTrue: y,
    fitPredict: ({ testIndex }) => Float64Array.from(testIndex, (r) => r + 1),
    metrics: { mse },
    ddof: 0,
  });
  assert.equal(pop.mean.mse, 1);
  assert.equal(pop.std.mse, 0);
});

test('returnPredictions gives every row its out-of-fold prediction; NaN for rows never tested', async () => {
  const y = Float64Array.from({ length: 12 }, (_, i) => i);
  const fitPredict = ({ testIndex, fold }: { testIndex: Int32Array; fold: number }) => Float64Array.from(testIndex, (r) => 100 * fold + r);
  const kf = await crossValidate({
    splitter: new KFold({ nSplits: 3, shuffle: true, seed: 1 }),
    yTrue: y,
    fitPredict,
    metrics: { mse },
    returnPredictions: true,
  });
  const oof = kf.predictions as Float64Array;
  assert.equal(oof.length, 12);
  for (let r = 0; r < 12; r++) assert.equal(oof[r] % 100, r);
  const ts = await crossValidate({
    splitter: new TimeSeriesSplit({ nSplits: 3 }),
    yTrue: y,
    fitPredict,
    metrics: { mse },
    returnPredictions: true,
  });
  assert.deepEqual([...(ts.predictions as Float64Array)].slice(0, 3), [Number.NaN, Number.NaN, Number.NaN]);
  await assert.rejects(
    crossValidate({
      splitter: new ShuffleSplit({ nSplits: 5, testSize: 0.5, seed: 0 }),
      yTrue: y,
      fitPredict,
      metrics: { mse },
      returnPredictions: true,
    }),
    /returnPredictions needs every row in at most one test fold, but row \d+ is tested again in fold \d/,
  );
});

/** Three Gaussian blobs in 2-D: x (n, 2), y int32 (n). */
function blobs(n: number): { x: Tensor; y: Tensor } {
  const centers = [
    [2, 0],
    [-2, 1],
    [0, -2],
  ];
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const x = randn([n, 2])
    .mul(0.5)
    .add(tensor(labels.map((c) => centers[c])));
  return { x, y: tensor(labels, { dtype: 'int32' }) };
}

function mlpOptions(models: Module[], initial: number[][]) {
  manualSeed(123);
  const { x, y } = blobs(90);
  return {
    x,
    y,
    splitter: new StratifiedKFold({ nSplits: 3, shuffle: true, seed: 0 }),
    factory: () => {
      const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 3));
      models.push(model);
      initial.push([...(model.parameters()[0].toTypedArray() as Float32Array)]);
      return compile(model, { optimizer: new Adam(model.parameters(), { lr: 0.05 }), loss: 'crossEntropy' });
    },
    fit: { epochs: 15, batchSize: 16 },
    predict: 'proba' as const,
    metrics: { accuracy },
    returnPredictions: true,
    seed: 7,
  };
}

test('Keras-style form: a fresh MLP per fold, trained and scored on its test rows', async () => {
  const models: Module[] = [];
  const initial: number[][] = [];
  const res = await crossValidate(mlpOptions(models, initial));
  assert.equal(res.folds.length, 3);
  assert.equal(models.length, 3, 'factory called once per fold');
  assert.equal(new Set(models).size, 3, 'a distinct model per fold');
  assert.notDeepEqual(initial[0], initial[1], 'fresh initial weights per fold');
  assert.ok(res.mean.accuracy > 0.9, `accuracy ${res.mean.accuracy}`);
  assert.ok(res.folds.every((f) => f.trainSize === 60 && f.testSize === 30));
  const probs = res.predictions as Tensor;
  assert.deepEqual(probs.shape, [90, 3]);
  const rowSums = probs.sum(1).toTypedArray();
  assert.ok(
    rowSums.every((s) => Math.abs(s - 1) < 1e-5),
    'proba rows are softmax outputs',
  );
});

test('the same seeds give identical results', async () => {
  const a = await crossValidate(mlpOptions([], []));
  const b = await crossValidate(mlpOptions([], []));
  assert.deepEqual(
    a.folds.map((f) => f.metrics),
    b.folds.map((f) => f.metrics),
  );
  assert.deepEqual([...(a.predictions as Tensor).toTypedArray()], [...(b.predictions as Tensor).toTypedArray()]);
});

test('errors: a reused model, a failing metric, missing pieces', async () => {
  manualSeed(0);
  const { x, y } = blobs(30);
  const model = new Sequential(new Linear(2, 3));
  const trainer = compile(model, { optimizer: new Adam(model.parameters()), loss: 'crossEntropy' });
  await assert.rejects(
    crossValidate({ x, y, splitter: new KFold({ nSplits: 3 }), factory: () => trainer, metrics: { accuracy } }),
    /factory returned the model of an earlier fold for fold 1; build a new model inside factory/,
  );
  await assert.rejects(
    crossValidate({
      splitter: new KFold({ nSplits: 2 }),
      yTrue: [1, 2, 3, 4],
      fitPredict: ({ testIndex }) => new Float64Array(testIndex.length),
      metrics: {
        auc: () => {
          throw new Error('only one class');
        },
      },
    }),
    /crossValidate: metric 'auc' failed on fold 0: only one class/,
  );
  await assert.rejects(
    crossValidate({ splitter: new KFold({ nSplits: 2 }), yTrue: [1, 2, 3, 4], fitPredict: () => new Float64Array(1), metrics: { mse } }),
    /got 1 predictions for 2 test rows/,
  );
  await assert.rejects(
    crossValidate({ splitter: new KFold(), yTrue: [1, 2], fitPredict: () => new Float64Array(1), metrics: {} }),
    /at least one metric/,
  );
  await assert.rejects(
    crossValidate({ x, y: tensor([1, 2]), splitter: new KFold(), factory: () => trainer, metrics: { accuracy } }),
    /x and y need the same number of rows/,
  );
  const reg = new Sequential(new Linear(2, 1));
  await assert.rejects(
    crossValidate({
      x,
      y: randn([30, 1]),
      splitter: new KFold({ nSplits: 2 }),
      factory: () => compile(new Sequential(new Linear(2, 1)), { optimizer: new Adam(reg.parameters()), loss: 'mse' }),
      predict: 'proba',
      metrics: { mse },
    }),
    /predict: 'proba' needs a classification loss .* not 'mse'/,
  );
});
