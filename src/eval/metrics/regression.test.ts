import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../ops/creation.js';
import {
  explainedVariance,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  r2Score,
  rootMeanSquaredError,
} from './regression.js';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

test('regression: the documented examples', () => {
  const t = [3, -0.5, 2, 7];
  const p = [2.5, 0, 2, 8];
  assert.equal(meanAbsoluteError(t, p), 0.5);
  assert.equal(meanSquaredError(t, p), 0.375);
  assert.ok(close(rootMeanSquaredError(t, p), 0.6123724356957945));
  assert.ok(close(meanAbsolutePercentageError(t, p), 0.3273809523809524));
  assert.ok(close(r2Score(t, p), 0.9486081370449679));
  assert.ok(close(explainedVariance(t, p), 0.9571734475374732));
  assert.equal(medianAbsoluteError(t, p), 0.5);
  assert.equal(meanAbsoluteError(tensor(t), tensor(p)), 0.5);
});

test('regression: multiple outputs', () => {
  const t = tensor([
    [0.5, 1],
    [-1, 1],
    [7, -6],
  ]);
  const p = [
    [0, 2],
    [-1, 2],
    [8, -5],
  ];
  assert.ok(close(meanAbsoluteError(t, p), 0.75));
  assert.deepEqual(meanAbsoluteError(t, p, { multioutput: 'raw_values' }), [0.5, 1]);
  assert.ok(close(meanAbsoluteError(t, p, { multioutput: [0.3, 0.7] }), 0.85));
  assert.ok(close(r2Score(t, p, { multioutput: 'variance_weighted' }), 0.9382566585956417));
});

test('regression: constant targets and one sample, as scikit-learn', () => {
  assert.equal(r2Score([2, 2, 2], [2, 2, 2]), 1);
  assert.equal(r2Score([2, 2, 2], [2, 2, 3]), 0);
  assert.equal(r2Score([2, 2, 2], [2, 2, 3], { forceFinite: false }), Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(r2Score([2, 2, 2], [2, 2, 2], { forceFinite: false })));
  const seen: string[] = [];
  assert.ok(Number.isNaN(r2Score([1], [2], { onWarning: (m) => seen.push(m) })));
  assert.deepEqual(seen, ['r2Score: R^2 is not well-defined with fewer than two samples']);
  assert.ok(meanAbsolutePercentageError([0], [1]) > 1e15, 'a zero target divides by eps');
});

test('regression: errors name the argument and the shapes', () => {
  assert.throws(
    () => meanSquaredError([1, 2], [1, 2, 3]),
    /meanSquaredError: yPred has shape \[3, 1\] but yTrue has \[2, 1\]; they must match/,
  );
  assert.throws(() => meanSquaredError([1, Number.NaN], [1, 2]), /meanSquaredError: yTrue must be finite, got NaN at index 1/);
  // found by the lazy check even where a zero weight would hide the value in a product
  assert.throws(
    () => r2Score([1, 2, 3], [1, 2, Number.NEGATIVE_INFINITY], { sampleWeight: [1, 1, 0] }),
    /r2Score: yPred must be finite, got -Infinity at index 2/,
  );
  assert.throws(() => medianAbsoluteError([1, 2, Number.NaN], [1, 2, 3]), /medianAbsoluteError: yTrue must be finite, got NaN at index 2/);
  assert.throws(
    () => meanSquaredError([1, 2], [1, 2], { multioutput: [1, 2] }),
    /meanSquaredError: multioutput has 2 weights but there are 1 outputs/,
  );
  assert.throws(
    () => r2Score([1, 2], [1, 2], { multioutput: 'mean' as never }),
    /r2Score: multioutput must be 'uniform_average', 'raw_values', 'variance_weighted' or weights, got "mean"/,
  );
  assert.throws(() => meanAbsoluteError([1, 2], [1, 2], { sampleWeight: [0, 0] }), /meanAbsoluteError: sampleWeight sums to zero/);
});
