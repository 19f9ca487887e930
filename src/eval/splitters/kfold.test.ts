// KFold and RepeatedKFold: unshuffled blocks, shuffled partitions reproducible from a seed,
// repetitions that differ, clear errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed } from '../../core/random.js';
import { KFold, RepeatedKFold } from './kfold.js';
import type { Fold } from './splitter.js';

/** Every row in exactly one test fold; train is the complement of test in every fold. */
function assertPartition(folds: Fold[], n: number): void {
  const tested = new Int32Array(n);
  for (const { train, test } of folds) {
    for (const r of test) tested[r]++;
    assert.equal(train.length + test.length, n);
    const inTest = new Set(test);
    for (const r of train) assert.ok(!inTest.has(r), `row ${r} on both sides`);
  }
  assert.deepEqual([...tested], new Array(n).fill(1), 'every row tested exactly once');
}

const tests = (folds: Iterable<Fold>) => [...folds].map((f) => [...f.test]);

test('KFold without shuffle cuts consecutive blocks, the first n % k one larger', () => {
  assert.deepEqual(tests(new KFold({ nSplits: 3 }).split(7)), [
    [0, 1, 2],
    [3, 4],
    [5, 6],
  ]);
  const folds = [...new KFold().split({ n: 12 })];
  assert.equal(folds.length, 5);
  assertPartition(folds, 12);
  assert.deepEqual([...folds[4].train], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('KFold with shuffle: a partition, the same for the same seed, different for another', () => {
  const cv = new KFold({ nSplits: 4, shuffle: true, seed: 7 });
  const a = [...cv.split(50)];
  assertPartition(a, 50);
  for (const f of a) {
    assert.ok(
      f.test.every((v, i) => i === 0 || f.test[i - 1] < v),
      'test rows ascending',
    );
    assert.ok([12, 13].includes(f.test.length));
  }
  assert.deepEqual(tests(cv.split(50)), tests(a), 'each split call repeats the folds');
  assert.deepEqual(tests(new KFold({ nSplits: 4, shuffle: true, seed: 7 }).split(50)), tests(a));
  assert.notDeepEqual(tests(new KFold({ nSplits: 4, shuffle: true, seed: 8 }).split(50)), tests(a));
  assert.notDeepEqual(tests(a), tests(new KFold({ nSplits: 4 }).split(50)));
});

test('KFold with shuffle and no seed draws from the global generator', () => {
  const cv = new KFold({ nSplits: 3, shuffle: true });
  manualSeed(5);
  const a = tests(cv.split(30));
  const b = tests(cv.split(30));
  manualSeed(5);
  assert.deepEqual(tests(cv.split(30)), a);
  assert.notDeepEqual(a, b);
});

test('RepeatedKFold gives nSplits * nRepeats folds, a partition per repetition, repetitions differing', () => {
  const cv = new RepeatedKFold({ nSplits: 3, nRepeats: 4, seed: 1 });
  assert.equal(cv.getNSplits(), 12);
  const folds = [...cv.split(20)];
  assert.equal(folds.length, 12);
  for (let r = 0; r < 4; r++) assertPartition(folds.slice(3 * r, 3 * r + 3), 20);
  assert.notDeepEqual(tests(folds.slice(0, 3)), tests(folds.slice(3, 6)));
  assert.deepEqual(tests(cv.split(20)), tests(folds));
});

test('KFold errors name the argument and its value', () => {
  assert.throws(() => new KFold({ nSplits: 1 }), /KFold: nSplits must be an integer >= 2, got 1/);
  assert.throws(() => new KFold({ nSplits: 2.5 }), /nSplits must be an integer >= 2, got 2.5/);
  assert.throws(() => new KFold({ seed: 3 }), /KFold: seed has no effect unless shuffle is true/);
  assert.throws(() => new KFold({ nSplits: 5 }).split(3), /KFold: nSplits=5 is greater than the number of samples n=3/);
  assert.throws(() => new KFold().split(0), /KFold.split: n must be a positive integer number of rows, got 0/);
  assert.throws(() => new KFold().split({}), /give the row count n, or y or groups/);
  assert.throws(() => new KFold().split({ n: 4, y: [1, 2, 3] }), /y has 3 labels but n=4/);
  assert.throws(() => new RepeatedKFold({ nRepeats: 0 }), /RepeatedKFold: nRepeats must be a positive integer, got 0/);
  assert.throws(() => new RepeatedKFold({ nSplits: 4 }).split(3), /RepeatedKFold: nSplits=4 is greater than the number of samples n=3/);
});
