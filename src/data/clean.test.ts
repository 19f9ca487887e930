import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cast, DESCRIBE_COLUMNS, describe, dropDuplicates, dropMissing, missingCounts } from './clean.js';
import { Table } from './table.js';

const people = () =>
  Table.fromColumns({
    age: [31, null, 45, 31, null],
    city: ['Oslo', 'Rome', null, 'Oslo', null],
    at: [new Date(0), null, new Date(2000), new Date(0), null],
  });

test('missingCounts counts NaN and null per column', () => {
  assert.deepEqual(missingCounts(people()), { age: 2, city: 2, at: 2 });
  assert.deepEqual(missingCounts(Table.fromColumns({})), {});
});

test('describe: count, missing, mean, std, quartiles for numbers; unique, top, freq for strings', () => {
  const values = [4, 1, null, 3, 10, 2];
  const t = Table.fromColumns({ x: values, s: ['b', 'a', 'b', null, 'a', 'b'], at: [new Date(10), new Date(30), null, null, null, null] });
  const d = describe(t);
  assert.deepEqual(d.columnNames, [...DESCRIBE_COLUMNS]);
  assert.deepEqual(d.strings('column'), ['x', 's', 'at']);
  assert.deepEqual(d.strings('kind'), ['number', 'string', 'timestamp']);

  // expected statistics computed here from the raw values, the plain way
  const present = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const n = present.length;
  const mean = present.reduce((a, b) => a + b) / n;
  const std = Math.sqrt(present.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const quantile = (p: number) => {
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    return present[lo] + (present[Math.min(lo + 1, n - 1)] - present[lo]) * (pos - lo);
  };
  const x = d.row(0);
  assert.deepEqual(
    [x.count, x.missing, x.min, x['25%'], x['50%'], x['75%'], x.max],
    [n, 1, present[0], quantile(0.25), quantile(0.5), quantile(0.75), present[n - 1]],
  );
  assert.ok(Math.abs((x.mean as number) - mean) < 1e-12);
  assert.ok(Math.abs((x.std as number) - std) < 1e-12);
  assert.deepEqual([x.unique, x.top, x.freq], [null, null, null]);

  const s = d.row(1);
  assert.deepEqual([s.count, s.missing, s.unique, s.top, s.freq, s.mean, s.max], [5, 1, 2, 'b', 3, null, null]);
  const at = d.row(2);
  assert.deepEqual([at.count, at.missing, at.min, at.max, at.mean], [2, 4, 10, 30, 20]);
  assert.match(d.toString(), /\[3 rows x 14 columns\]/);
});

test('describe: ties pick the first value seen; a single value has no std; an empty column has no stats', () => {
  const d = describe(Table.fromColumns({ s: ['z', 'y', 'y', 'z'], one: [5, null, null, null], none: [null, null, null, null] }));
  assert.equal(d.row(0).top, 'z');
  assert.deepEqual([d.row(1).mean, d.row(1).std, d.row(1)['50%']], [5, null, 5]);
  assert.deepEqual([d.row(2).count, d.row(2).mean, d.row(2).min], [0, null, null]);
});

test('dropMissing: any, all, and a subset of columns', () => {
  const t = people();
  assert.deepEqual(dropMissing(t).numbers('age'), Float64Array.from([31, 31]));
  const all = dropMissing(t, { how: 'all' });
  assert.equal(all.numRows, 4); // row 4 is missing everywhere
  assert.deepEqual(all.strings('city'), ['Oslo', 'Rome', null, 'Oslo']);
  assert.deepEqual(dropMissing(t, { columns: ['city'] }).strings('city'), ['Oslo', 'Rome', 'Oslo']);
  assert.deepEqual([...dropMissing(t, { columns: ['age', 'city'], how: 'all' }).numbers('age')], [31, Number.NaN, 45, 31]);
  assert.throws(() => dropMissing(t, { columns: ['nope'] }), /no column 'nope'; columns are 'age', 'city', 'at'/);
  assert.throws(() => dropMissing(t, { how: 'some' as never }), /dropMissing: how must be 'any' or 'all', got "some"/);
});

test('dropDuplicates: first or last, by all or some columns; missing values match each other', () => {
  const t = people();
  const first = dropDuplicates(t);
  assert.deepEqual([...first.numbers('age')], [31, Number.NaN, 45, Number.NaN]); // row 3 repeats row 0
  assert.deepEqual(first.strings('city'), ['Oslo', 'Rome', null, null]);
  const byAge = dropDuplicates(t, { columns: ['age'] });
  assert.deepEqual(byAge.strings('city'), ['Oslo', 'Rome', null]); // rows 0, 1, 2
  const byAgeLast = dropDuplicates(t, { columns: ['age'], keep: 'last' });
  assert.deepEqual(byAgeLast.strings('city'), [null, 'Oslo', null]); // rows 2, 3, 4, in table order
  assert.deepEqual([...byAgeLast.numbers('age')], [45, 31, Number.NaN]);
  // strings that would collide if keys were joined naively
  const tricky = Table.fromColumns({ a: ['x|y', 'x', 'null', null], b: ['z', 'y|z', 'q', 'q'] });
  assert.equal(dropDuplicates(tricky).numRows, 4);
  assert.equal(dropDuplicates(Table.fromColumns({ z: [0, -0] })).numRows, 1);
  assert.throws(() => dropDuplicates(t, { keep: 'none' as never }), /keep must be 'first' or 'last', got "none"/);
});

test('cast: strings to numbers and timestamps, and back; errors name column, row and value', () => {
  const t = Table.fromColumns({
    n: [' 12 ', '-1.5e3', null, '.5', 'Infinity'],
    d: ['2024-05-06', '2024-05-06T07:08:09', null, '2024-05-06 07:08:09.5+02:00', '2000-02-29'],
  });
  const c = cast(t, { n: 'number', d: 'timestamp' });
  assert.deepEqual(c.schema, { n: 'number', d: 'timestamp' });
  assert.deepEqual([...c.numbers('n')], [12, -1500, Number.NaN, 0.5, Number.POSITIVE_INFINITY]);
  assert.deepEqual(
    [...(c.column('d').values as Float64Array)],
    [Date.UTC(2024, 4, 6), Date.UTC(2024, 4, 6, 7, 8, 9), Number.NaN, Date.UTC(2024, 4, 6, 5, 8, 9, 500), Date.UTC(2000, 1, 29)],
  );
  const back = cast(c, { n: 'string', d: 'string' });
  assert.deepEqual(back.strings('n'), ['12', '-1500', null, '0.5', 'Infinity']);
  assert.deepEqual(back.strings('d')[0], '2024-05-06T00:00:00.000Z');
  assert.deepEqual(cast(c, { d: 'number' }).numbers('d')[0], Date.UTC(2024, 4, 6));
  assert.equal(cast(c, { n: 'number' }), c); // nothing to change

  assert.throws(
    () => cast(Table.fromColumns({ age: ['1', '2', 'three'] }), { age: 'number' }),
    /cast: column 'age' row 2: "three" is not a number/,
  );
  assert.throws(() => cast(Table.fromColumns({ v: ['0x10'] }), { v: 'number' }), /row 0: "0x10" is not a number/);
  assert.throws(() => cast(Table.fromColumns({ v: [''] }), { v: 'number' }), /row 0: "" is not a number/);
  assert.throws(
    () => cast(Table.fromColumns({ d: ['2024-01-01', '2023-02-29'] }), { d: 'timestamp' }),
    /column 'd' row 1: "2023-02-29" is not an ISO 8601 date/,
  );
  assert.throws(() => cast(Table.fromColumns({ d: ['05/06/2024'] }), { d: 'timestamp' }), /"05\/06\/2024" is not an ISO 8601 date/);
  assert.throws(() => cast(t, { nope: 'number' }), /no column 'nope'/);
  assert.throws(() => cast(t, { n: 'int' as never }), /cast: column 'n' cannot become "int"/);
});

test('dropMissing and dropDuplicates keep each row its file line', () => {
  const t = Table.fromColumns({ a: [1, null, 1, 2] }).withRowOrigin('f.csv', Int32Array.from([2, 3, 5, 8]));
  assert.equal(dropMissing(t).rowLabel(2), 'f.csv line 8');
  assert.equal(dropDuplicates(t).rowLabel(2), 'f.csv line 8');
  assert.equal(dropDuplicates(t, { keep: 'last' }).rowLabel(1), 'f.csv line 5');
});
