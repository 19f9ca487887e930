import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../ops/creation.js';
import { auc } from './area.js';
import { precisionRecallCurve, rocCurve } from './curves.js';
import { averagePrecision, prAuc, rocAuc } from './ranking.js';

/** The plain O(N^2) definition: the (weighted) probability that a positive outscores a negative, ties counting half. */
function pairwiseAuc(y: number[], s: number[], w: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] === 1) continue;
      const pair = w[i] * w[j];
      den += pair;
      num += s[i] > s[j] ? pair : s[i] === s[j] ? pair / 2 : 0;
    }
  }
  return num / den;
}

test('rocAuc equals the pairwise definition (ties and weights included)', () => {
  let seed = 11;
  const r = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let trial = 0; trial < 5; trial++) {
    const n = 300;
    const y = Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
    const s = y.map((v) => Math.round((r() + 0.3 * v) * 20) / 20);
    const w = y.map(() => 0.5 + r());
    assert.ok(Math.abs(rocAuc(y, s) - pairwiseAuc(y, s, Array(n).fill(1))) < 1e-12);
    assert.ok(Math.abs(rocAuc(y, s, { sampleWeight: w }) - pairwiseAuc(y, s, w)) < 1e-12);
  }
});

test('ranking: the documented examples', () => {
  const y = [0, 0, 1, 1];
  const s = [0.1, 0.4, 0.35, 0.8];
  assert.equal(rocAuc(y, s), 0.75);
  assert.ok(Math.abs(averagePrecision(y, s) - 5 / 6) < 1e-15);
  assert.ok(Math.abs(prAuc(y, s) - 0.7916666666666666) < 1e-15);
  assert.ok(Math.abs(auc([0, 0.5, 1], [0, 0.8, 1]) - 0.65) < 1e-15);
  const roc = rocCurve(y, s);
  assert.deepEqual(Array.from(roc.fpr), [0, 0, 0.5, 0.5, 1]);
  assert.deepEqual(Array.from(roc.tpr), [0, 0.5, 0.5, 1, 1]);
  assert.deepEqual(Array.from(roc.thresholds), [1.8, 0.8, 0.4, 0.35, 0.1]);
  const pr = precisionRecallCurve(y, s);
  assert.deepEqual(Array.from(pr.recall), [1, 1, 0.5, 0.5, 0]);
  assert.deepEqual(Array.from(pr.thresholds), [0.1, 0.35, 0.4, 0.8]);
  const probs = [
    [0.8, 0.1, 0.1],
    [0.2, 0.7, 0.1],
    [0.1, 0.3, 0.6],
  ];
  assert.equal(rocAuc([0, 1, 2], probs, { multiClass: 'ovo' }), 1);
  assert.equal(rocAuc(tensor([0, 1, 2], { dtype: 'int32' }), tensor(probs)), 1);
  assert.equal(rocAuc([0, 1, 2], probs.flat(), { numClasses: 3 }), 1);
  assert.deepEqual(rocAuc([0, 1, 2], probs, { average: null }), [1, 1, 1]);
});

test('ranking: tied scores form one point; constant scores give AUC 0.5', () => {
  const roc = rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]);
  assert.deepEqual(Array.from(roc.fpr), [0, 1]);
  assert.deepEqual(Array.from(roc.tpr), [0, 1]);
  assert.equal(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5);
  assert.equal(averagePrecision([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5);
});

test('ranking: one-class data warns (curves) or throws (ROC AUC)', () => {
  const seen: string[] = [];
  const onWarning = (m: string) => seen.push(m);
  const roc = rocCurve([1, 1, 1], [0.2, 0.5, 0.9], { onWarning });
  assert.ok(Number.isNaN(roc.fpr[1]));
  assert.deepEqual(seen, ['rocCurve: no negative samples in yTrue, so false positive rates are undefined (NaN)']);
  const pr = precisionRecallCurve([0, 0], [0.2, 0.5], { onWarning });
  assert.deepEqual(Array.from(pr.recall), [1, 1, 0]);
  assert.match(seen[1], /precisionRecallCurve: no positive class found in yTrue, recall is set to one for all thresholds/);
  assert.throws(
    () => rocAuc([1, 1, 1], [0.2, 0.5, 0.9]),
    /rocAuc: only one class is present in yTrue \(no negatives\); ROC AUC is not defined then/,
  );
});

test('ranking: argument errors say what to change', () => {
  assert.throws(
    () => rocAuc([0, 1, 2], [0.1, 0.5, 0.9]),
    /rocAuc: yTrue holds labels \[0, 1, 2\], not \{0, 1\} or \{-1, 1\}; pass posLabel/,
  );
  assert.throws(
    () => rocCurve([3, 7], [0.1, 0.5], { posLabel: 5 }),
    /rocCurve: posLabel 5 is not a label of yTrue; it should be one of \[3, 7\]/,
  );
  assert.throws(() => rocAuc([0, 1], [0.1, 0.5], { maxFpr: 0 }), /rocAuc: maxFpr must be in \(0, 1\], got 0/);
  assert.throws(() => rocAuc([0, 1], [0.1, Number.NaN]), /rocAuc: yScore must be finite, got NaN at index 1/);
  const probs = [
    [0.5, 0.5],
    [0.7, 0.2],
  ];
  assert.throws(
    () => rocAuc([0, 1], probs),
    /rocAuc: yScore rows must be probabilities summing to 1 for multiclass ROC AUC, but row 1 sums to 0.8999/,
  );
  const ok = [
    [0.5, 0.3, 0.2],
    [0.2, 0.5, 0.3],
  ];
  assert.throws(() => rocAuc([0, 1], ok), /rocAuc: class 2 \(column 2\) never occurs in yTrue, so its one-vs-rest ROC AUC is undefined/);
  assert.throws(() => rocAuc([0, 5], ok), /rocAuc: yTrue\[1\] is 5, not one of the classes \[0, 1, 2\] of yScore's columns; pass labels/);
  assert.throws(() => rocAuc([0, 1], ok, { labels: [0, 1] }), /rocAuc: labels has 2 classes but yScore has 3 columns; they must match/);
  assert.throws(
    () => rocAuc([0, 1], ok, { labels: [2, 1, 0] }),
    /rocAuc: labels must be increasing \(the columns follow the sorted classes\), got \[2, 1, 0\]/,
  );
  assert.throws(
    () => rocAuc([0, 1], ok, { multiClass: 'ovo', sampleWeight: [1, 1] }),
    /rocAuc: sampleWeight is not supported with multiClass 'ovo'/,
  );
  assert.throws(
    () => rocAuc([0, 1], ok, { multiClass: 'ovo', average: 'micro' }),
    /rocAuc: average must be one of "macro", "weighted" with multiClass 'ovo', got "micro"/,
  );
  assert.throws(
    () => rocAuc([0, 1], ok, { maxFpr: 0.5 }),
    /rocAuc: maxFpr \(partial AUC\) is only defined for binary scores \(N\), got yScore of shape \[2, 3\]/,
  );
  assert.throws(() => auc([0, 1, 0.5], [1, 1, 1]), /auc: x is neither increasing nor decreasing/);
});

test('ranking: a million scores', () => {
  const n = 1_000_000;
  const y = new Int32Array(n);
  const s = new Float32Array(n);
  let seed = 5;
  for (let i = 0; i < n; i++) {
    seed = (seed * 16807) % 2147483647;
    y[i] = seed % 10 < 3 ? 1 : 0;
    s[i] = (seed / 2147483647 + y[i] * 0.3) / 1.3;
  }
  const a = rocAuc(y, s);
  const ap = averagePrecision(y, s);
  assert.ok(a > 0.5 && a < 1 && ap > 0.3 && ap < 1);
});
