// Scalers: fitted statistics, NaN handling, constant columns, inverse round trips, untouched columns,
// and the errors a user meets (before fit, missing or wrong-kind columns, empty or all-missing data).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Table } from '../table.js';
import { OutlierClipper } from './outlier_clipper.js';
import { MinMaxScaler, RobustScaler, StandardScaler } from './scalers.js';

const table = () =>
  Table.fromColumns({
    x: [1, 2, null, 4, 8],
    id: ['a', 'b', 'c', 'd', 'e'],
    k: [3, 3, 3, 3, 3],
  });

test('StandardScaler standardises the configured columns, keeps NaN and leaves other columns alone', () => {
  const s = new StandardScaler({ columns: ['x', 'k'] });
  const out = s.fitTransform(table());
  assert.deepEqual(s.mean, [15 / 4, 3]);
  assert.deepEqual(s.nSamplesSeen, [4, 5]);
  assert.deepEqual(s.scales[1], 1); // constant column: scale 1, output 0
  assert.deepEqual(out.columnNames, ['x', 'id', 'k']);
  assert.deepEqual(out.strings('id'), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual([...out.numbers('k')], [0, 0, 0, 0, 0]);
  const z = out.numbers('x');
  assert.ok(Number.isNaN(z[2]));
  assert.ok(Math.abs(z[0] + z[1] + z[3] + z[4]) < 1e-12);
  assert.deepEqual(s.getFeatureNamesOut(), ['x', 'k']);
});

test('scalers invert their transform', () => {
  for (const s of [
    new StandardScaler({ columns: ['x', 'k'] }),
    new StandardScaler({ columns: ['x'], withMean: false }),
    new MinMaxScaler({ columns: ['x', 'k'], featureRange: [-1, 1] }),
    new RobustScaler({ columns: ['x', 'k'], quantileRange: [10, 90] }),
  ]) {
    const t = table();
    const back = s.inverseTransform(s.fitTransform(t));
    assert.deepEqual(back.columnNames, t.columnNames, s.type);
    const x = back.numbers('x');
    [1, 2, Number.NaN, 4, 8].forEach((v, i) => {
      assert.ok(Number.isNaN(v) ? Number.isNaN(x[i]) : Math.abs(x[i] - v) < 1e-12, `${s.type} row ${i}: ${x[i]}`);
    });
  }
});

test('MinMaxScaler clips to featureRange when asked; RobustScaler uses the median and the IQR', () => {
  const m = new MinMaxScaler({ featureRange: [0, 10], clip: true }).fit(Table.fromColumns({ v: [0, 5, 10] }));
  assert.deepEqual([...m.transform(Table.fromColumns({ v: [-5, 5, 20] })).numbers('v')], [0, 5, 10]);
  const r = new RobustScaler().fit(Table.fromColumns({ v: [1, 2, 3, 4, 100] }));
  assert.deepEqual([r.center, r.scales], [[3], [2]]);
});

test('OutlierClipper clips to Tukey fences or quantiles learned at fit, and cannot be inverted', () => {
  const t = Table.fromColumns({ v: [1, 2, 3, 4, 100, null] });
  const iqr = new OutlierClipper().fit(t);
  assert.deepEqual([iqr.lower, iqr.upper], [[-1], [7]]);
  const out = iqr.transform(Table.fromColumns({ v: [-50, 3, 100, null] })).numbers('v');
  assert.deepEqual([...out.subarray(0, 3)], [-1, 3, 7]);
  assert.ok(Number.isNaN(out[3]));
  const q = new OutlierClipper({ method: 'quantile', quantileRange: [25, 75] }).fit(t);
  assert.deepEqual([q.lower, q.upper], [[2], [4]]);
  assert.throws(() => iqr.inverseTransform(Table.fromColumns({ v: [1] })), /OutlierClipper: inverseTransform is not defined/);
  assert.throws(() => new OutlierClipper({ k: -1 }), /k must be a number >= 0, got -1/);
});

test('scaler errors say what to fix', () => {
  const s = new StandardScaler();
  assert.equal(s.isFitted, false);
  assert.throws(() => s.transform(table()), /^Error: StandardScaler: call fit before transform$/);
  assert.throws(() => s.inverseTransform(table()), /StandardScaler: call fit before inverseTransform/);
  assert.throws(
    () => s.fit(table()),
    /StandardScaler.fit: column 'id' is a string column; StandardScaler needs number columns; encode strings first/,
  );
  assert.throws(() => s.fit(table().slice(0, 0)), /StandardScaler.fit: the table is empty \(0 rows\)/);
  assert.throws(() => s.fit(Table.fromColumns({ x: [null, null] })), /column 'x' has no values \(all 2 are missing\)/);
  assert.throws(() => s.fit(Table.fromColumns({ x: [1, Infinity] })), /column 'x' holds Infinity at row 1/);
  assert.throws(
    () => new StandardScaler({ columns: ['nope'] }).fit(table()),
    /StandardScaler.fit: no column 'nope'; available columns: 'x', 'id', 'k'/,
  );
  s.fit(table().select(['x', 'k']));
  assert.equal(s.isFitted, true);
  assert.throws(
    () => s.transform(table().drop(['k'])),
    /StandardScaler: the table has no column 'k' \(it was fitted on it\); available columns: 'x', 'id'/,
  );
  const wrongKind = Table.fromColumns({ x: [1], k: ['3'] });
  assert.throws(() => s.transform(wrongKind), /StandardScaler: column 'k' is a string column now but was number at fit/);
  // a column empty in every row of a new file is read as text: it holds missing numbers
  const allMissing = Table.fromColumns({ x: [1, 2], k: { kind: 'string', values: [null, null] } });
  assert.ok(Number.isNaN(s.transform(allMissing).numbers('k')[0]));
  assert.throws(() => new StandardScaler({ withMean: 'yes' as never }), /withMean must be true or false, got "yes"/);
  assert.throws(() => new MinMaxScaler({ featureRange: [1, 0] }), /featureRange must be \[low, high\] with low < high, got \[1,0\]/);
  assert.throws(
    () => new RobustScaler({ quantileRange: [25, 101] }),
    /quantileRange must be \[low, high\] with low < high within \[0, 100\]/,
  );
  assert.throws(() => new StandardScaler({ columns: ['a', 'a'] }), /column 'a' is listed twice/);
});

test('a failed fit leaves the transform unfitted', () => {
  const s = new StandardScaler().fit(Table.fromColumns({ x: [1, 2] }));
  assert.throws(() => s.fit(Table.fromColumns({ x: [null, null] })));
  assert.equal(s.isFitted, false);
});
