// Elementwise semantics pinned against PyTorch: rounding, NaN propagation, activations' values,
// conventions for gradients at kinks, where/maskedFill/clamp.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  abs,
  clamp,
  div,
  elu,
  gelu,
  isNaN,
  leakyRelu,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  maskedFill,
  maximum,
  minimum,
  pow,
  relu,
  round,
  sigmoid,
  silu,
  softplus,
  tensor,
  where,
  zeros,
} from '../index.js';

const values = (t: { toTypedArray(): ArrayLike<number> }) => Array.from(t.toTypedArray());
const closeAll = (got: number[], want: number[], tol = 1e-6) => {
  got.forEach((g, i) => {
    assert.ok(Math.abs(g - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `[${i}]: ${g} vs ${want[i]}`);
  });
};

test('round is half to even; floor/ceil as usual', () => {
  const x = tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6, -2.6]);
  assert.deepEqual(
    values(round(x)).map((v) => v + 0),
    [-2, -2, 0, 0, 2, 2, 3, -3],
  );
  assert.deepEqual(values(x.floor()), [-3, -2, -1, 0, 1, 2, 2, -3]);
  assert.deepEqual(
    values(x.ceil()).map((v) => v + 0),
    [-2, -1, 0, 1, 2, 3, 3, -2],
  );
});

test('NaN propagates through minimum, maximum and clamp; isNaN finds it', () => {
  const x = tensor([Number.NaN, 1, -1]);
  assert.ok(Number.isNaN(values(minimum(x, 0))[0]));
  assert.ok(Number.isNaN(values(maximum(0, x))[0]));
  assert.ok(Number.isNaN(values(clamp(x, -0.5, 0.5))[0]));
  assert.deepEqual(values(clamp(x, -0.5, 0.5)).slice(1), [0.5, -0.5]);
  assert.deepEqual(isNaN(x).toArray(), [true, false, false]);
});

test('division by zero gives infinities and NaN', () => {
  assert.deepEqual(values(div(tensor([1, -1, 0]), 0)).map(String), ['Infinity', '-Infinity', 'NaN']);
});

test('activation values match PyTorch', () => {
  const x = tensor([-1, 0, 1]);
  closeAll(values(gelu(x)), [-0.15865525393145707, 0, 0.8413447460685429]);
  closeAll(values(silu(x)), [-0.2689414213699951, 0, 0.7310585786300049]);
  closeAll(values(elu(x, 1.5)), [1.5 * Math.expm1(-1), 0, 1]);
  closeAll(values(leakyRelu(x, 0.1)), [-0.1, 0, 1]);
  closeAll(values(softplus(tensor([0, 30, -30]))), [Math.LN2, 30, Math.exp(-30)]);
  assert.deepEqual(values(sigmoid(tensor([-1000, 1000]))), [0, 1]);
});

test('gradients at kinks follow PyTorch: relu and abs have gradient 0 at 0', () => {
  const x = tensor([-1, 0, 2], { requiresGrad: true });
  relu(x).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [0, 0, 1]);
  const y = tensor([-1, 0, 2], { requiresGrad: true });
  abs(y).sum().backward();
  assert.deepEqual(y.grad?.toArray(), [-1, 0, 1]);
});

test('minimum/maximum split the gradient evenly on ties', () => {
  const a = tensor([1, 2, 3], { requiresGrad: true });
  const b = tensor([3, 2, 1], { requiresGrad: true });
  maximum(a, b).sum().backward();
  assert.deepEqual(a.grad?.toArray(), [0, 0.5, 1]);
  assert.deepEqual(b.grad?.toArray(), [1, 0.5, 0]);
});

test('pow: d/db of 0 ** b is 0, and sign sits in the graph with a zero gradient', () => {
  const a = tensor([0, 2], { requiresGrad: true });
  const b = tensor([2, 3], { requiresGrad: true });
  pow(a, b).sum().backward();
  assert.deepEqual(a.grad?.toArray(), [0, 12]);
  closeAll(values(b.grad ?? tensor([])), [0, 8 * Math.LN2]);
  const x = tensor([-2, 3], { requiresGrad: true });
  x.sign().mul(x).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [-1, 1]);
});

test('where and maskedFill broadcast; the condition must be bool', () => {
  const c = tensor([[true], [false]]);
  assert.deepEqual(where(c, tensor([1, 2]), -1).toArray(), [
    [1, 2],
    [-1, -1],
  ]);
  assert.deepEqual(
    maskedFill(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([true, false]),
      0,
    ).toArray(),
    [
      [0, 2],
      [0, 4],
    ],
  );
  assert.equal(maskedFill(tensor([1, 2], { dtype: 'int32' }), tensor([true, false]), 7.9).dtype, 'int32');
});

test('logical ops take bool and numbers (nonzero is true)', () => {
  const p = tensor([true, true, false, false]);
  const q = tensor([true, false, true, false]);
  assert.deepEqual(logicalAnd(p, q).toArray(), [true, false, false, false]);
  assert.deepEqual(logicalOr(p, q).toArray(), [true, true, true, false]);
  assert.deepEqual(logicalXor(p, q).toArray(), [false, true, true, false]);
  assert.deepEqual(logicalNot(tensor([0, 2, -1])).toArray(), [true, false, false]);
});

test('clamp with one bound, and its gradient passes only where not clipped', () => {
  const x = tensor([-2, 0.5, 3], { requiresGrad: true });
  assert.deepEqual(clamp(x, 0).toArray(), [0, 0.5, 3]);
  assert.deepEqual(clamp(x, null, 1).toArray(), [-2, 0.5, 1]);
  clamp(x, -1, 1).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [0, 1, 0]);
});

test('maskedFill refuses a mask that does not broadcast to the input shape, like PyTorch (it returned the larger shape)', () => {
  assert.throws(
    () => maskedFill(zeros([3]), tensor([[true, false, true]]).expand([2, 3]), 1),
    /^RangeError: maskedFill: mask of shape \[2, 3\] cannot be broadcast to the input's shape \[3\]$/,
  );
  assert.deepEqual(maskedFill(zeros([2, 3]), tensor([true, false, true]), 1).toArray(), [
    [1, 0, 1],
    [1, 0, 1],
  ]);
});
