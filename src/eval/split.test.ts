// trainTestSplit: sizes and shuffling as scikit-learn, seeds, stratify, groups and time, applied to
// tensors, Tables and arrays; clear errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed } from '../core/random.js';
import { Table } from '../data/table.js';
import { arange, tensor } from '../ops/creation.js';
import { takeRows, trainTestSplit } from './split.js';

const sorted = (a: Iterable<number>) => [...a].sort((x, y) => x - y);

test('default: a shuffled 75/25 partition, reproducible from a seed', () => {
  const s = trainTestSplit(10, { seed: 0 });
  assert.equal(s.test.length, 3);
  assert.equal(s.train.length, 7);
  assert.deepEqual(sorted([...s.train, ...s.test]), [...Array(10).keys()]);
  assert.deepEqual(trainTestSplit(10, { seed: 0 }).test, s.test);
  const others = [1, 2, 3].map((seed) => [...trainTestSplit(10, { seed }).test].join());
  assert.ok(others.some((t) => t !== [...s.test].join()));
  manualSeed(3);
  const a = trainTestSplit(50);
  manualSeed(3);
  assert.deepEqual(trainTestSplit(50).test, a.test);
});

test('shuffle: false keeps row order: the first rows train, the next test', () => {
  const s = trainTestSplit(10, { shuffle: false, testSize: 0.2, trainSize: 5 });
  assert.deepEqual([...s.train], [0, 1, 2, 3, 4]);
  assert.deepEqual([...s.test], [5, 6]);
});

test('stratify keeps class shares on both sides, from labels or a Table column', () => {
  const y = Array.from({ length: 100 }, (_, i) => (i % 10 < 7 ? 'neg' : 'pos'));
  const s = trainTestSplit(100, { stratify: y, testSize: 0.2, seed: 5 });
  const pos = (rows: Int32Array) => [...rows].filter((r) => y[r] === 'pos').length;
  assert.deepEqual([pos(s.train), pos(s.test)], [24, 6]);
  const table = Table.fromColumns({ x: Float64Array.from({ length: 100 }, (_, i) => i), label: y });
  const t = trainTestSplit(table, { stratify: 'label', testSize: 0.2, seed: 5 });
  assert.deepEqual(t.test, s.test);
  const [train, test] = t.apply(table);
  assert.equal(train.numRows, 80);
  assert.deepEqual([...test.column('x').values], [...s.test]);
});

test('groups: whole groups on one side; the sizes count groups', () => {
  const groups = Array.from({ length: 40 }, (_, i) => Math.floor(i / 4)); // 10 groups of 4
  const s = trainTestSplit(40, { groups, testSize: 0.2, seed: 1 });
  const testGroups = new Set([...s.test].map((r) => groups[r]));
  assert.equal(testGroups.size, 2);
  assert.equal(s.test.length, 8);
  assert.ok(s.train.every((r) => !testGroups.has(groups[r])));
});

test('time: the latest rows are the test set, in time order, without shuffling', () => {
  const time = [5, 1, 9, 3, 7, 3, 8, 2];
  const s = trainTestSplit(8, { time, testSize: 0.25 });
  assert.deepEqual([...s.test], [6, 2]); // times 8, 9
  assert.deepEqual([...s.train], [1, 7, 3, 5, 0, 4]); // 1, 2, 3, 3 (row order), 5, 7
  const table = Table.fromColumns({ when: time.map((d) => new Date(2024, 0, d)), v: time });
  assert.deepEqual(trainTestSplit(table, { time: 'when', testSize: 2 }).test, s.test);
  const trimmed = trainTestSplit(8, { time, testSize: 2, trainSize: 3 });
  assert.deepEqual([...trimmed.train], [5, 0, 4]); // the three rows just before the test rows
  assert.throws(() => trainTestSplit(8, { time, shuffle: true }), /a split by time never shuffles/);
  assert.throws(() => trainTestSplit(3, { time: [1, Number.NaN, 2] }), /time is missing at row 1/);
});

test('apply cuts tensors, Tables, typed arrays and arrays by the same rows', () => {
  const x = arange(12).reshape([6, 2]);
  const s = trainTestSplit(x, { testSize: 2, seed: 4 });
  const [xTrain, xTest] = s.apply(x);
  assert.deepEqual(xTrain.shape, [4, 2]);
  assert.deepEqual(
    xTest.toArray(),
    [...s.test].map((r) => [2 * r, 2 * r + 1]),
  );
  const [yTrain] = s.apply(Int32Array.of(0, 1, 2, 3, 4, 5));
  assert.ok(yTrain instanceof Int32Array);
  assert.deepEqual([...yTrain], [...s.train]);
  assert.deepEqual(
    s.apply(['a', 'b', 'c', 'd', 'e', 'f'])[1],
    [...s.test].map((r) => 'abcdef'[r]),
  );
  assert.deepEqual(takeRows(tensor([10, 20, 30]), Int32Array.of(2, 2, 0)).toArray(), [30, 30, 10]);
  assert.throws(() => s.apply([1, 2, 3]), /TrainTestSplit.apply: data has 3 rows but the split was made for 6/);
});

test('errors say what to fix', () => {
  assert.throws(() => trainTestSplit(1), /need at least 2 rows to split, got 1/);
  assert.throws(
    () => trainTestSplit(10, { testSize: 10 }),
    /testSize=10 must be a fraction in \(0, 1\) or a whole number of rows from 1 to 9/,
  );
  assert.throws(() => trainTestSplit(10, { stratify: [0, 1], seed: 0 }), /stratify has 2 values but the data has 10 rows/);
  assert.throws(() => trainTestSplit(4, { stratify: [0, 0, 1, 1], shuffle: false }), /stratify needs shuffle/);
  assert.throws(() => trainTestSplit(4, { stratify: [0, 0, 1, 1], groups: [0, 1, 2, 3] }), /give only one of stratify, groups and time/);
  assert.throws(() => trainTestSplit(4, { stratify: 'label' }), /'label' names a column, so the data must be a Table/);
  assert.throws(() => trainTestSplit(tensor(3)), /a 0-d tensor has no rows to split/);
});
