// Dtype promotion and casts, pinned on the ops users call.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, concat, div, eq, mean, mul, sub, sum, tensor, where } from '../index.js';
import { promoteTypes } from './dtype.js';

const f = tensor([1.5, -2.5]);
const i = tensor([3, -4], { dtype: 'int32' });
const b = tensor([true, false]);

test('promoteTypes: float32 > int32 > bool', () => {
  assert.equal(promoteTypes('int32', 'float32'), 'float32');
  assert.equal(promoteTypes('bool', 'float32'), 'float32');
  assert.equal(promoteTypes('bool', 'int32'), 'int32');
  assert.equal(promoteTypes('bool', 'bool'), 'bool');
  assert.equal(promoteTypes('int32', 'int32'), 'int32');
});

test('arithmetic promotes like PyTorch', () => {
  assert.equal(add(i, f).dtype, 'float32');
  assert.equal(add(i, i).dtype, 'int32');
  assert.equal(mul(b, f).dtype, 'float32');
  assert.equal(mul(b, i).dtype, 'int32');
  assert.equal(sub(i, b).dtype, 'int32');
  assert.equal(add(b, b).dtype, 'int32');
  assert.deepEqual(add(b, b).toArray(), [2, 0]);
});

test('scalars keep an int32 tensor int32 when integral, else give float32', () => {
  assert.equal(add(i, 2).dtype, 'int32');
  assert.deepEqual(add(i, 2).toArray(), [5, -2]);
  assert.equal(add(i, 2.5).dtype, 'float32');
  assert.deepEqual(mul(i, 0.5).toArray(), [1.5, -2]);
  assert.equal(add(b, 1).dtype, 'float32');
  assert.equal(add(f, 1).dtype, 'float32');
});

test('division is true division: int32 / int32 is float32', () => {
  const q = div(i, tensor([2, 3], { dtype: 'int32' }));
  assert.equal(q.dtype, 'float32');
  assert.deepEqual(q.toArray(), [1.5, -4 / 3].map(Math.fround));
});

test('int32 arithmetic wraps around like int32', () => {
  const big = tensor([2147483647], { dtype: 'int32' });
  assert.deepEqual(add(big, 1).toArray(), [-2147483648]);
});

test('comparisons give bool; sum of bool counts in int32; mean needs float32', () => {
  assert.equal(eq(i, f).dtype, 'bool');
  assert.equal(sum(b).dtype, 'int32');
  assert.equal(sum(tensor([true, true, false])).item(), 2);
  assert.equal(sum(i).dtype, 'int32');
  assert.throws(() => mean(i), /mean: expected a float32 tensor, got int32/);
});

test('where and concat promote their operands', () => {
  assert.equal(where(b, i, f).dtype, 'float32');
  assert.deepEqual(where(b, i, f).toArray(), [3, -2.5]);
  assert.equal(where(b, i, 0).dtype, 'int32');
  const c = concat([i, f, b]);
  assert.equal(c.dtype, 'float32');
  assert.deepEqual(c.toArray(), [3, -4, 1.5, -2.5, 1, 0]);
});

test('casts: float -> int truncates toward zero; nonzero -> true; bool -> 0/1', () => {
  assert.deepEqual(tensor([1.7, -1.7, 0.2, -0.2]).to('int32').toArray(), [1, -1, 0, 0]);
  assert.deepEqual(tensor([0, -0.5, 3]).bool().toArray(), [false, true, true]);
  assert.deepEqual(b.float().toArray(), [1, 0]);
  assert.deepEqual(b.int().toArray(), [1, 0]);
  assert.deepEqual(i.bool().toArray(), [true, true]);
  assert.equal(f.to('float32'), f, 'a cast to the same dtype returns the tensor itself');
});

test('tensor() infers dtypes from data', () => {
  assert.equal(tensor([1, 2]).dtype, 'float32');
  assert.equal(tensor([true]).dtype, 'bool');
  assert.equal(tensor(new Int32Array([1])).dtype, 'int32');
  assert.equal(tensor(new Float32Array([1])).dtype, 'float32');
  assert.equal(tensor([1, 2], { dtype: 'int32' }).dtype, 'int32');
});
