// Losses by name: the same values as src/nn's functions, Keras' class weighting
// (sum of w_i * loss_i over N), target conversions, and clear errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryCrossEntropyWithLogits, crossEntropy, klDiv, logSoftmax, mseLoss, softmax, tensor } from '../index.js';
import { classWeightTable, LOSS_NAMES, resolveLoss } from './losses.js';

const labels = (v: number[]) => tensor(v, { dtype: 'int32' });
const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) < tol, `${a} != ${b}`);
const logits = tensor([
  [1, 2, 0.5],
  [0.3, -1, 2],
  [2, 0, 0],
]);
const y = labels([1, 2, 0]);

test('every name resolves, and gives the nn function value', () => {
  for (const name of LOSS_NAMES) assert.equal(resolveLoss(name).name, name);
  close(resolveLoss('crossEntropy').compute(logits, y).item(), crossEntropy(logits, y).item());
  close(resolveLoss('cross_entropy').compute(logits, y).item(), crossEntropy(logits, y).item());
  close(resolveLoss('nll').compute(logSoftmax(logits, 1), y).item(), crossEntropy(logits, y).item());
  const p = tensor([[0.5], [2]]);
  close(
    resolveLoss('mse')
      .compute(p, tensor([1, 1]))
      .item(),
    mseLoss(p, tensor([[1], [1]])).item(),
  ); // (N) targets for (N, 1)
  const target = softmax(
    tensor([
      [0, 1, 2],
      [1, 1, 1],
    ]),
    1,
  );
  const input = logSoftmax(logits.slice([0, 2]), 1);
  close(resolveLoss('kl').compute(input, target).item(), klDiv(input, target, { reduction: 'batchmean' }).item());
});

test('float class labels become int32 for crossEntropy', () => {
  close(
    resolveLoss('crossEntropy')
      .compute(logits, tensor([1, 2, 0]))
      .item(),
    crossEntropy(logits, y).item(),
  );
});

test('class weights: sum(w_i * loss_i) / N with w from the target class', () => {
  const loss = resolveLoss('crossEntropy');
  const table = classWeightTable({ 0: 3, 2: 0.5 }, 3);
  assert.deepEqual(table.toArray(), [3, 1, 0.5]);
  const w = loss.classWeights(table, logits, y);
  assert.deepEqual(w.toArray(), [1, 0.5, 3]);
  const each = crossEntropy(logits, y, { reduction: 'none' }).toArray() as number[];
  close(loss.compute(logits, y, w).item(), (each[0] * 1 + each[1] * 0.5 + each[2] * 3) / 3);
});

test('class weights of binary targets follow the 0/1 label', () => {
  const loss = resolveLoss('bceWithLogits');
  assert.equal(loss.binaryThreshold, 0);
  const pred = tensor([[0.2], [-1], [3]]);
  const t = tensor([1, 0, 1]);
  const w = loss.classWeights(classWeightTable([1, 4], 2), pred, t);
  assert.deepEqual(w.toArray(), [4, 1, 4]);
  const each = binaryCrossEntropyWithLogits(pred, tensor([[1], [0], [1]]), { reduction: 'none' }).toArray() as number[][];
  close(loss.compute(pred, t, w).item(), (4 * each[0][0] + each[1][0] + 4 * each[2][0]) / 3);
});

test('clear errors: unknown names, weights with custom losses, bad class weights', () => {
  assert.throws(() => resolveLoss('hinge'), /unknown loss 'hinge'.*crossEntropy/);
  const custom = resolveLoss((p, t) => mseLoss(p, t));
  assert.equal(custom.name, 'custom');
  assert.throws(() => custom.compute(tensor([1]), tensor([1]), tensor([1])), /need a loss given by name/);
  assert.throws(() => resolveLoss((p) => p).compute(tensor([1, 2]), tensor([1, 2])), /must return a scalar/);
  assert.throws(() => classWeightTable({ 1: -1 }, 2), /classWeight\[1\] must be a number >= 0/);
  assert.throws(() => resolveLoss('crossEntropy').compute(logits, labels([1, 2])), /target/);
});
