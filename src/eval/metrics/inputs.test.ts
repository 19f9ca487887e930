import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../ops/creation.js';
import { accuracy } from './classification.js';
import { toLabels, toMatrix, toScores, toWeights } from './inputs.js';

test('inputs: tensors, typed arrays, arrays and nested rows become flat matrices', () => {
  assert.deepEqual(Array.from(toLabels('f', 'yTrue', tensor([0, 2, 1], { dtype: 'int32' }))), [0, 2, 1]);
  assert.deepEqual(Array.from(toLabels('f', 'yTrue', tensor([[1], [0]]))), [1, 0]); // (N, 1) counts as (N)
  assert.deepEqual(Array.from(toLabels('f', 'yTrue', tensor([true, false]))), [1, 0]);
  const ints = Int32Array.of(1, 2);
  assert.equal(toLabels('f', 'yTrue', ints), ints, 'an Int32Array is used in place');
  const scores = Float32Array.of(0.5, 0.25);
  assert.equal(toScores('f', 'yScore', scores), scores, 'a typed array is read in place');
  const m = toMatrix(
    'f',
    'yProb',
    tensor([
      [0.1, 0.9],
      [0.6, 0.4],
      [1, 0],
    ]),
  );
  assert.deepEqual([m.rows, m.cols, m.flat, m.float32], [3, 2, false, true]);
  const rows = toMatrix('f', 'yProb', [
    [0.1, 0.9],
    [0.6, 0.4],
  ]);
  assert.deepEqual([rows.rows, rows.cols, Array.from(rows.values)], [2, 2, [0.1, 0.9, 0.6, 0.4]]);
  const flat = toMatrix('f', 'yProb', [0.1, 0.9, 0.6, 0.4, 0.5, 0.5], 2);
  assert.deepEqual([flat.rows, flat.cols], [3, 2]);
  assert.equal(accuracy(tensor([0, 1, 1], { dtype: 'int32' }), [0, 1, 0]), 2 / 3);
});

test('inputs: errors name the function, the argument and the bad value', () => {
  assert.throws(() => accuracy([0, 1, 2], [0, 1]), /accuracy: yPred has 2 samples but yTrue has 3; they must match/);
  assert.throws(() => accuracy([0, 1.5], [0, 1]), /accuracy: yTrue must hold integer class labels, got 1.5 at index 1/);
  assert.throws(() => accuracy([0, 1], [0, Number.NaN]), /accuracy: yPred must hold integer class labels, got NaN at index 1/);
  assert.throws(() => accuracy([], []), /accuracy: yTrue is empty; a metric needs at least one sample/);
  assert.throws(() => accuracy('01' as never, [0, 1]), /accuracy: yTrue must be a Tensor, a typed array or an array of numbers, got "01"/);
  assert.throws(() => accuracy([0, '1'] as never, [0, 1]), /accuracy: yTrue\[1\] must be a number, got "1"/);
  assert.throws(
    () => accuracy(tensor([[0.2, 0.8]]), [1]),
    /accuracy: yTrue must be 1-D class labels \(N\), got shape \[1, 2\] \(take argmax over classes first\)/,
  );
  assert.throws(
    () => toScores('rocAuc', 'yScore', [0.1, Number.POSITIVE_INFINITY]),
    /rocAuc: yScore must be finite, got Infinity at index 1/,
  );
  assert.throws(() => toWeights('f1', [1, -2], 2), /f1: sampleWeight must be non-negative, got -2 at index 1/);
  assert.throws(() => toWeights('f1', [1, 2, 3], 2), /f1: sampleWeight has 3 samples but yTrue has 2/);
  assert.throws(
    () => toMatrix('logLoss', 'yProb', [[0.1, 0.9], [1]]),
    /logLoss: yProb\[1\] must be a row of 2 numbers \(as yProb\[0\]\), got 1/,
  );
  assert.throws(() => toMatrix('logLoss', 'yProb', [0.1, 0.9, 0.3], 2), /logLoss: yProb has 3 values, not a multiple of numClasses = 2/);
  assert.throws(() => toMatrix('logLoss', 'yProb', tensor([[[1]]])), /logLoss: yProb must be \(N\) or \(N, K\), got shape \[1, 1, 1\]/);
  assert.throws(() => accuracy([0, 1], [0, 1], { sampleWeight: [0, 0] }), /accuracy: sampleWeight sums to zero/);
});
