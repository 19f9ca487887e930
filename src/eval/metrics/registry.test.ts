import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../ops/creation.js';
import { getMetric, METRICS, type MetricArg } from './registry.js';

test('METRICS: every entry is (yTrue, yPred) => number for the input it declares', () => {
  const inputs: Record<string, [MetricArg, MetricArg]> = {
    labels: [
      [0, 1, 1, 0, 1],
      [0, 1, 0, 0, 1],
    ],
    scores: [
      [0, 1, 1, 0, 1],
      [0.2, 0.9, 0.4, 0.3, 0.6],
    ],
    values: [
      [1.5, 2, 3, 4.5, 5],
      [1, 2.5, 3, 4, 6],
    ],
  };
  for (const [name, metric] of Object.entries(METRICS)) {
    const [t, p] = inputs[metric.needs];
    const v = metric(t, p);
    assert.equal(typeof v, 'number', name);
    assert.ok(Number.isFinite(v), `${name} gave ${v}`);
  }
  assert.equal(METRICS.accuracy(...inputs.labels), 0.8);
  assert.equal(METRICS.roc_auc(...inputs.scores), 1);
  assert.equal(METRICS.log_loss.greaterIsBetter, false);
  assert.equal(METRICS.r2.greaterIsBetter, true);
});

test('METRICS: multiclass probabilities as a tensor', () => {
  const yTrue = tensor([0, 1, 2, 2], { dtype: 'int32' });
  const probs = tensor([
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1],
    [0.2, 0.2, 0.6],
    [0.3, 0.4, 0.3],
  ]);
  assert.equal(METRICS.roc_auc(yTrue, probs), getMetric('roc_auc_ovr')(yTrue, probs));
  assert.ok(METRICS.roc_auc_ovo(yTrue, probs) > 0.5);
  assert.ok(METRICS.log_loss(yTrue, probs) > 0);
  assert.equal(METRICS.f1_macro(yTrue, [0, 1, 2, 1]), METRICS.f1_macro([0, 1, 2, 2], [0, 1, 2, 1]));
});

test('getMetric names the known metrics when one is unknown', () => {
  assert.equal(getMetric('mse'), METRICS.mse);
  assert.throws(() => getMetric('f2'), /unknown metric "f2"; known metrics: accuracy, balanced_accuracy, .*, explained_variance/);
  assert.throws(() => getMetric('toString'), /unknown metric "toString"/);
});
