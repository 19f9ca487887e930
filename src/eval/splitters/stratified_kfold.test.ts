// StratifiedKFold and RepeatedStratifiedKFold: class proportions kept in every fold, shuffled
// folds reproducible, labels of any kind, scikit-learn's warning and error for small classes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../core/random.js';
import { tensor } from '../../ops/creation.js';
import type { Fold } from './splitter.js';
import { RepeatedStratifiedKFold, StratifiedKFold } from './stratified_kfold.js';

function labels(n: number, weights: number[], seed: number): number[] {
  const g = new Generator(seed);
  const total = weights.reduce((a, b) => a + b, 0);
  return Array.from({ length: n }, () => {
    let u = g.uniform() * total;
    let k = 0;
    while (u >= weights[k]) u -= weights[k++];
    return k;
  });
}

/** Each fold holds each class's share of the rows to within one row, and the folds partition the rows. */
function assertStratified(folds: Fold[], y: readonly (number | string)[]): void {
  const k = folds.length;
  const classes = [...new Set(y)];
  const tested = new Int32Array(y.length);
  for (const { train, test } of folds) {
    for (const r of test) tested[r]++;
    assert.equal(train.length + test.length, y.length);
    for (const c of classes) {
      const total = y.filter((v) => v === c).length;
      const inTest = [...test].filter((r) => y[r] === c).length;
      assert.ok(Math.abs(inTest - total / k) < 1, `class ${c}: ${inTest} in a test fold, ${total / k} expected`);
    }
  }
  assert.ok(tested.every((t) => t === 1));
}

test('unshuffled folds keep class proportions and are ascending', () => {
  const y = labels(103, [6, 3, 1], 0);
  const folds = [...new StratifiedKFold({ nSplits: 5 }).split({ y })];
  assertStratified(folds, y);
  for (const f of folds) assert.ok(f.test.every((v, i) => i === 0 || f.test[i - 1] < v));
});

test('shuffled folds keep proportions; same seed same folds, other seed other folds', () => {
  const y = labels(90, [5, 4, 1], 1);
  const cv = new StratifiedKFold({ nSplits: 3, shuffle: true, seed: 11 });
  const a = [...cv.split({ y })];
  assertStratified(a, y);
  const tests = (fs: Iterable<Fold>) => [...fs].map((f) => [...f.test]);
  assert.deepEqual(tests(cv.split({ y })), tests(a));
  assert.notDeepEqual(tests(new StratifiedKFold({ nSplits: 3, shuffle: true, seed: 12 }).split({ y })), tests(a));
  assert.notDeepEqual(tests(new StratifiedKFold({ nSplits: 3 }).split({ y })), tests(a));
});

test('labels may be strings, typed arrays or tensors; classes numbered by first appearance', () => {
  const names = ['b', 'a', 'b', 'a', 'c', 'b', 'a', 'c', 'b', 'a'];
  const codes = [1, 0, 1, 0, 2, 1, 0, 2, 1, 0];
  const cv = new StratifiedKFold({ nSplits: 2 });
  const viaNames = [...cv.split({ y: names })].map((f) => [...f.test]);
  assert.deepEqual(
    [...cv.split({ y: Int32Array.from(codes) })].map((f) => [...f.test]),
    viaNames,
  );
  assert.deepEqual(
    [...cv.split({ y: tensor(codes, { dtype: 'int32' }) })].map((f) => [...f.test]),
    viaNames,
  );
  assertStratified([...cv.split({ y: names })], names);
});

test('a class smaller than nSplits warns (or throws with onWarning "throw"); all classes smaller throws', () => {
  const y = [0, 0, 0, 0, 0, 0, 1, 1, 3, 3];
  const messages: string[] = [];
  const folds = [...new StratifiedKFold({ nSplits: 3, onWarning: (m) => messages.push(m) }).split({ y })];
  assert.equal(folds.length, 3);
  assert.deepEqual(messages, [
    'StratifiedKFold: nSplits=3 is greater than the number of members in class 1 (2) and 1 other class are small too; some test folds will hold no member of such classes',
  ]);
  assert.throws(
    () => new StratifiedKFold({ nSplits: 3, onWarning: 'throw' }).split({ y }),
    /nSplits=3 is greater than the number of members in class 1 \(2\)/,
  );
  assert.throws(
    () => new StratifiedKFold({ nSplits: 7 }).split({ y }),
    /StratifiedKFold: nSplits=7 is greater than the number of members of every class \(the largest, class 0, has 6\); use nSplits <= 6/,
  );
});

test('errors: missing y, continuous targets, missing labels, seed without shuffle', () => {
  assert.throws(() => new StratifiedKFold().split({ n: 10 }), /StratifiedKFold.split: needs the class labels, as split\(\{ y \}\)/);
  assert.throws(
    () => new StratifiedKFold({ nSplits: 2 }).split({ y: [0.5, 1, 2, 1] }),
    /y must hold class labels, got the non-integer 0.5 at row 0/,
  );
  assert.throws(() => new StratifiedKFold({ nSplits: 2 }).split({ y: ['a', null, 'b', 'a'] }), /y has a missing value at row 1/);
  assert.throws(() => new StratifiedKFold({ nSplits: 2 }).split({ y: [0, 1, Number.NaN, 1] }), /y has a missing value at row 2/);
  assert.throws(() => new StratifiedKFold({ nSplits: 2 }).split({ y: [0, 'a', 1, 1] }), /y mixes numbers and strings/);
  assert.throws(() => new StratifiedKFold({ seed: 1 }), /seed has no effect unless shuffle is true/);
  assert.throws(
    () =>
      new StratifiedKFold({ nSplits: 2 }).split({
        y: tensor([
          [1, 0],
          [0, 1],
        ]),
      }),
    /y must be 1-D .* pass y.argmax\(1\)/,
  );
});

test('RepeatedStratifiedKFold repeats stratified partitions with fresh shuffles', () => {
  const y = labels(60, [2, 1], 3);
  const cv = new RepeatedStratifiedKFold({ nSplits: 3, nRepeats: 3, seed: 0 });
  const folds = [...cv.split({ y })];
  assert.equal(folds.length, cv.getNSplits());
  assert.equal(folds.length, 9);
  for (let r = 0; r < 3; r++) assertStratified(folds.slice(3 * r, 3 * r + 3), y);
  assert.notDeepEqual([...folds[0].test], [...folds[3].test]);
});
