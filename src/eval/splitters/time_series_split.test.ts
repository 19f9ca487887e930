// TimeSeriesSplit: training rows always before test rows, gaps kept, windows capped, errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeSeriesSplit } from './time_series_split.js';

test('train rows precede test rows by at least gap; tests are consecutive blocks ending at the last row', () => {
  for (const opts of [{ nSplits: 5 }, { nSplits: 3, gap: 4 }, { nSplits: 4, maxTrainSize: 10, testSize: 6 }]) {
    const folds = [...new TimeSeriesSplit(opts).split(60)];
    assert.equal(folds.length, opts.nSplits);
    assert.equal(folds.at(-1)?.test.at(-1), 59);
    for (const { train, test } of folds) {
      assert.ok(train.length > 0 && test.length > 0);
      assert.ok(train.at(-1)! + (opts.gap ?? 0) < test[0], `train ends ${train.at(-1)}, test starts ${test[0]}`);
      if (opts.maxTrainSize) assert.ok(train.length <= opts.maxTrainSize);
      for (let i = 1; i < test.length; i++) assert.equal(test[i], test[i - 1] + 1);
    }
    for (let k = 1; k < folds.length; k++) assert.equal(folds[k].test[0], folds[k - 1].test.at(-1)! + 1);
  }
});

test('documented example and errors', () => {
  const cv = new TimeSeriesSplit({ nSplits: 3, gap: 1 });
  assert.deepEqual(
    [...cv.split(8)].map((f) => [f.train.length, [...f.test]]),
    [
      [1, [2, 3]],
      [3, [4, 5]],
      [5, [6, 7]],
    ],
  );
  assert.throws(() => new TimeSeriesSplit({ gap: -1 }), /TimeSeriesSplit: gap must be an integer >= 0, got -1/);
  assert.throws(() => new TimeSeriesSplit({ testSize: 0 }), /testSize must be an integer >= 1, got 0/);
  assert.throws(() => new TimeSeriesSplit({ nSplits: 5 }).split(5), /nSplits \+ 1 = 6 folds is greater than the number of samples n=5/);
  assert.throws(
    () => new TimeSeriesSplit({ nSplits: 3, testSize: 3 }).split(9),
    /too many splits \(nSplits=3\) for n=9 samples with testSize=3 and gap=0/,
  );
});
