// Gradient clipping by total norm and by value. PyTorch's results on random gradients are checked
// in test/optim_parity.test.ts.
//
// Run: npx tsc -p tsconfig.json && node --test dist/src/optim/

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Tensor, tensor, zeros } from '../index.js';
import { clipGradNorm, clipGradValue } from './index.js';

function withGrads(...grads: (number[] | null)[]): Tensor[] {
  return grads.map((g) => {
    const p = zeros([g?.length ?? 1]).requiresGrad_();
    p.grad = g === null ? null : tensor(g);
    return p;
  });
}
const values = (p: Tensor) => Array.from(p.grad?.toTypedArray() ?? []);
/** The total norm clipGradNorm returns (a scalar tensor), as a number. */
const norm = (t: Tensor): number => {
  assert.deepEqual(t.shape, []);
  return t.item();
};

test('clipGradNorm scales all gradients together to maxNorm and returns the norm before', () => {
  const ps = withGrads([3], [0, 4], null);
  assert.equal(norm(clipGradNorm(ps, 1)), 5);
  const scale = 1 / (5 + 1e-6);
  assert.deepEqual(values(ps[0]), [Math.fround(3 * scale)]);
  assert.deepEqual(values(ps[1]), [0, Math.fround(4 * scale)]);
  assert.equal(ps[2].grad, null);
});

test('clipGradNorm leaves gradients under maxNorm alone and supports other norms', () => {
  const ps = withGrads([3], [0, -4]);
  assert.equal(norm(clipGradNorm(ps, 10)), 5);
  assert.deepEqual(values(ps[1]), [0, -4]);
  assert.equal(norm(clipGradNorm(ps, 10, 1)), 7);
  assert.equal(norm(clipGradNorm(ps[1], 10, Number.POSITIVE_INFINITY)), 4);
  assert.equal(norm(clipGradNorm(withGrads(null), 1)), 0);
});

test('clipGradNorm propagates or refuses a non-finite norm', () => {
  const ps = withGrads([Number.NaN, 1]);
  assert.ok(Number.isNaN(norm(clipGradNorm(ps, 1))));
  assert.throws(
    () => clipGradNorm(withGrads([Number.POSITIVE_INFINITY]), 1, 2, { errorIfNonfinite: true }),
    /clipGradNorm: the total norm of order 2 of the gradients is Infinity, so they cannot be clipped/,
  );
  assert.throws(() => clipGradNorm(ps, -1), /clipGradNorm: maxNorm must be a non-negative number, got -1/);
  assert.throws(() => clipGradNorm(ps, 1, 0), /clipGradNorm: normType must be a positive number or Infinity, got 0/);
  assert.throws(() => clipGradNorm([1] as never, 1), /clipGradNorm: parameter 0 is not a Tensor, got number/);
});

test('clipGradValue clamps every element in place', () => {
  const ps = withGrads([-3, 0.2, 5], null);
  const g = ps[0].grad;
  clipGradValue(ps, 1);
  assert.equal(ps[0].grad, g);
  assert.deepEqual(values(ps[0]), [-1, Math.fround(0.2), 1]);
  assert.throws(() => clipGradValue(ps, -1), /clipGradValue: clipValue must be a non-negative number, got -1/);
});

test('clipping replaces a gradient that is an expanded view instead of writing into it', () => {
  const p = zeros([3]).requiresGrad_();
  const shared = tensor([4]);
  p.grad = shared.expand([3]);
  clipGradValue([p], 1);
  assert.deepEqual(values(p), [1, 1, 1]);
  assert.deepEqual(Array.from(shared.toTypedArray()), [4]);
  p.grad = shared.expand([3]);
  assert.ok(Math.abs(norm(clipGradNorm(p, 1)) - Math.sqrt(48)) < 1e-6); // float32, as PyTorch
  assert.ok(Math.abs(values(p)[0] - 1 / Math.sqrt(3)) < 1e-6);
});
