// Pipeline: sequential fit, the (N, F) float32 tensor for the model with errors naming what is left
// to encode or impute, step names, the inverse through invertible steps, and the JSON round trip.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Table } from '../table.js';
import { ColumnTransformer } from './column_transformer.js';
import { OneHotEncoder } from './one_hot_encoder.js';
import { OrdinalEncoder } from './ordinal_encoder.js';
import { Pipeline } from './pipeline.js';
import { MinMaxScaler, StandardScaler } from './scalers.js';
import { SimpleImputer } from './simple_imputer.js';

const train = () => Table.fromColumns({ age: [20, null, 40, 60], city: ['Oslo', 'Rome', null, 'Oslo'] });

const prep = () =>
  new Pipeline([
    new ColumnTransformer([
      { name: 'num', transformer: new Pipeline([new SimpleImputer({ strategy: 'median' }), new StandardScaler()]), columns: ['age'] },
      { name: 'cat', transformer: new OneHotEncoder({ handleUnknown: 'ignore' }), columns: ['city'] },
    ]),
  ]);

test('toTensor gives the (N, F) float32 model input, with the features fixed at fit', () => {
  const p = prep().fit(train());
  assert.deepEqual(p.getFeatureNamesOut(), ['age', 'city=Oslo', 'city=Rome', 'city=null']);
  assert.equal(p.numFeatures, 4);
  const x = p.toTensor(Table.fromColumns({ city: ['Rome', 'Lima'], age: [40, null], id: [1, 2] }));
  assert.deepEqual(x.shape, [2, 4]);
  assert.equal(x.dtype, 'float32');
  const rows = x.toArray() as number[][];
  assert.deepEqual(rows[0].slice(1), [0, 1, 0]);
  assert.deepEqual(rows[1].slice(1), [0, 0, 0]); // unknown city, ignored
  assert.equal(rows[0][0], rows[1][0]); // the missing age is imputed with the training median, 40
});

test('toTensor names what is still not numeric or still missing', () => {
  const full = Table.fromColumns({ age: [1, 2], city: ['a', 'b'] });
  const strings = new Pipeline([new StandardScaler({ columns: ['age'] })]).fit(full);
  assert.throws(() => strings.toTensor(full), /Pipeline.toTensor: column 'city' still holds strings after the pipeline; encode it/);
  const missing = new Pipeline([new OrdinalEncoder({ columns: ['city'] })]).fit(train());
  assert.throws(
    () => missing.toTensor(train()),
    /Pipeline.toTensor: column 'age' has a missing value at row 1 after the pipeline; impute it \(SimpleImputer\)/,
  );
  const p = prep().fit(train());
  assert.throws(() => p.toTensor(Table.fromColumns({ city: ['Oslo'] })), /entry 'num' needs column 'age', which the table lacks/);
});

test('steps are named like make_pipeline; inverse runs backwards through invertible steps', () => {
  const p = new Pipeline([new StandardScaler(), new MinMaxScaler(), { name: 'again', transformer: new StandardScaler() }]);
  assert.deepEqual(
    p.steps.map((s) => s.name),
    ['standardscaler', 'minmaxscaler', 'again'],
  );
  assert.deepEqual(
    new Pipeline([new StandardScaler(), new StandardScaler()]).steps.map((s) => s.name),
    ['standardscaler-1', 'standardscaler-2'],
  );
  const t = Table.fromColumns({ v: [1, 5, 9, 2] });
  const back = p.inverseTransform(p.fitTransform(t)).numbers('v');
  [1, 5, 9, 2].forEach((v, i) => {
    assert.ok(Math.abs(back[i] - v) < 1e-12);
  });
  assert.ok(p.step('again') instanceof StandardScaler);
  assert.throws(() => p.step('x'), /no step 'x'; steps are 'standardscaler', 'minmaxscaler', 'again'/);
  assert.throws(
    () => prep().fit(train()).inverseTransform(prep().fit(train()).transform(train())),
    /step 'columntransformer' cannot be undone/,
  );
});

test('Pipeline errors and JSON round trip', () => {
  const p = prep();
  assert.throws(() => p.transform(train()), /Pipeline: call fit before transform/);
  assert.throws(() => p.toTensor(train()), /Pipeline: call fit before toTensor/);
  assert.throws(() => p.fit(train().slice(0, 0)), /Pipeline.fit: the table is empty/);
  assert.throws(() => new Pipeline([]), /expected a non-empty array of steps/);
  assert.throws(
    () =>
      new Pipeline([
        { name: 'a', transformer: new StandardScaler() },
        { name: 'a', transformer: new StandardScaler() },
      ]),
    /two steps are named 'a'/,
  );
  p.fit(train());
  const copy = Pipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
  const serve = Table.fromColumns({ age: [33, null], city: ['Rome', 'x'] });
  assert.deepEqual(copy.toTensor(serve).toTypedArray(), p.toTensor(serve).toTypedArray());
  assert.deepEqual(copy.toJSON(), p.toJSON());
  assert.equal(Pipeline.fromJSON(JSON.parse(JSON.stringify(prep().toJSON()))).isFitted, false);
});
