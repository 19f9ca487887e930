// Reading tensors back: toArray, item, toTypedArray, on contiguous tensors and on views.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, ones, scalar, tensor, zeros } from '../index.js';

test('toArray nests by shape; a 0-d tensor gives a number; bool gives booleans', () => {
  assert.deepEqual(arange(6).reshape([2, 3]).toArray(), [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  assert.deepEqual(arange(4).reshape([2, 1, 2]).toArray(), [[[0, 1]], [[2, 3]]]);
  assert.equal(scalar(2.5).toArray(), 2.5);
  assert.deepEqual(tensor([true, false]).toArray(), [true, false]);
  assert.deepEqual(tensor([1, 2], { dtype: 'int32' }).toArray(), [1, 2]);
});

test('toArray of empty tensors keeps the outer structure', () => {
  assert.deepEqual(zeros([0]).toArray(), []);
  assert.deepEqual(zeros([2, 0]).toArray(), [[], []]);
  assert.deepEqual(zeros([0, 3]).toArray(), []);
});

test('views read back in logical order', () => {
  const x = arange(6).reshape([2, 3]);
  assert.deepEqual(x.T.toArray(), [
    [0, 3],
    [1, 4],
    [2, 5],
  ]);
  assert.deepEqual(x.slice(null, [null, null, 2]).toArray(), [
    [0, 2],
    [3, 5],
  ]);
  assert.deepEqual(
    tensor([[1], [2]])
      .expand([2, 3])
      .toArray(),
    [
      [1, 1, 1],
      [2, 2, 2],
    ],
  );
  assert.deepEqual(Array.from(x.T.toTypedArray()), [0, 3, 1, 4, 2, 5]);
});

test('item returns the single value of any one-element tensor', () => {
  assert.equal(scalar(3).item(), 3);
  assert.equal(ones([1, 1, 1]).item(), 1);
  assert.equal(tensor([7], { dtype: 'int32' }).item(), 7);
  assert.equal(tensor([0.1]).item(), Math.fround(0.1));
  assert.throws(() => zeros([0]).item(), /item: only one-element tensors/);
});

test('toTypedArray returns a fresh typed array of the dtype', () => {
  const x = tensor([1, 2, 3]);
  const a = x.toTypedArray();
  assert.ok(a instanceof Float32Array);
  a[0] = 100;
  assert.deepEqual(x.toArray(), [1, 2, 3], 'writing the copy leaves the tensor alone');
  assert.ok(tensor([1], { dtype: 'int32' }).toTypedArray() instanceof Int32Array);
  assert.ok(tensor([true]).toTypedArray() instanceof Uint8Array);
  assert.equal(zeros([0]).toTypedArray().length, 0);
});

test('size, ndim, numel, toString', () => {
  const x = zeros([2, 3, 4]);
  assert.equal(x.size, 24);
  assert.equal(x.numel(), 24);
  assert.equal(x.ndim, 3);
  assert.equal(scalar(1).ndim, 0);
  assert.equal(scalar(1).size, 1);
  const s = tensor([[1, 2]], { requiresGrad: true }).toString();
  assert.match(s, /^tensor\(\[\[1,2\]\], shape=\[1, 2\], dtype=float32, requiresGrad=true\)$/);
  assert.match(
    tensor([1])
      .mul(tensor([2], { requiresGrad: true }))
      .toString(),
    /gradFn=mul/,
  );
});
