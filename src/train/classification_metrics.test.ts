// Precision, recall and F1 against hand-computed confusion counts: binary (class 1 positive, on
// probabilities or logits) and macro-averaged over the classes that occur.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../index.js';
import { F1Score, Precision, Recall } from './classification_metrics.js';
import type { Metric } from './metrics.js';

const labels = (v: number[]) => tensor(v, { dtype: 'int32' });
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);
const run = (m: Metric, pred: ReturnType<typeof tensor>, y: ReturnType<typeof tensor>) => {
  m.update(pred, y);
  return m.result();
};

// predicted 1 1 0 1 0 1, actual 1 0 1 1 0 0: tp 2, fp 2, fn 1
const probs = tensor([[0.9], [0.8], [0.3], [0.6], [0.1], [0.7]]);
const binary = tensor([1, 0, 1, 1, 0, 0]);

test('binary precision, recall and F1', () => {
  close(run(new Precision(), probs, binary), 2 / 4);
  close(run(new Recall(), probs, binary), 2 / 3);
  close(run(new F1Score(), probs, binary), 4 / 7);
});

test('binary on logits with threshold 0, and streaming over batches', () => {
  const logits = tensor([2.2, 1.4, -0.8, 0.4, -2.2, 0.8]); // the same predictions as probs
  const p = new Precision({ threshold: 0 });
  p.update(logits.slice([0, 2]), labels([1, 0]));
  p.update(logits.slice([2, 6]), labels([1, 1, 0, 0]));
  close(p.result(), 0.5);
});

// predicted 0 1 2 2 1 0, actual 0 1 1 2 2 2
//   class 0: tp 1 fp 1 fn 0;  class 1: tp 1 fp 1 fn 1;  class 2: tp 1 fp 1 fn 2
const onehot = (classes: number[], c: number) => tensor(classes.map((k) => Array.from({ length: c }, (_, j) => (j === k ? 1 : 0))));
const predicted = [0, 1, 2, 2, 1, 0];
const actual = labels([0, 1, 1, 2, 2, 2]);

test('macro precision, recall and F1 over 3 classes', () => {
  close(run(new Precision(), onehot(predicted, 3), actual), (0.5 + 0.5 + 0.5) / 3);
  close(run(new Recall(), onehot(predicted, 3), actual), (1 + 0.5 + 1 / 3) / 3);
  close(run(new F1Score(), onehot(predicted, 3), actual), (2 / 3 + 0.5 + 0.4) / 3);
});

test('macro averages only the classes that occur; ignored targets are skipped', () => {
  close(run(new F1Score(), onehot(predicted, 5), actual), (2 / 3 + 0.5 + 0.4) / 3);
  const f1 = new F1Score();
  f1.update(onehot([...predicted, 1], 3), labels([0, 1, 1, 2, 2, 2, -100]));
  close(f1.result(), (2 / 3 + 0.5 + 0.4) / 3);
});

test('two-column softmax outputs are macro by default, binary on request', () => {
  const pred = onehot([1, 1, 0, 1, 0, 1], 2);
  close(run(new Precision(), pred, binary), (2 / 4 + 1 / 2) / 2); // class 0: tp 1 fp 1
  close(run(new Precision({ average: 'binary' }), tensor([[0.9], [0.8], [0.3], [0.6], [0.1], [0.7]]), binary), 0.5);
  assert.throws(() => new Recall({ average: 'micro' as never }), /'binary' or 'macro'/);
});

test('zero denominators give 0, and reset clears the counts', () => {
  const p = new Precision();
  close(p.result(), 0);
  p.update(tensor([[0.1], [0.2]]), tensor([1, 0])); // nothing predicted positive
  close(p.result(), 0);
  p.reset();
  p.update(probs, binary);
  close(p.result(), 0.5);
});
