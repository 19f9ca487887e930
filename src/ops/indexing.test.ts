// gather, indexSelect and embedding pinned: values, negative indices, repeated indices in the
// gradient.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, embedding, gather, indexSelect, tensor } from '../index.js';

const int = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });

test('gather follows torch.gather', () => {
  const x = tensor([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(
    gather(
      x,
      1,
      int([
        [0, 0],
        [1, 0],
      ]),
    ).toArray(),
    [
      [1, 1],
      [4, 3],
    ],
  );
  assert.deepEqual(gather(x, 0, int([[1, 0]])).toArray(), [[3, 2]]);
  assert.deepEqual(gather(arange(12).reshape([3, 4]), 1, int([[3], [0]])).toArray(), [[3], [4]], 'index smaller than input in other dims');
});

test('indexSelect picks rows in order, repeats allowed; negative indices count from the end', () => {
  const x = arange(6).reshape([3, 2]);
  assert.deepEqual(indexSelect(x, 0, int([2, 0, 2])).toArray(), [
    [4, 5],
    [0, 1],
    [4, 5],
  ]);
  assert.deepEqual(indexSelect(x, 1, int([-1])).toArray(), [[1], [3], [5]]);
  assert.deepEqual(indexSelect(x, 0, int([])).shape, [0, 2]);
  assert.equal(indexSelect(int([[1, 2]]), 1, int([1])).dtype, 'int32');
});

test('repeated indices accumulate in the gradient', () => {
  const x = tensor(
    [
      [1, 1],
      [1, 1],
      [1, 1],
    ],
    { requiresGrad: true },
  );
  indexSelect(x, 0, int([0, 0, 2]))
    .sum()
    .backward();
  assert.deepEqual(x.grad?.toArray(), [
    [2, 2],
    [0, 0],
    [1, 1],
  ]);
  const y = tensor([1, 2, 3], { requiresGrad: true });
  gather(y, 0, int([2, 2, 0]))
    .sum()
    .backward();
  assert.deepEqual(y.grad?.toArray(), [1, 0, 2]);
});

test('embedding looks up rows for indices of any shape', () => {
  const w = arange(8).reshape([4, 2]);
  const out = embedding(int([[3, 0, 3]]), w);
  assert.deepEqual(out.shape, [1, 3, 2]);
  assert.deepEqual(out.toArray(), [
    [
      [6, 7],
      [0, 1],
      [6, 7],
    ],
  ]);
  assert.deepEqual(embedding(tensor(2, { dtype: 'int32' }), w).toArray(), [4, 5]);
});
