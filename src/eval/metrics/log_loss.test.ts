import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../ops/creation.js';
import { logLoss } from './log_loss.js';

test('logLoss: binary and multiclass, as documented', () => {
  assert.ok(Math.abs(logLoss([0, 1, 1], [0.1, 0.9, 0.8]) - 0.14462152754328741) < 1e-15);
  const rows = [
    [0.7, 0.2, 0.1],
    [0.1, 0.1, 0.8],
  ];
  assert.ok(Math.abs(logLoss([0, 2], rows) - 0.28990924762647097) < 1e-15);
  assert.ok(Math.abs(logLoss([0, 2], rows.flat(), { numClasses: 3 }) - 0.28990924762647097) < 1e-15);
  assert.ok(Math.abs(logLoss([5, 9], rows, { labels: [5, 7, 9] }) - 0.28990924762647097) < 1e-15);
});

test("logLoss: eps 'auto' is the input's machine epsilon, as scikit-learn 1.2", () => {
  // a confident wrong prediction: the loss is -log(eps)
  assert.ok(Math.abs(logLoss([1], Float64Array.of(0)) - -Math.log(2 ** -52)) < 1e-12);
  assert.ok(Math.abs(logLoss([1], Float32Array.of(0)) - -Math.log(2 ** -23)) < 1e-12);
  assert.ok(Math.abs(logLoss([1], tensor([0])) - -Math.log(2 ** -23)) < 1e-12, 'float32 tensors too');
  assert.ok(Math.abs(logLoss([1], [0], { eps: 1e-3 }) - -Math.log(1e-3)) < 1e-12);
});

test('logLoss: errors name the argument and the bad value', () => {
  assert.throws(() => logLoss([0, 2], [0.1, 0.9]), /logLoss: yTrue\[1\] is 2, not one of the classes \[0, 1\]; pass labels/);
  assert.throws(() => logLoss([0, 1], [0.1, Number.NaN]), /logLoss: yProb must be finite, got NaN at index 1/);
  assert.throws(
    () =>
      logLoss(
        [0, 1],
        [
          [0.1, 0.9],
          [Number.POSITIVE_INFINITY, 0],
        ],
      ),
    /logLoss: yProb must be finite, got Infinity at index 2/,
  );
  assert.throws(
    () => logLoss([0, 1], [0.1, 0.9], { labels: [0, 1, 2] }),
    /logLoss: labels has 3 classes but yProb \(N\) scores two; they must match/,
  );
  assert.throws(() => logLoss([0], [[0.5, 0.5]], { labels: [1, 0] }), /logLoss: labels must be increasing/);
  assert.throws(() => logLoss([0, 1], [0.1, 0.9], { eps: 0.7 }), /logLoss: eps must be 'auto' or a number in \[0, 0.5\), got 0.7/);
  assert.throws(() => logLoss([0, 1, 0], [[0.5, 0.5]]), /logLoss: yProb has 1 samples but yTrue has 3; they must match/);
});
