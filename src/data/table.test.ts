import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RowError, Table, withRowLabels } from './table.js';

test('Table.fromColumns infers kinds and marks missing values', () => {
  const t = Table.fromColumns({
    age: [31, null, 45],
    city: ['Oslo', 'Rome', null],
    ok: [true, false, null],
    at: [new Date(0), null, new Date(1000)],
  });
  assert.equal(t.numRows, 3);
  assert.deepEqual(t.schema, { age: 'number', city: 'string', ok: 'number', at: 'timestamp' });
  assert.ok(Number.isNaN(t.numbers('age')[1]));
  assert.deepEqual(t.strings('city'), ['Oslo', 'Rome', null]);
  assert.deepEqual(t.row(2), { age: 45, city: null, ok: null, at: 1000 });
});

test('Table errors name the column and what was expected', () => {
  assert.throws(() => Table.fromColumns({ a: [1, 2], b: [1] }), /column 'b' has 1 rows but column 'a' has 2/);
  assert.throws(() => Table.fromColumns({ a: [1, 'x'] as never }), /column 'a' mixes types: row 1 is the string "x"/);
  const t = Table.fromColumns({ a: [1, 2], s: ['x', 'y'] });
  assert.throws(() => t.column('nope'), /no column 'nope'; columns are 'a', 's'/);
  assert.throws(() => t.toTensor(['s']), /column 's' holds strings/);
  assert.throws(() => Table.fromColumns({ a: [1, null] }).toTensor(), /column 'a' is missing a value at row 1/);
  assert.throws(() => t.take([0, 2]), /index 2 at position 1 is out of range for 2 rows/);
});

test('Table select, drop, take, filter, concat and toTensor', () => {
  const t = Table.fromColumns({ a: [1, 2, 3], b: [4, 5, 6], s: ['x', 'y', 'z'] });
  assert.deepEqual(t.select(['b', 'a']).columnNames, ['b', 'a']);
  assert.deepEqual(t.drop(['s']).columnNames, ['a', 'b']);
  assert.deepEqual([...t.take([2, 2, 0]).numbers('a')], [3, 3, 1]);
  assert.deepEqual(t.filter((i) => t.numbers('a')[i] > 1).strings('s'), ['y', 'z']);
  assert.equal(t.concat(t).numRows, 6);
  const x = t.toTensor(['a', 'b']);
  assert.deepEqual(x.shape, [3, 2]);
  assert.deepEqual(x.toArray(), [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  assert.match(t.toString(), /\[3 rows x 3 columns\]/);
  assert.deepEqual(t.rename('a', 'A').columnNames, ['A', 'b', 's']);
  assert.deepEqual([...t.withColumn('c', [7, 8, 9]).numbers('c')], [7, 8, 9]);
});

test('rows keep their file lines through select, take, filter, slice, withColumn and concat; RowError names them', () => {
  const t = Table.fromColumns({ a: [1, 2, 3, 4], b: ['w', 'x', 'y', 'z'] }).withRowOrigin('data.csv', Int32Array.from([2, 4, 5, 9]));
  assert.equal(t.rowLabel(3), 'data.csv line 9');
  assert.equal(t.take([3, 0]).rowLabel(0), 'data.csv line 9');
  assert.equal(t.filter((i) => i % 2 === 1).rowLabel(1), 'data.csv line 9');
  assert.equal(t.slice(2).select(['b']).withColumn('c', [0, 0]).rowLabel(0), 'data.csv line 5');
  assert.equal(t.head(2).concat(t.slice(3)).rowLabel(2), 'data.csv line 9');
  assert.equal(t.concat(Table.fromColumns({ a: [5], b: ['v'] })).rowOrigin, null); // rows of unknown origin
  assert.equal(Table.fromColumns({ a: [1] }).rowLabel(0), 'row 0');
  assert.equal(
    Table.fromColumns({ a: [1] })
      .withRowOrigin('x.json', null)
      .rowLabel(0),
    'x.json data row 1',
  );
  assert.throws(() => t.withRowOrigin('data.csv', Int32Array.from([1])), /1 lines for 4 rows/);
  const e = new RowError((at) => `column 'a' holds Infinity at ${at}`, 1);
  assert.equal(e.message, "column 'a' holds Infinity at row 1");
  assert.equal(e.relabel(t.take([2, 3])).message, "column 'a' holds Infinity at data.csv line 9");
  assert.throws(
    () =>
      withRowLabels(t, () => {
        throw e;
      }),
    /holds Infinity at data\.csv line 4$/,
  );
  assert.throws(
    () =>
      Table.fromColumns({ a: [1, null] })
        .withRowOrigin('m.csv', Int32Array.from([2, 7]))
        .toTensor(),
    /column 'a' is missing a value at m\.csv line 7/,
  );
});
