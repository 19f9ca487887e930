// gather, indexSelect and embedding pinned: values, repeated indices in the gradient, and
// negative or too large indices refused on every backend like PyTorch (issue 9, finding 5).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, Embedding, embedding, gather, getDefaultDevice, indexSelect, listDevices, setDefaultDevice, tensor } from '../index.js';

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

test('indexSelect picks rows in order, repeats allowed', () => {
  const x = arange(6).reshape([3, 2]);
  assert.deepEqual(indexSelect(x, 0, int([2, 0, 2])).toArray(), [
    [4, 5],
    [0, 1],
    [4, 5],
  ]);
  assert.deepEqual(indexSelect(x, 1, int([1])).toArray(), [[1], [3], [5]]);
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

test('a negative index is an error naming the op, the argument, the index and the valid range (was the last row)', () => {
  const prev = getDefaultDevice();
  try {
    for (const b of listDevices()) {
      setDefaultDevice(b);
      const x = arange(6).reshape([3, 2]);
      const tail = 'is out of range for dim 0 of size 3 (valid: 0 to 2; negative indices are not allowed)';
      assert.throws(() => gather(x, 0, int([[-1, 0]])), { name: 'RangeError', message: `gather: index -1 at [0, 0] ${tail}` }, b);
      assert.throws(() => indexSelect(x, 0, int([0, -1])), { message: `indexSelect: index -1 at [1] ${tail}` }, b);
      assert.throws(() => indexSelect(x, 0, int([3])), { message: `indexSelect: index 3 at [0] ${tail}` }, b);
      assert.throws(
        () => embedding(int([[0, -1]]), x),
        {
          message:
            'embedding: indices -1 at [0, 1] is out of range for weight [3, 2] with 3 rows (valid: 0 to 2; negative indices are not allowed)',
        },
        b,
      );
      assert.throws(
        () => new Embedding(3, 2).forward(int([2, -3])),
        {
          message:
            'Embedding(3, 2): ids -3 at [1] is out of range for a table of 3 embeddings (valid: 0 to 2; negative indices are not allowed)',
        },
        b,
      );
      assert.throws(() => indexSelect(arange(0).reshape([0, 2]), 0, int([0])), { message: /valid: none: the dim is empty/ }, b);
      // the gradient path reads the same checked indices
      const w = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { requiresGrad: true },
      );
      embedding(int([1, 1]), w)
        .sum()
        .backward();
      assert.deepEqual(
        w.grad?.toArray(),
        [
          [0, 0],
          [2, 2],
        ],
        b,
      );
    }
  } finally {
    setDefaultDevice(prev);
  }
});
