// matmul semantics pinned: values, NumPy's 1-D and batch-broadcast shape rules, transposed
// operands, empty inner dims.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, dot, matmul, outer, tensor, zeros } from '../index.js';

test('matmul values', () => {
  assert.deepEqual(
    matmul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([
        [5, 6],
        [7, 8],
      ]),
    ).toArray(),
    [
      [19, 22],
      [43, 50],
    ],
  );
  assert.equal(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(), 32);
  assert.deepEqual(outer(tensor([1, 2]), tensor([3, 4, 5])).toArray(), [
    [3, 4, 5],
    [6, 8, 10],
  ]);
});

test('matmul shape rules for 1-D and batched operands', () => {
  const shape = (a: number[], b: number[]) => matmul(zeros(a), zeros(b)).shape;
  assert.deepEqual(shape([3], [3]), []);
  assert.deepEqual(shape([3], [3, 2]), [2]);
  assert.deepEqual(shape([2, 3], [3]), [2]);
  assert.deepEqual(shape([3], [5, 3, 2]), [5, 2]);
  assert.deepEqual(shape([5, 2, 3], [3]), [5, 2]);
  assert.deepEqual(shape([4, 1, 2, 3], [5, 3, 2]), [4, 5, 2, 2]);
  assert.deepEqual(shape([0, 3], [3, 2]), [0, 2]);
});

test('transposed and sliced operands give the same result as contiguous copies', () => {
  const a = arange(12).reshape([3, 4]);
  const b = arange(8).reshape([2, 4]);
  const want = matmul(a, b.T.contiguous()).toArray();
  assert.deepEqual(matmul(a, b.T).toArray(), want);
  assert.deepEqual(matmul(a.T.contiguous().T, b.T).toArray(), want);
  const wide = arange(24).reshape([3, 8]);
  assert.deepEqual(
    matmul(wide.slice(null, [null, null, 2]), b.T).toArray(),
    matmul(wide.slice(null, [null, null, 2]).contiguous(), b.T).toArray(),
  );
});

test('an empty inner dim gives zeros', () => {
  assert.deepEqual(matmul(zeros([2, 0]), zeros([0, 3])).toArray(), [
    [0, 0, 0],
    [0, 0, 0],
  ]);
  assert.equal(dot(zeros([0]), zeros([0])).item(), 0);
});

test('batched gradients reduce over broadcast batch dims', () => {
  const a = tensor([[[1, 2]], [[3, 4]]], { requiresGrad: true }); // (2, 1, 2)
  const b = tensor([[1], [1]], { requiresGrad: true }); // (2, 1), broadcast over the batch
  matmul(a, b).sum().backward();
  assert.deepEqual(b.grad?.toArray(), [[4], [6]]);
  assert.deepEqual(a.grad?.toArray(), [[[1, 1]], [[1, 1]]]);
});
