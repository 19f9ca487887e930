// Creation ops pinned: ranges, identity, dtype inference, *Like.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, eye, full, fullLike, linspace, ones, onesLike, scalar, tensor, zeros, zerosLike } from '../index.js';

test('arange: end exclusive, float and negative steps', () => {
  assert.deepEqual(arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(arange(5, 0, -2).toArray(), [5, 3, 1]);
  assert.deepEqual(arange(3, 3).shape, [0]);
  assert.equal(arange(3, undefined, 1, { dtype: 'int32' }).dtype, 'int32');
});

test('linspace includes both ends exactly', () => {
  assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  const l = linspace(0, 0.3, 7).toArray() as number[];
  assert.equal(l[6], Math.fround(0.3));
  assert.deepEqual(linspace(-1, 1, 1).toArray(), [-1]);
  assert.deepEqual(linspace(-1, 1, 0).shape, [0]);
});

test('eye, zeros, ones, full, scalar', () => {
  assert.deepEqual(eye(2, 3).toArray(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(eye(2).toArray(), [
    [1, 0],
    [0, 1],
  ]);
  assert.deepEqual(zeros(3).shape, [3]);
  assert.deepEqual(ones([2, 1], { dtype: 'bool' }).toArray(), [[true], [true]]);
  assert.equal(full([2], 7).dtype, 'float32');
  assert.equal(full([2], true).dtype, 'bool');
  assert.deepEqual(full([2], -3, { dtype: 'int32' }).toArray(), [-3, -3]);
  assert.deepEqual(scalar(3).shape, []);
});

test('tensor infers shapes, including empty ones', () => {
  assert.deepEqual(tensor([]).shape, [0]);
  assert.deepEqual(tensor([[]]).shape, [1, 0]);
  assert.deepEqual(tensor(5).shape, []);
  assert.deepEqual(tensor([[[1], [2]]]).shape, [1, 2, 1]);
});

test('*Like keep shape and dtype unless told otherwise', () => {
  const i = tensor([[1, 2]], { dtype: 'int32' });
  assert.equal(zerosLike(i).dtype, 'int32');
  assert.deepEqual(zerosLike(i).shape, [1, 2]);
  assert.equal(onesLike(i, { dtype: 'bool' }).dtype, 'bool');
  assert.deepEqual(fullLike(i, 4).toArray(), [[4, 4]]);
  assert.equal(onesLike(i, { requiresGrad: true, dtype: 'float32' }).requiresGrad, true);
});
