// Embedding: lookup shapes, the padding row (zero, no gradient), and errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../index.js';
import { Embedding } from './index.js';

const ids = (v: number[][]) => tensor(v, { dtype: 'int32' });

test('Embedding looks up rows; the padding row gets no gradient', () => {
  const emb = new Embedding(5, 3, { paddingIdx: 0 });
  const out = emb.forward(
    ids([
      [1, 0, 1],
      [4, 0, 2],
    ]),
  );
  assert.deepEqual(out.shape, [2, 3, 3]);
  out.sum().backward();
  const g = emb.weight.grad?.toArray() as number[][];
  assert.deepEqual(g, [
    [0, 0, 0],
    [2, 2, 2],
    [1, 1, 1],
    [0, 0, 0],
    [1, 1, 1],
  ]);
  assert.equal(new Embedding(5, 3, { paddingIdx: -2 }).paddingIdx, 3);
});

test('Embedding checks ids and arguments', () => {
  const emb = new Embedding(5, 3);
  assert.throws(() => emb.forward(tensor([1.0, 2.0])), {
    message: 'Embedding(5, 3): ids must be an int32 tensor, got float32 of shape [2]',
  });
  assert.throws(() => emb.forward(ids([[7]])), /out of range|7/);
  assert.throws(() => new Embedding(5, 3, { paddingIdx: 5 }), /paddingIdx must be an integer in \[-5, 4\], got 5/);
});
