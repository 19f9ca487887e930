// ColumnTransformer: output order (entries, then the remainder), verbose names, passthrough and drop
// entries, extra serving columns, nested pipelines, the partial inverse, and its errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Table } from '../table.js';
import { ColumnTransformer } from './column_transformer.js';
import { OneHotEncoder } from './one_hot_encoder.js';
import { Pipeline } from './pipeline.js';
import { MinMaxScaler, StandardScaler } from './scalers.js';
import { SimpleImputer } from './simple_imputer.js';

const rows = () => Table.fromColumns({ id: [7, 8, 9], age: [20, null, 40], city: ['Oslo', 'Rome', 'Oslo'], score: [1, 2, 3] });

test('outputs follow the entries, then the remainder in table order', () => {
  const ct = new ColumnTransformer(
    [
      { name: 'cat', transformer: new OneHotEncoder(), columns: ['city'] },
      { name: 'num', transformer: new Pipeline([new SimpleImputer(), new StandardScaler()]), columns: ['age'] },
    ],
    { remainder: 'passthrough' },
  );
  const out = ct.fitTransform(rows());
  assert.deepEqual(out.columnNames, ['city=Oslo', 'city=Rome', 'age', 'id', 'score']);
  assert.deepEqual(ct.getFeatureNamesOut(), out.columnNames);
  assert.deepEqual(out.numbers('age')[1], 0); // imputed with the mean, then centred
  // serving rows may carry extra columns and another column order
  const serve = Table.fromColumns({ extra: ['?'], score: [5], city: ['Rome'], age: [30], id: [1] });
  assert.deepEqual(ct.transform(serve).columnNames, out.columnNames);
  // inverse: every entry here is invertible except the imputer
  assert.throws(() => ct.inverseTransform(out), /Pipeline.inverseTransform: step 'simpleimputer' cannot be undone/);
});

test('verbose names, passthrough and drop entries, remainder drop, and the inverse', () => {
  const ct = new ColumnTransformer(
    [
      { name: 'scaled', transformer: new MinMaxScaler(), columns: ['score'] },
      { name: 'keep', transformer: 'passthrough', columns: ['city'] },
      { name: 'gone', transformer: 'drop', columns: ['id'] },
    ],
    { verboseFeatureNamesOut: true },
  );
  const out = ct.fitTransform(rows());
  assert.deepEqual(out.columnNames, ['scaled__score', 'keep__city']);
  assert.deepEqual([...out.numbers('scaled__score')], [0, 0.5, 1]);
  const back = ct.inverseTransform(out);
  assert.deepEqual(back.columnNames, ['score', 'city']); // 'id' was dropped, 'age' fell to the 'drop' remainder
  assert.deepEqual([...back.numbers('score')], [1, 2, 3]);
  assert.ok(ct.transformer('scaled') instanceof MinMaxScaler);
});

test('ColumnTransformer errors say what to fix', () => {
  const ct = new ColumnTransformer([{ name: 'num', transformer: new StandardScaler(), columns: ['age', 'score'] }]);
  assert.throws(() => ct.transform(rows()), /ColumnTransformer: call fit before transform/);
  assert.throws(
    () => ct.fit(rows().drop(['score'])),
    /entry 'num' needs column 'score', which the table lacks; available columns: 'id', 'age', 'city'/,
  );
  ct.fit(rows());
  assert.throws(() => ct.transform(rows().drop(['age'])), /ColumnTransformer.transform: entry 'num' needs column 'age'/);
  assert.throws(() => ct.fit(rows().slice(0, 0)), /the table is empty/);
  assert.throws(
    () =>
      new ColumnTransformer([
        { name: 'a', transformer: 'passthrough', columns: ['age'] },
        { name: 'b', transformer: new StandardScaler(), columns: ['age'] },
      ]).fit(rows()),
    /two outputs are named 'age'; set verboseFeatureNamesOut: true/,
  );
  assert.throws(
    () => new ColumnTransformer([{ name: 'x', transformer: {} as never, columns: ['a'] }]),
    /entry 0 \('x'\): transformer must be a Transformer/,
  );
  assert.throws(() => new ColumnTransformer([{ name: 'x', transformer: 'drop', columns: [] }]), /columns must be a non-empty array/);
  assert.throws(
    () =>
      new ColumnTransformer([
        { name: 'x', transformer: 'drop', columns: ['a'] },
        { name: 'x', transformer: 'drop', columns: ['b'] },
      ]),
    /two entries are named 'x'/,
  );
  assert.throws(() => ct.transformer('nope'), /no entry 'nope'; entries are 'num'/);
});
