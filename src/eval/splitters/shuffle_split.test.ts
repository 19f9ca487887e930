// ShuffleSplit, StratifiedShuffleSplit, GroupShuffleSplit and the size rules behind them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../core/random.js';
import { GroupShuffleSplit, ShuffleSplit, StratifiedShuffleSplit } from './shuffle_split.js';
import { approximateMode, resolveSplitSizes } from './split_sizes.js';

test('ShuffleSplit: disjoint train and test of the asked sizes, reproducible, varying across splits', () => {
  const cv = new ShuffleSplit({ nSplits: 4, testSize: 0.25, seed: 2 });
  const folds = [...cv.split(41)];
  assert.equal(folds.length, 4);
  for (const { train, test } of folds) {
    assert.equal(test.length, 11); // ceil(0.25 * 41)
    assert.equal(train.length, 30);
    const t = new Set(test);
    assert.ok(train.every((r) => !t.has(r)));
  }
  assert.notDeepEqual([...folds[0].test], [...folds[1].test]);
  assert.deepEqual(
    [...cv.split(41)].map((f) => [...f.test]),
    folds.map((f) => [...f.test]),
  );
  const partial = [...new ShuffleSplit({ nSplits: 1, testSize: 5, trainSize: 10, seed: 0 }).split(41)][0];
  assert.deepEqual([partial.train.length, partial.test.length], [10, 5]);
});

test('StratifiedShuffleSplit keeps each class share on both sides', () => {
  const y = [...Array(60).fill('a'), ...Array(30).fill('b'), ...Array(10).fill('c')];
  for (const { train, test } of new StratifiedShuffleSplit({ nSplits: 5, testSize: 0.2, seed: 1 }).split({ y })) {
    const count = (rows: Int32Array, c: string) => [...rows].filter((r) => y[r] === c).length;
    assert.deepEqual(
      ['a', 'b', 'c'].map((c) => count(test, c)),
      [12, 6, 2],
    );
    assert.deepEqual(
      ['a', 'b', 'c'].map((c) => count(train, c)),
      [48, 24, 8],
    );
  }
  assert.throws(() => new StratifiedShuffleSplit().split({ y: [0, 0, 1] }), /class 1 has only 1 member; every class needs at least 2/);
  assert.throws(
    () => new StratifiedShuffleSplit({ testSize: 2 }).split({ y: [0, 0, 1, 1, 2, 2] }),
    /the test size 2 is smaller than the number of classes \(3\)/,
  );
});

test('GroupShuffleSplit sizes count groups; no group on both sides', () => {
  const groups = Array.from({ length: 100 }, (_, i) => i % 10);
  for (const { train, test } of new GroupShuffleSplit({ nSplits: 3, testSize: 0.3, seed: 0 }).split({ groups })) {
    const tg = new Set([...test].map((r) => groups[r]));
    assert.equal(tg.size, 3);
    assert.equal(test.length, 30);
    assert.ok(train.every((r) => !tg.has(groups[r])));
  }
});

test('resolveSplitSizes: fractions, counts, defaults and errors', () => {
  assert.deepEqual(resolveSplitSizes('op', 10, 0.25, undefined, 0.1), { nTrain: 7, nTest: 3 });
  assert.deepEqual(resolveSplitSizes('op', 10, undefined, undefined, 0.1), { nTrain: 9, nTest: 1 });
  assert.deepEqual(resolveSplitSizes('op', 10, 1, undefined, 0.1), { nTrain: 9, nTest: 1 });
  assert.throws(
    () => resolveSplitSizes('op', 10, 1.5, undefined, 0.1),
    /op: testSize=1.5 must be a fraction in \(0, 1\) or a whole number of rows from 1 to 9 \(n=10\)/,
  );
  assert.throws(() => resolveSplitSizes('op', 10, 0, undefined, 0.1), /testSize=0 must be/);
  assert.throws(() => resolveSplitSizes('op', 10, 0.6, 0.6, 0.1), /testSize \+ trainSize = 1.2 must be at most 1/);
  assert.throws(() => resolveSplitSizes('op', 10, 6, 6, 0.1), /trainSize \+ testSize = 12 rows is more than the 10 rows/);
});

test('approximateMode: proportional shares, remainders to the largest, ties broken at random', () => {
  assert.deepEqual([...approximateMode(Int32Array.of(60, 30, 10), 20, new Generator(0))], [12, 6, 2]);
  assert.deepEqual([...approximateMode(Int32Array.of(7, 2), 3, new Generator(0))], [2, 1]); // 2.33 + 0.67
  const outcomes = new Set<string>();
  for (let s = 0; s < 30; s++) outcomes.add(approximateMode(Int32Array.of(6, 3, 1), 5, new Generator(s)).join(','));
  assert.deepEqual([...outcomes].sort(), ['3,1,1', '3,2,0']);
});
