// SimpleImputer: train-time statistics fill number, timestamp and string columns; the errors for
// strategies that do not suit a column, fill values of the wrong kind, and the missing inverse.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Table } from '../table.js';
import { SimpleImputer } from './simple_imputer.js';

const t = () =>
  Table.fromColumns({ a: [1, null, 3, 3, 10], s: ['x', null, 'y', 'y', 'x'], when: [new Date(0), null, new Date(2000), null, null] });

test('SimpleImputer keeps the statistics from fit and fills later tables with them', () => {
  const mean = new SimpleImputer({ columns: ['a', 'when'] }).fit(t());
  assert.deepEqual(mean.statistics, [17 / 4, 1000]);
  const serve = Table.fromColumns({ a: [null, 100], s: [null, 'z'], when: [null, new Date(5)] });
  const out = mean.transform(serve);
  assert.deepEqual([...out.numbers('a')], [17 / 4, 100]);
  assert.equal(out.column('when').kind, 'timestamp');
  assert.deepEqual([...(out.column('when').values as Float64Array)], [1000, 5]);
  assert.deepEqual(out.strings('s'), [null, 'z']); // not configured: untouched
  assert.deepEqual(new SimpleImputer({ strategy: 'median', columns: ['a'] }).fit(t()).statistics, [3]);
  const mode = new SimpleImputer({ strategy: 'mostFrequent' }).fit(t().select(['a', 's']));
  assert.deepEqual(mode.statistics, [3, 'x']); // 'x' and 'y' tie: the smallest wins, as in scikit-learn
  assert.deepEqual(mode.transform(t()).strings('s'), ['x', 'x', 'y', 'y', 'x']);
  const constant = new SimpleImputer({ strategy: 'constant' }).fit(t().select(['a', 's']));
  assert.deepEqual(constant.statistics, [0, 'missing_value']);
  assert.deepEqual(new SimpleImputer({ strategy: 'constant', fillValue: 'n/a', columns: ['s'] }).fit(t()).statistics, ['n/a']);
});

test('SimpleImputer errors say what to fix', () => {
  assert.throws(
    () => new SimpleImputer().fit(t()),
    /SimpleImputer.fit: column 's' is a string column; strategy 'mean' needs number columns; use 'mostFrequent' or 'constant'/,
  );
  assert.throws(
    () => new SimpleImputer({ strategy: 'constant', fillValue: 0 }).fit(t().select(['s'])),
    /fillValue 0 does not suit column 's', a string column/,
  );
  assert.throws(() => new SimpleImputer({ fillValue: 0 }), /fillValue is only used with strategy 'constant'/);
  assert.throws(
    () => new SimpleImputer({ strategy: 'mode' as never }),
    /strategy must be one of "mean", "median", "mostFrequent", "constant", got "mode"/,
  );
  assert.throws(
    () => new SimpleImputer({ strategy: 'mostFrequent' }).fit(Table.fromColumns({ s: { kind: 'string', values: [null, null] } })),
    /column 's'/,
  );
  const imp = new SimpleImputer({ columns: ['a'] }).fit(t());
  assert.throws(() => imp.inverseTransform(t()), /SimpleImputer: inverseTransform is not defined/);
});
