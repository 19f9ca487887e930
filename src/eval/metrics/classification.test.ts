import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../ops/creation.js';
import { cohenKappa, matthewsCorrcoef } from './agreement.js';
import { accuracy, balancedAccuracy, f1, fBeta, precision, recall } from './classification.js';
import { confusionMatrix } from './confusion.js';
import { precisionRecallFscoreSupport } from './prf.js';

test('classification: the documented examples', () => {
  assert.equal(accuracy([0, 1, 2, 3], [0, 2, 1, 3]), 0.5);
  assert.equal(accuracy([0, 1, 2, 3], [0, 2, 1, 3], { normalize: false }), 2);
  assert.equal(accuracy([0, 1, 1], [0, 1, 0], { sampleWeight: [1, 2, 1] }), 0.75);
  assert.equal(balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]), 0.625);
  assert.equal(precision([0, 1, 1, 0], [1, 1, 0, 0]), 0.5);
  assert.deepEqual(precision([0, 1, 2], [0, 2, 2], { average: null, onWarning: () => {} }), [1, 0, 0.5]);
  assert.equal(recall([0, 1, 2, 2], [0, 2, 2, 1], { average: 'macro' }), 0.5);
  assert.equal(f1([0, 1, 1, 0], [1, 1, 0, 0]), 0.5);
  assert.ok(Math.abs(fBeta([0, 1, 1, 0], [1, 1, 1, 0], 2) - 0.9090909090909091) < 1e-15);
  assert.ok(Math.abs(precisionRecallFscoreSupport([0, 1, 2, 0], [0, 2, 1, 0], { average: 'macro' }).fScore - 1 / 3) < 1e-15);
  assert.deepEqual(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]), [
    [2, 0, 0],
    [0, 0, 1],
    [1, 0, 2],
  ]);
  assert.ok(Math.abs(matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1]) + 1 / 3) < 1e-15);
  assert.ok(Math.abs(cohenKappa([0, 1, 2, 2], [0, 1, 2, 1]) - 0.6363636363636364) < 1e-15);
});

test('classification: tensors of predicted classes and any integer labels', () => {
  const yTrue = tensor([3, 7, 7, 3, 7], { dtype: 'int32' });
  const yPred = tensor([3, 7, 3, 3, 7]); // float32 holding integers
  assert.equal(accuracy(yTrue, yPred), 0.8);
  assert.equal(recall(yTrue, yPred, { posLabel: 7 }), 2 / 3);
  assert.equal(precision([-1, 1, 1], [1, 1, -1]), 0.5);
  assert.deepEqual(confusionMatrix(yTrue, yPred, { labels: [7, 3] }), [
    [2, 1],
    [0, 2],
  ]);
});

test('classification: zeroDivision, its warnings and the special weighted case', () => {
  const seen: string[] = [];
  const onWarning = (m: string) => seen.push(m);
  assert.equal(precision([1, 1], [0, 0], { onWarning }), 0);
  assert.match(
    seen[0],
    /^precision: Precision is ill-defined and being set to 0.0 due to no predicted samples\. Use the zeroDivision option/,
  );
  assert.equal(precision([1, 1], [0, 0], { zeroDivision: 1, onWarning }), 1);
  assert.equal(seen.length, 1, 'an explicit zeroDivision does not warn');
  assert.equal(f1([0, 0], [0, 0], { onWarning }), 0);
  assert.match(seen[1], /^f1: F-score is ill-defined and being set to 0.0 due to no true nor predicted samples/);
  assert.equal(f1([0, 0], [0, 0], { zeroDivision: 1 }), 1);
  assert.deepEqual(recall([0, 1], [0, 2], { average: null, labels: [0, 1, 2], onWarning }), [1, 0, 0]);
  assert.match(seen[2], /Recall is ill-defined and being set to 0.0 in labels with no true samples\. .* \(average null\)$/);
  // weighted over labels that never occur in yTrue
  assert.equal(precision([0, 0], [1, 0], { average: 'weighted', labels: [1], zeroDivision: 1 }), 0);
  assert.equal(recall([0, 0], [1, 0], { average: 'weighted', labels: [1], zeroDivision: 1 }), 1);
});

test('classification: argument errors say what to change', () => {
  assert.throws(
    () => f1([0, 1, 2], [0, 1, 1]),
    /f1: yTrue and yPred hold 3 classes \[0, 1, 2\] but average is 'binary'; choose average 'macro', 'micro', 'weighted' or null/,
  );
  assert.throws(() => f1([3, 7], [3, 7]), /f1: posLabel 1 is not a label of the data; it should be one of \[3, 7\]/);
  assert.throws(
    () => f1([0, 1], [0, 1], { average: 'samples' as never }),
    /f1: average must be 'binary', 'micro', 'macro', 'weighted' or null, got "samples"/,
  );
  assert.throws(() => f1([0, 1], [0, 1], { zeroDivision: 2 as never }), /f1: zeroDivision must be 'warn', 0 or 1, got 2/);
  assert.throws(() => fBeta([0, 1], [0, 1], -1), /fBeta: beta must be >= 0, got -1/);
  assert.throws(() => f1([0, 1], [0, 1], { average: 'macro', labels: [0, 0] }), /f1: labels must not repeat, got 0 twice in \[0, 0\]/);
  assert.throws(() => f1([0, 1], [0, 1], { average: 'macro', labels: [] }), /f1: labels must hold at least one label, got \[\]/);
  assert.throws(
    () => confusionMatrix([0, 1], [0, 1], { labels: [5] }),
    /confusionMatrix: none of labels \[5\] occurs in yTrue; at least one must/,
  );
  assert.throws(
    () => confusionMatrix([0, 1], [0, 1], { normalize: 'rows' as never }),
    /confusionMatrix: normalize must be 'true', 'pred' or 'all', got "rows"/,
  );
  assert.throws(
    () => cohenKappa([0, 1], [0, 1], { weights: 'cubic' as never }),
    /cohenKappa: weights must be 'linear', 'quadratic' or left out, got "cubic"/,
  );
});

test('classification: edge cases', () => {
  assert.equal(matthewsCorrcoef([1, 1, 1], [1, 1, 1]), 0, 'one class: undefined, reported as 0');
  const seen: string[] = [];
  assert.equal(balancedAccuracy([0, 0, 1], [0, 2, 1], { onWarning: (m) => seen.push(m) }), 0.75);
  assert.deepEqual(seen, ['balancedAccuracy: yPred contains classes not in yTrue']);
  assert.equal(balancedAccuracy([0, 1, 0, 1], [0, 0, 0, 0], { adjusted: true }), 0);
  assert.deepEqual(confusionMatrix([0, 0, 1], [1, 1, 1], { normalize: 'pred' }), [
    [0, 2 / 3],
    [0, 1 / 3],
  ]);
  // a large label range goes through a Map instead of a lookup table
  assert.equal(accuracy([0, 2e9, 2e9], [0, 2e9, -2e9]), 2 / 3);
  assert.deepEqual(confusionMatrix([-2e9, 2e9], [-2e9, -2e9]), [
    [1, 0],
    [1, 0],
  ]);
});
