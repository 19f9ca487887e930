// Streaming metrics against hand-computed values: accuracy (argmax, one-hot, binary thresholds),
// top-k, MAE, MSE and the running mean; results do not depend on how the data is batched.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Tensor, tensor } from '../index.js';
import { resolveMetric } from './metric_names.js';
import { Accuracy, Mean, MeanAbsoluteError, MeanSquaredError, type Metric, TopKAccuracy } from './metrics.js';

const labels = (v: number[]) => tensor(v, { dtype: 'int32' });
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} != ${b}`);

// argmax per row: 0, 1, 2, 1; targets 0, 2, 2, 0 -> 2 of 4 correct
const scores = tensor([
  [2, 1, 0],
  [0, 3, 1],
  [1, 0, 5],
  [4, 4.5, 0],
]);

test('accuracy: argmax against class indices, one-hot targets and float labels', () => {
  const acc = new Accuracy();
  acc.update(scores, labels([0, 2, 2, 0]));
  assert.equal(acc.result(), 0.5);
  acc.reset();
  acc.update(
    scores,
    tensor([
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 1],
      [1, 0, 0],
    ]),
  );
  assert.equal(acc.result(), 0.5);
  acc.reset();
  acc.update(scores, tensor([0, 2, 2, 0]));
  assert.equal(acc.result(), 0.5);
});

test('accuracy streams: batch by batch equals all at once', () => {
  const acc = new Accuracy();
  acc.update(scores.slice([0, 1]), labels([0]));
  acc.update(scores.slice([1, 4]), labels([2, 2, 0]));
  assert.equal(acc.result(), 0.5);
  assert.equal(new Accuracy().result(), 0, 'no data: 0');
});

test('accuracy on binary outputs thresholds at 0.5, or 0 for logits', () => {
  const acc = new Accuracy();
  acc.update(tensor([[0.9], [0.2], [0.6], [0.4]]), tensor([1, 0, 0, 1])); // predicted 1 0 1 0
  assert.equal(acc.result(), 0.5);
  const logits = new Accuracy({ threshold: 0 });
  logits.update(tensor([-1, 2, 0.5]), labels([0, 1, 0]));
  close(logits.result(), 2 / 3);
  assert.equal((resolveMetric('acc', 0) as Accuracy).threshold, 0, "'acc' after bceWithLogits thresholds at 0");
});

test('accuracy refuses targets that match nothing', () => {
  assert.throws(() => new Accuracy().update(scores, labels([0, 1])), /target shape \[2\] must be \[4\]/);
});

test('top-k accuracy counts the target among the k best (ties count in)', () => {
  const pred = tensor([
    [0.1, 0.5, 0.2, 0.15, 0.05], // class 0 ranks 4th
    [0.3, 0.1, 0.6, 0, 0], // class 0 ranks 2nd
  ]);
  const y = labels([0, 0]);
  const at = (k: number) => {
    const m = new TopKAccuracy(k);
    m.update(pred, y);
    return m.result();
  };
  assert.deepEqual([at(1), at(2), at(3), at(4)], [0, 0.5, 0.5, 1]);
  const tie = new TopKAccuracy(1);
  tie.update(tensor([[1, 1, 0]]), labels([1]));
  assert.equal(tie.result(), 1);
  assert.equal(resolveMetric('top5').name, 'top5');
  assert.throws(() => new TopKAccuracy(0), /positive integer/);
});

test('mae and mse over every element, (N) targets for (N, 1) outputs', () => {
  const pred = tensor([[1], [2], [3]]);
  const y = tensor([1.5, 2, 1]);
  const mae = new MeanAbsoluteError();
  const mse = new MeanSquaredError();
  mae.update(pred, y);
  mse.update(pred, y);
  close(mae.result(), 2.5 / 3);
  close(mse.result(), 4.25 / 3);
  mae.update(tensor([[0]]), tensor([[1]]));
  close(mae.result(), 3.5 / 4);
  assert.throws(() => mse.update(pred, tensor([1, 2])), /does not match/);
});

test('Mean weighs values by their counts', () => {
  const m = new Mean('loss');
  m.add(0.5, 32);
  m.add(0.3, 8);
  close(m.result(), 0.46);
  m.reset();
  assert.equal(m.result(), 0);
});

test('metrics by name, and clear errors for unknown ones', () => {
  const names = ['accuracy', 'acc', 'top5', 'top3', 'precision', 'recall', 'f1', 'mae', 'mse'];
  assert.deepEqual(
    names.map((n) => resolveMetric(n).name),
    names,
  );
  assert.throws(() => resolveMetric('auc'), /unknown metric 'auc'.*accuracy/);
  const custom = { name: 'zero', update(_p: Tensor, _t: Tensor) {}, result: () => 0, reset() {} };
  assert.equal(resolveMetric(custom), custom);
  assert.throws(() => resolveMetric({ name: 'x' } as never), /update, result and reset/);
});

test('update leaves the counts on the device and flush reads them with data(): no synchronous read, same values as result() alone', async () => {
  const target = labels([0, 2, 2, 0]);
  const cases: [Metric, Tensor][] = [
    [new Accuracy(), target],
    [
      new MeanSquaredError(),
      tensor([
        [1, 1, 1],
        [0, 0, 0],
        [2, 2, 2],
        [3, 3, 3],
      ]),
    ],
    [
      new MeanAbsoluteError(),
      tensor([
        [1, 1, 1],
        [0, 0, 0],
        [2, 2, 2],
        [3, 3, 3],
      ]),
    ],
    [resolveMetric('f1'), target],
  ];
  const metrics = cases.map(([m]) => m);
  for (const [m, t] of cases) m.update(scores, t);
  const unflushed = metrics.map((m) => m.result()); // synchronous read of the pending batch
  for (const m of metrics) m.reset();
  // synchronous reads refused (as on a GPU) from here: update queues, flush reads with data()
  // (TopKAccuracy is left out: its gather checks the indices with a synchronous read inside the op)
  const proto = Object.getPrototypeOf(scores) as { toTypedArray(): unknown; item(): number; data(): Promise<unknown> };
  const original = Object.getOwnPropertyDescriptors(proto);
  const read = original.toTypedArray.value as () => unknown;
  proto.toTypedArray = () => assert.fail('a synchronous read');
  proto.item = () => assert.fail('a synchronous read');
  proto.data = function (this: Tensor) {
    return Promise.resolve(read.call(this));
  };
  try {
    for (const [m, t] of cases) m.update(scores, t);
    await Promise.all(metrics.map((m) => m.flush?.()));
    assert.deepEqual(
      metrics.map((m) => m.result()),
      unflushed,
    );
    assert.deepEqual(metrics[0].stateDict?.(), { num: 2, den: 4 });
  } finally {
    for (const name of ['toTypedArray', 'item', 'data']) Object.defineProperty(proto, name, original[name]);
  }
});
