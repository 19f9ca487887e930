import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestThreshold, thresholdForPrecision, thresholdForRecall } from './thresholds.js';

const y = [0, 0, 1, 1];
const s = [0.1, 0.4, 0.35, 0.8];

test('bestThreshold maximises F1 (or F-beta, or Youden J) over the distinct scores', () => {
  const best = bestThreshold(y, s);
  assert.equal(best.threshold, 0.35);
  assert.equal(best.recall, 1);
  assert.ok(Math.abs(best.precision - 2 / 3) < 1e-15 && Math.abs(best.score - 0.8) < 1e-15);
  // F0.5 favours precision: flagging only 0.8 gives precision 1, recall 0.5
  assert.equal(bestThreshold(y, s, { metric: 'fbeta', beta: 0.5 }).threshold, 0.8);
  const j = bestThreshold(y, s, { metric: 'youden' });
  assert.equal(j.threshold, 0.8, 'ties (J = 0.5 at 0.8 and 0.35) keep the highest threshold');
  assert.equal(j.score, 0.5);
});

test('thresholdForPrecision and thresholdForRecall', () => {
  const p = thresholdForPrecision(y, s, 0.6);
  assert.deepEqual(p && [p.threshold, p.recall], [0.35, 1]);
  assert.equal(thresholdForPrecision([0, 1], [0.9, 0.1], 0.9), null, 'no threshold reaches the precision');
  const r = thresholdForRecall(y, s, 0.5);
  assert.deepEqual([r.threshold, r.precision, r.recall, r.fpr], [0.8, 1, 0.5, 0]);
  assert.equal(thresholdForRecall(y, s, 1).threshold, 0.35);
});

test('threshold errors say what to change', () => {
  assert.throws(() => bestThreshold([0, 0], [0.1, 0.2]), /bestThreshold: yTrue holds no positive samples, so no threshold can find any/);
  assert.throws(
    () => bestThreshold(y, s, { metric: 'accuracy' as never }),
    /bestThreshold: metric must be 'f1', 'fbeta' or 'youden', got "accuracy"/,
  );
  assert.throws(() => bestThreshold(y, s, { metric: 'fbeta', beta: 0 }), /bestThreshold: beta must be a positive number, got 0/);
  assert.throws(() => thresholdForRecall(y, s, 1.5), /thresholdForRecall: minRecall must be in \[0, 1\], got 1.5/);
});
