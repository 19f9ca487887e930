// The preprocessing section of train configs, called directly: each form builds the pipeline it
// documents, steps without columns take the features of their kinds, and every mistake is reported
// at its field path.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ColumnTransformer, OneHotEncoder, Pipeline, SimpleImputer, StandardScaler, Table } from '../index.js';
import { Checker } from './check.js';
import { parseTrainConfig } from './config.js';
import { ConfigError } from './errors.js';
import { buildPipeline, type PreprocessingConfig, parsePreprocessing, preprocessingProblems } from './preprocessing.js';

const SCHEMA = { age: 'number', income: 'number', plan: 'string', city: 'string' } as const;
const ROWS = Table.fromColumns({
  age: [30, null, 50, 40],
  income: [10, 20, null, 40],
  plan: ['basic', 'pro', null, 'pro'],
  city: ['Oslo', 'Rome', 'Oslo', 'Lima'],
});

function parse(raw: unknown): { config?: PreprocessingConfig; problems: string[] } {
  const c = new Checker();
  const config = parsePreprocessing(c, raw);
  return { config, problems: c.problems };
}

test('auto (the default) imputes and scales numbers, imputes and one-hot encodes strings', () => {
  const { config } = parse(undefined);
  assert.deepEqual(config, { kind: 'auto' });
  const p = buildPipeline(config as PreprocessingConfig, SCHEMA).fit(ROWS);
  assert.deepEqual(p.getFeatureNamesOut(), ['age', 'income', 'plan=basic', 'plan=pro', 'city=Lima', 'city=Oslo', 'city=Rome']);
  const x = p.toTensor(Table.fromColumns({ city: ['Cairo', 'Oslo'], plan: [null, 'pro'], income: [null, 1], age: [40, 2] })); // unseen city, missing values
  assert.deepEqual(x.shape, [2, 7]);
  assert.deepEqual(Array.from(x.toTypedArray()).slice(2, 7), [0, 1, 0, 0, 0], 'plan imputed as pro; an unseen city is all zeros');
});

test('a list of steps: steps without columns take the features of their kinds', () => {
  const { config, problems } = parse([
    { type: 'SimpleImputer', strategy: 'median' },
    { type: 'StandardScaler', withMean: false },
    { type: 'SimpleImputer', strategy: 'constant', fillValue: 'none' },
    { type: 'OneHotEncoder', handleUnknown: 'ignore', columns: ['plan'] },
    { type: 'OrdinalEncoder' },
  ]);
  assert.deepEqual(problems, []);
  const p = buildPipeline(config as PreprocessingConfig, SCHEMA);
  const [impute, scale, fill, onehot, ordinal] = p.steps.map((s) => s.transformer);
  p.fit(ROWS);
  assert.ok(impute instanceof SimpleImputer && scale instanceof StandardScaler && fill instanceof SimpleImputer);
  assert.deepEqual(
    [impute.columns, scale.columns, fill.columns],
    [
      ['age', 'income'],
      ['age', 'income'],
      ['plan', 'city'],
    ],
  );
  assert.deepEqual((onehot as OneHotEncoder).columns, ['plan']);
  assert.deepEqual((ordinal as unknown as { columns: string[] }).columns, ['city'], 'city is the only string column left');
  assert.equal(scale.withMean, false);
});

test('a columnTransformer: steps per group of columns, remainder passthrough', () => {
  const { config, problems } = parse({
    columnTransformer: [
      { name: 'numbers', columns: ['age', 'income'], steps: [{ type: 'SimpleImputer' }, { type: 'MinMaxScaler', featureRange: [-1, 1] }] },
      { columns: ['plan'], type: 'OneHotEncoder', handleUnknown: 'ignore', handleMissing: 'category' },
    ],
    remainder: 'passthrough',
  });
  assert.deepEqual(problems, []);
  const p = buildPipeline(config as PreprocessingConfig, SCHEMA);
  const ct = p.steps[0].transformer as ColumnTransformer;
  assert.ok(ct instanceof ColumnTransformer && ct.transformer('numbers') instanceof Pipeline);
  assert.ok(ct.transformer('entry1') instanceof OneHotEncoder);
  p.fit(ROWS);
  assert.deepEqual(p.getFeatureNamesOut(), ['age', 'income', 'plan=basic', 'plan=pro', 'plan=null', 'city']);
});

test('none passes the features through', () => {
  const p = buildPipeline({ kind: 'none' }, { age: 'number' }).fit(Table.fromColumns({ age: [1, 2], id: [7, 8] }));
  assert.deepEqual(p.getFeatureNamesOut(), ['age']);
});

test('every mistake is named with its path', () => {
  const { problems } = parse([
    { type: 'StandardScaler', withMea: true },
    { type: 'SimpleImputer', strategy: 'avg' },
    { type: 'SimpleImputer', fillValue: 0 },
    { type: 'RobustScaler', quantileRange: [75, 25] },
    { type: 'OneHotEncoder', handleUnknown: 'skip', maxCategories: 1 },
    { type: 'Normalizer' },
    { type: 'StandardScaler', columns: 'age' },
  ]);
  assert.deepEqual(problems, [
    "config.preprocessing[0].withMea: unknown option for StandardScaler; did you mean 'withMean'? (allowed: columns, withMean, withStd)",
    'config.preprocessing[1].strategy: expected one of mean, median, mostFrequent, constant, got "avg"',
    "config.preprocessing[2].fillValue: only used with strategy 'constant' (strategy is 'mean')",
    'config.preprocessing[3].quantileRange: expected [low, high] with 0 <= low < high <= 100, got an array [75,25]',
    'config.preprocessing[4].handleUnknown: expected one of error, ignore, infrequent, got "skip"',
    'config.preprocessing[4].maxCategories: expected an integer >= 2, got 1',
    'config.preprocessing[5].type: expected one of StandardScaler, MinMaxScaler, RobustScaler, OneHotEncoder, OrdinalEncoder, SimpleImputer, OutlierClipper, got "Normalizer"',
    'config.preprocessing[6].columns: expected a non-empty list of column names, got "age"',
  ]);
  assert.deepEqual(parse('standard').problems, ['config.preprocessing: expected one of auto, none, got "standard"']);
  assert.deepEqual(parse({ columnTransformer: [{ columns: ['a'], steps: [{ type: 'StandardScaler', columns: ['b'] }] }] }).problems, [
    "config.preprocessing.columnTransformer[0].steps[0].columns: a step inside a columnTransformer entry gets the entry's columns; list them there",
  ]);
});

test('columns are checked against the features once the data is known', () => {
  const { config } = parse([{ type: 'StandardScaler', columns: ['age', 'incme'] }, { type: 'OutlierClipper' }]);
  assert.deepEqual(preprocessingProblems(config as PreprocessingConfig, { age: 'number', income: 'number' }), [
    `config.preprocessing[0].columns[1]: "incme" is not a feature column; did you mean 'income'? (features: age, income)`,
  ]);
  assert.deepEqual(preprocessingProblems({ kind: 'steps', steps: [{ type: 'StandardScaler', options: {} }] }, { plan: 'string' }), [
    'config.preprocessing[0]: StandardScaler has no columns: no feature left holds numbers; list its columns',
  ]);
});

test('train configs: tabular fields, defaults and the sections only tables take', () => {
  const base = { model: 'mlp', optimizer: { type: 'adam' } };
  const c = parseTrainConfig({ ...base, data: { source: 'csv', path: 'a.csv', target: 'y', testSplit: 0.2 } });
  assert.deepEqual(c.data.tabular, { target: 'y', drop: [], task: 'classification', testSplit: 0.2 });
  assert.deepEqual(c.preprocessing, { kind: 'auto' });
  assert.deepEqual([c.loss, c.metrics], ['crossEntropy', ['accuracy']]);
  const r = parseTrainConfig({ ...base, data: { source: 'sql', query: 'SELECT 1 AS y', target: 'y', task: 'regression' } });
  assert.deepEqual([r.loss, r.metrics, r.data.tabular?.task], ['mse', ['mae'], 'regression']);
  const problems = (raw: unknown) => {
    try {
      parseTrainConfig(raw);
    } catch (err) {
      if (err instanceof ConfigError) return [...err.problems];
      throw err;
    }
    return [];
  };
  assert.deepEqual(problems({ ...base, data: { source: 'csv', target: 'y' } }), [
    'config.data.path: missing; expected the path of the CSV file',
  ]);
  assert.deepEqual(problems({ ...base, data: { source: 'parquet', path: 'a.parquet' } }), [
    'config.data.target: missing; expected the name of the label (or value) column',
  ]);
  assert.deepEqual(problems({ ...base, data: { source: 'builtin:fashion-mnist-small', target: 'y' }, preprocessing: 'auto' }), [
    'config.data.target: only used with a tabular source (csv, parquet, json, sql); this config\'s source is "builtin:fashion-mnist-small"',
    'config.preprocessing: only used with a tabular source (csv, parquet, json, sql); this config\'s source is "builtin:fashion-mnist-small"',
  ]);
  assert.deepEqual(problems({ ...base, loss: 'mse', data: { source: 'csv', path: 'a.csv', target: 'y', task: 'classification' } }), [
    'config.loss: "mse" is a regression loss, but config.data.task is classification',
  ]);
  assert.deepEqual(problems({ ...base, data: { source: 'csv', path: 'a.csv', target: 'y', test: 'b.csv', testSplit: 0.1 } }), [
    'config.data.testSplit: give test (labelled rows to test on) or testSplit, not both',
  ]);
  assert.deepEqual(problems({ ...base, classWeight: 'even', data: { source: 'csv', path: 'a.csv', target: 'y' } }), [
    'config.classWeight: expected \'balanced\' or { <class>: <weight>, ... }, got "even"',
  ]);
});
