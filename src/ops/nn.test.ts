// softmax, logSoftmax, dropout and crossEntropy values pinned against PyTorch's definitions.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  crossEntropy,
  dropout,
  getDefaultDevice,
  listDevices,
  logSoftmax,
  manualSeed,
  nllLoss,
  ones,
  setDefaultDevice,
  softmax,
  sum,
  tensor,
} from '../index.js';

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} is not close to ${b}`);
const int = (v: number[]) => tensor(v, { dtype: 'int32' });
// -log softmax([1, 2, 3])
const NLL = [2.4076059644443806, 1.4076059644443806, 0.40760596444438063];

test('softmax sums to 1 along its dim; logSoftmax is stable for large logits', () => {
  const x = tensor([
    [1, 2, 3],
    [1000, 1000, 1000],
  ]);
  for (const v of sum(softmax(x), 1).toArray() as number[]) close(v, 1);
  for (const v of sum(softmax(x, 0), 0).toArray() as number[]) close(v, 1);
  const l = logSoftmax(tensor([1000, 0])).toArray() as number[];
  assert.equal(l[0], 0);
  assert.equal(l[1], -1000);
});

test('crossEntropy with class indices: mean, sum, none', () => {
  const x = tensor([
    [1, 2, 3],
    [0, 0, 0],
  ]);
  const t = int([2, 0]);
  close(crossEntropy(x, t).item(), (NLL[2] + Math.log(3)) / 2);
  close(crossEntropy(x, t, { reduction: 'sum' }).item(), NLL[2] + Math.log(3));
  const none = crossEntropy(x, t, { reduction: 'none' });
  assert.deepEqual(none.shape, [2]);
  close((none.toArray() as number[])[1], Math.log(3));
});

test('crossEntropy weight gives a weighted mean', () => {
  const x = tensor([
    [1, 2, 3],
    [1, 2, 3],
  ]);
  close(crossEntropy(x, int([0, 2]), { weight: tensor([1, 1, 2]) }).item(), (NLL[0] + 2 * NLL[2]) / 3);
});

test('crossEntropy labelSmoothing mixes in the uniform distribution', () => {
  const x = tensor([[1, 2, 3]]);
  const mean = (NLL[0] + NLL[1] + NLL[2]) / 3;
  close(crossEntropy(x, int([2]), { labelSmoothing: 0.1 }).item(), 0.9 * NLL[2] + 0.1 * mean);
});

test('crossEntropy ignoreIndex rows add no loss, no gradient and do not count in the mean', () => {
  const x = tensor(
    [
      [1, 2, 3],
      [0, 5, 0],
    ],
    { requiresGrad: true },
  );
  const loss = crossEntropy(x, int([2, -100]));
  close(loss.item(), NLL[2]);
  loss.backward();
  assert.ok(x.grad);
  assert.deepEqual((x.grad.toArray() as number[][])[1], [0, 0, 0]);
  close(crossEntropy(x, int([2, 1]), { ignoreIndex: 1 }).item(), NLL[2]);
});

test('crossEntropy with one-hot probabilities equals class indices; (N, C, d) layout', () => {
  const x = tensor([
    [1, 2, 3],
    [3, 1, 0],
  ]);
  close(
    crossEntropy(
      x,
      tensor([
        [0, 0, 1],
        [1, 0, 0],
      ]),
    ).item(),
    crossEntropy(x, int([2, 0])).item(),
  );
  const x3 = tensor([
    [
      [1, 3],
      [2, 1],
      [3, 0],
    ],
  ]); // (N=1, C=3, d=2): column k holds row k of x
  close(crossEntropy(x3, tensor([[2, 0]], { dtype: 'int32' })).item(), crossEntropy(x, int([2, 0])).item());
  assert.deepEqual(crossEntropy(x3, tensor([[2, 0]], { dtype: 'int32' }), { reduction: 'none' }).shape, [1, 2]);
});

test('crossEntropy gradient is (softmax - onehot) / N', () => {
  const x = tensor([[0, 0]], { requiresGrad: true });
  crossEntropy(x, int([1])).backward();
  assert.deepEqual(x.grad?.toArray(), [[0.5, -0.5]]);
});

test('dropout scales kept values by 1 / (1 - p) and is the identity when not training', () => {
  const x = ones([1000]);
  assert.equal(dropout(x, 0.3, false), x);
  assert.equal(dropout(x, 0), x);
  manualSeed(0);
  const y = dropout(x, 0.25).toTypedArray();
  const kept = y.filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6));
  assert.ok(Math.abs(kept.length / 1000 - 0.75) < 0.05);
  assert.deepEqual(Array.from(dropout(tensor([1, 2]), 1).toTypedArray()), [0, 0]);
});

test('logSoftmax keeps small log-probabilities next to a large max, on every backend: (x - max) - log(sum)', () => {
  // exact values for the float32 inputs 1000 and 994.70001220703125 (float64 math)
  const d = Math.fround(994.7) - 1000;
  const want = [-Math.log1p(Math.exp(d)), d - Math.log1p(Math.exp(d))];
  const prev = getDefaultDevice();
  try {
    for (const b of listDevices()) {
      setDefaultDevice(b);
      // before the fix, wasm gave [-0.0050048828, -5.3049927]: x - (max + log(sum)) rounded at 1000's float32 step
      const got = logSoftmax(tensor([[1000, 994.7]])).toArray() as number[][];
      for (const [i, v] of got[0].entries()) close(v, want[i], 1e-6);
      const wide = tensor([Array.from({ length: 19 }, (_, i) => 1000 - i * 0.37)]); // SIMD body and tail
      const ref = (wide.toArray() as number[][])[0];
      const lse = 1000 + Math.log(ref.reduce((a, v) => a + Math.exp(v - 1000), 0));
      for (const [i, v] of (logSoftmax(wide).toArray() as number[][])[0].entries()) close(v, ref[i] - lse, 2e-6);
      // crossEntropy is fused with the same kernel
      close(crossEntropy(tensor([[1000, 994.7]]), int([0])).item(), -want[0], 1e-5);
    }
  } finally {
    setDefaultDevice(prev);
  }
});

test('crossEntropy and nllLoss refuse negative and too large targets and a fractional ignoreIndex, naming the valid range', () => {
  const x = tensor([
    [1, 2, 3],
    [0, 0, 0],
  ]);
  assert.throws(
    () => crossEntropy(x, int([-1, 0])),
    /^RangeError: crossEntropy: target -1 is out of range for 3 classes \(row 0; valid: 0 to 2, or ignoreIndex -100\)$/,
  );
  assert.throws(
    () => nllLoss(logSoftmax(x), int([0, 3])),
    /^RangeError: nllLoss: target 3 is out of range for 3 classes \(element 1; valid: 0 to 2, or ignoreIndex -100\)$/,
  );
  assert.throws(
    () => crossEntropy(x, int([0, 0]), { ignoreIndex: 0.5 }),
    /^TypeError: crossEntropy: ignoreIndex must be an integer, got 0\.5$/,
  );
  assert.throws(
    () => nllLoss(logSoftmax(x), int([0, 0]), { ignoreIndex: Number.NaN }),
    /^TypeError: nllLoss: ignoreIndex must be an integer, got NaN$/,
  );
  // an ignored target may lie outside the classes, as in PyTorch
  close(crossEntropy(x, int([-1, 2]), { ignoreIndex: -1 }).item(), Math.log(3));
});
