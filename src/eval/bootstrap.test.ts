// bootstrapIndices and bootstrapCI: resampling with replacement (stratified too), intervals that
// cover the true value about as often as they claim and have the expected width, undefined
// resamples skipped and counted or refused, numpy's quantiles.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';
import { bootstrapCI, bootstrapIndices, quantile } from './bootstrap.js';
import type { Predictions } from './predictions.js';

const accuracy = (y: Float64Array, p: Predictions) => y.reduce((s, v, i) => s + (v === (p as Float64Array)[i] ? 1 : 0), 0) / y.length;

/** Mean score of the positives minus that of the negatives: NaN without both classes (like ROC-AUC). */
const separation = (y: Float64Array, p: Predictions) => {
  const q = p as Float64Array;
  const pos = [...y.keys()].filter((i) => y[i] === 1);
  const neg = [...y.keys()].filter((i) => y[i] === 0);
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  return pos.reduce((s, i) => s + q[i], 0) / pos.length - neg.reduce((s, i) => s + q[i], 0) / neg.length;
};

test('bootstrapIndices: reproducible; stratified resamples keep class counts', () => {
  assert.deepEqual(bootstrapIndices(50, { seed: 1 }), bootstrapIndices(50, { seed: 1 }));
  assert.notDeepEqual(bootstrapIndices(50, { seed: 1 }).inBag, bootstrapIndices(50, { seed: 2 }).inBag);
  const y = Array.from({ length: 40 }, (_, i) => (i < 30 ? 'a' : 'b'));
  for (let seed = 0; seed < 10; seed++) {
    const { inBag, outOfBag } = bootstrapIndices(40, { seed, stratify: y });
    assert.equal([...inBag].filter((r) => y[r] === 'b').length, 10);
    assert.ok(inBag.every((v, i) => i === 0 || inBag[i - 1] <= v));
    assert.ok(outOfBag.every((r) => !inBag.includes(r)));
  }
  assert.throws(() => bootstrapIndices(0), /bootstrapIndices: n must be a positive integer, got 0/);
  assert.throws(() => bootstrapIndices(3, { stratify: [0, 1] }), /stratify has 2 labels for n=3 rows/);
});

test('percentile intervals cover the true accuracy about 95% of the time, with the expected width', () => {
  const g = new Generator(2024);
  const n = 200;
  const p = 0.8;
  let covered = 0;
  let width = 0;
  const trials = 200;
  for (let t = 0; t < trials; t++) {
    const y = Float64Array.from({ length: n }, () => g.int(0, 2));
    const pred = Float64Array.from(y, (v) => (g.uniform() < p ? v : 1 - v));
    const ci = bootstrapCI(y, pred, accuracy, { nResamples: 300, seed: t });
    if (ci.low <= p && p <= ci.high) covered++;
    width += (ci.high - ci.low) / trials;
    assert.ok(ci.low <= ci.estimate && ci.estimate <= ci.high);
  }
  assert.ok(covered / trials > 0.9 && covered / trials < 0.99, `coverage ${covered / trials}`);
  const normalWidth = 2 * 1.96 * Math.sqrt((p * (1 - p)) / n); // 0.111
  assert.ok(Math.abs(width / normalWidth - 1) < 0.15, `mean width ${width}, normal approximation ${normalWidth}`);
});

test('basic intervals reflect the percentile ones about the estimate; tensors work as predictions', () => {
  const y = Float64Array.from({ length: 60 }, (_, i) => i % 2);
  const pred = Float64Array.from(y, (v, i) => (i % 7 === 0 ? 1 - v : v));
  const pc = bootstrapCI(y, pred, accuracy, { nResamples: 200, seed: 3 });
  const basic = bootstrapCI(y, pred, accuracy, { nResamples: 200, seed: 3, method: 'basic' });
  assert.ok(Math.abs(basic.low - (2 * pc.estimate - pc.high)) < 1e-12);
  assert.ok(Math.abs(basic.high - (2 * pc.estimate - pc.low)) < 1e-12);
  assert.deepEqual(basic.samples, pc.samples);
  const onTensor = (t: Float64Array, p: Predictions) => accuracy(t, Float64Array.from((p as Tensor).toTypedArray()));
  const rowsAsTensor = bootstrapCI(tensor([...y]), tensor([...pred]), onTensor, { nResamples: 200, seed: 3 });
  assert.deepEqual(rowsAsTensor.samples, pc.samples);
});

test('resamples where the metric is undefined are skipped and counted; too many is an error; stratify avoids them', () => {
  const y = Float64Array.from({ length: 30 }, (_, i) => (i < 1 ? 1 : 0)); // 1 positive
  const score = Float64Array.from(y, (v, i) => v + 0.01 * i);
  assert.throws(
    () => bootstrapCI(y, score, separation, { nResamples: 200, seed: 0 }),
    /the metric was undefined on \d+ of 200 resamples \(it returned NaN\), more than maxSkippedFraction=0.1; pass stratify: true/,
  );
  const loose = bootstrapCI(y, score, separation, { nResamples: 200, seed: 0, maxSkippedFraction: 0.5 });
  assert.ok(loose.skipped > 50 && loose.skipped < 95, `skipped ${loose.skipped}`); // (29/30)^30 ~ 36% lack the positive
  assert.equal(loose.samples.length, 200 - loose.skipped);
  const strat = bootstrapCI(y, score, separation, { nResamples: 200, seed: 0, stratify: true });
  assert.equal(strat.skipped, 0);
  const throwing = (t: Float64Array, p: Predictions) => {
    const v = separation(t, p);
    if (Number.isNaN(v)) throw new Error('only one class present');
    return v;
  };
  assert.throws(() => bootstrapCI(y, score, throwing, { nResamples: 100, seed: 0 }), /first error: only one class present/);
  assert.throws(
    () => bootstrapCI(Float64Array.of(0, 0), Float64Array.of(1, 2), throwing),
    /the metric failed on all rows: only one class present/,
  );
  assert.throws(() => bootstrapCI(Float64Array.of(0, 0), Float64Array.of(1, 2), separation), /the metric is NaN on all rows/);
});

test('quantile interpolates linearly as numpy does; argument errors', () => {
  const v = Float64Array.of(1, 2, 3, 4);
  assert.equal(quantile(v, 0.5), 2.5);
  assert.equal(quantile(v, 0.025), 1.075);
  assert.equal(quantile(v, 1), 4);
  const y = Float64Array.of(0, 1);
  assert.throws(() => bootstrapCI(y, y, accuracy, { confidence: 95 }), /confidence must be in \(0, 1\), got 95/);
  assert.throws(() => bootstrapCI(y, y, accuracy, { nResamples: 0 }), /nResamples must be a positive integer, got 0/);
  assert.throws(() => bootstrapCI(y, Float64Array.of(1), accuracy), /got 1 predictions for 2 test rows/);
});
