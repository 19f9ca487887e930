// Cross-validation of a config, in-process: every fold's preprocessing is fitted on that fold's
// training rows only (less its validation rows), never on its test rows, and the folds cover every
// row once. Checked through the onFold hook on a table built so that leaks would show.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupKFold } from '../eval/splitters/group_kfold.js';
import { KFold } from '../eval/splitters/kfold.js';
import { StratifiedKFold } from '../eval/splitters/stratified_kfold.js';
import {
  type ColumnTransformer,
  LabelEncoder,
  type OneHotEncoder,
  type Pipeline,
  type SimpleImputer,
  type StandardScaler,
  Table,
  Tensor,
} from '../index.js';
import { parseTrainConfig } from './config.js';
import { type CvData, crossValidateConfig, type FoldRun } from './crossval.js';
import type { TabularData } from './tabular.js';

const N = 24;

/** x = row index (missing in rows 5 and 17), city 'rare' only in row 7, label from x. */
function data(): TabularData {
  const x = Array.from({ length: N }, (_, i) => (i === 5 || i === 17 ? null : i));
  const city = Array.from({ length: N }, (_, i) => (i === 7 ? 'rare' : i % 2 === 0 ? 'Oslo' : 'Rome'));
  const label = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 'yes' : 'no'));
  const table = Table.fromColumns({ x, city, label });
  const labels = new LabelEncoder().fit(label);
  return {
    origin: 'memory',
    table,
    test: null,
    schema: { x: 'number', city: 'string' },
    types: { x: 'number', city: 'string' },
    target: 'label',
    task: 'classification',
    labels,
    classes: labels.classes.map(String),
  };
}

function config(validationSplit: number) {
  return parseTrainConfig({
    seed: 3,
    data: { source: 'csv', path: 'unused.csv', target: 'label', validationSplit, batchSize: 8 },
    model: { preset: 'mlp', hidden: [4] },
    optimizer: { type: 'adam' },
    epochs: 1,
  });
}

/** The auto pipeline's fitted parts: Pipeline([ColumnTransformer(numbers: imputer + scaler, strings: imputer + one-hot)]). */
function parts(p: Pipeline) {
  const ct = p.steps[0].transformer as ColumnTransformer;
  const numbers = ct.transformer('numbers') as Pipeline;
  const strings = ct.transformer('strings') as Pipeline;
  return {
    imputer: numbers.step('simpleimputer') as SimpleImputer,
    scaler: numbers.step('standardscaler') as StandardScaler,
    encoder: strings.step('onehotencoder') as OneHotEncoder,
  };
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const validationSplit of [0, 0.25]) {
  test(`every fold's preprocessing sees only its own training rows (validationSplit ${validationSplit})`, async () => {
    const d = data();
    const folds: FoldRun[] = [];
    const cv: CvData = { kind: 'table', data: d };
    const result = await crossValidateConfig(config(validationSplit), cv, new KFold({ nSplits: 3, shuffle: true, seed: 0 }), {
      onFold: (run) => {
        folds.push(run);
      },
    });
    assert.equal(folds.length, 3);
    assert.equal(result.folds.length, 3);
    const tested = new Set<number>();
    for (const f of folds) {
      const fit = [...(f.fitIndex ?? [])];
      const train = new Set(f.trainIndex);
      for (const r of f.testIndex) {
        assert.ok(!train.has(r), `fold ${f.fold}: row ${r} is in both train and test`);
        tested.add(r);
      }
      assert.ok(
        fit.every((r) => train.has(r)),
        `fold ${f.fold}: the pipeline was fitted on rows outside the fold's training rows`,
      );
      assert.equal(
        fit.length,
        validationSplit === 0 ? f.trainIndex.length : f.trainIndex.length - Math.ceil(f.trainIndex.length * validationSplit),
      );
      const { imputer, scaler, encoder } = parts(f.pipeline as Pipeline);
      const xs = fit.filter((r) => r !== 5 && r !== 17);
      const fill = median(xs);
      assert.equal(imputer.statistics[0], fill, `fold ${f.fold}: imputer median`);
      const imputed = fit.map((r) => (r === 5 || r === 17 ? fill : r));
      const mean = imputed.reduce((a, b) => a + b, 0) / imputed.length;
      assert.ok(Math.abs(scaler.mean[0] - mean) < 1e-9, `fold ${f.fold}: scaler mean ${scaler.mean[0]}, expected ${mean}`);
      assert.equal(
        encoder.categories[0].includes('rare'),
        fit.includes(7),
        `fold ${f.fold}: 'rare' is a category only when row 7 is fitted on`,
      );
    }
    assert.equal(tested.size, N, 'every row is tested once');
    assert.ok(result.predictions instanceof Tensor);
    assert.deepEqual(result.predictions.shape, [N, 2]); // out-of-fold probabilities (N, K)
  });
}

test('stratified folds keep the class proportions, and the metrics are those of evaluate', async () => {
  const folds: FoldRun[] = [];
  const result = await crossValidateConfig(
    config(0),
    { kind: 'table', data: data() },
    new StratifiedKFold({ nSplits: 4, shuffle: true, seed: 1 }),
    {
      onFold: (run) => {
        folds.push(run);
      },
    },
  );
  const label = data().table.strings('label');
  for (const f of folds) assert.equal([...f.testIndex].filter((r) => label[r] === 'yes').length, 2, `fold ${f.fold}`);
  assert.deepEqual(Object.keys(result.mean), [
    'accuracy',
    'balanced_accuracy',
    'precision_macro',
    'recall_macro',
    'f1_macro',
    'roc_auc',
    'average_precision',
    'pr_auc',
    'log_loss',
  ]);
  for (const v of Object.values(result.mean)) assert.ok(Number.isFinite(v));
});

test('group folds keep every group in one test fold', async () => {
  const d = data();
  const city = d.table.strings('city');
  const folds: FoldRun[] = [];
  await crossValidateConfig(config(0), { kind: 'table', data: d }, new GroupKFold({ nSplits: 2 }), {
    groups: [...city],
    onFold: (run) => {
      folds.push(run);
    },
  });
  for (const f of folds) {
    const train = new Set([...f.trainIndex].map((r) => city[r]));
    for (const r of f.testIndex) assert.ok(!train.has(city[r]), `fold ${f.fold}: city ${city[r]} is on both sides`);
  }
});
