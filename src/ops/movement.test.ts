// Movement semantics pinned: which ops are views (shared storage, no copy), which copy, and how
// writes and gradients travel between views and their base.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, chunk, concat, noGrad, pad, split, stack, tensor, zeros } from '../index.js';

test('transpose, permute, slice, narrow, select, expand, squeeze, unsqueeze, split, chunk are views', () => {
  const x = arange(24).reshape([2, 3, 4]);
  const views = [
    x.transpose(0, 2),
    x.T,
    x.permute(2, 0, 1),
    x.slice(null, [0, 3, 2]),
    x.slice(1),
    x.narrow(2, 1, 2),
    x.select(1, -1),
    x.unsqueeze(0),
    x.unsqueeze(0).squeeze(0),
    x.slice(null, [0, 1]).expand([5, 2, 3, 4]),
    ...x.split(1, 0),
    ...x.chunk(3, 2),
    x.reshape([6, 4]),
    x.view(4, 6),
    x.flatten(),
    x.contiguous(),
  ];
  for (const v of views) assert.equal(v.storage, x.storage, `a view of shape [${v.shape}] has its own storage`);
});

test('slice with steps is a strided view with an offset', () => {
  const x = arange(20).reshape([4, 5]);
  const v = x.slice([1, null, 2], [-4, null, 3]);
  assert.deepEqual(v.shape, [2, 2]);
  assert.deepEqual(v.strides, [10, 3]);
  assert.equal(v.offset, 6);
  assert.deepEqual(v.toArray(), [
    [6, 9],
    [16, 19],
  ]);
});

test('expand repeats with stride 0 and adds leading dims', () => {
  const e = tensor([[1], [2]]).expand([3, 2, 4]);
  assert.deepEqual(e.shape, [3, 2, 4]);
  assert.deepEqual(e.strides, [0, 1, 0]);
  assert.deepEqual(e.select(0, 2).toArray(), [
    [1, 1, 1, 1],
    [2, 2, 2, 2],
  ]);
});

test('writes to the base show through views, and in-place ops on views write the base', () => {
  const x = zeros([2, 3]);
  const t = x.T;
  const row = x.select(0, 1);
  noGrad(() => x.add_(1));
  assert.deepEqual(t.toArray(), [
    [1, 1],
    [1, 1],
    [1, 1],
  ]);
  row.fill_(5);
  x.slice(null, [null, null, 2]).mul_(2);
  assert.deepEqual(x.toArray(), [
    [2, 1, 2],
    [10, 5, 10],
  ]);
});

test('reshape of a contiguous tensor is a view; of a non-contiguous one a copy in logical order', () => {
  const x = arange(6).reshape([2, 3]);
  assert.equal(x.reshape([3, 2]).storage, x.storage);
  const r = x.T.reshape([6]);
  assert.notEqual(r.storage, x.storage);
  assert.deepEqual(r.toArray(), [0, 3, 1, 4, 2, 5]);
  assert.ok(r.isContiguous());
  assert.throws(() => x.T.view([6]), /view: tensor of shape \[3, 2\] is not contiguous/);
  assert.deepEqual(x.T.contiguous().view([6]).toArray(), [0, 3, 1, 4, 2, 5]);
  assert.equal(x.contiguous(), x, 'contiguous() of a contiguous tensor is the tensor itself');
});

test('concat, stack and pad copy into fresh storage', () => {
  const a = arange(3);
  for (const y of [concat([a, a]), stack([a, a]), pad(a, [1, 0])]) assert.notEqual(y.storage, a.storage);
  assert.deepEqual(stack([a, a], 1).toArray(), [
    [0, 0],
    [1, 1],
    [2, 2],
  ]);
  assert.deepEqual(pad(arange(4), [1, -2], 9).toArray(), [9, 0, 1]);
  assert.deepEqual(pad(tensor([[1, 2]]), [0, 1, 1, 0]).toArray(), [
    [0, 0, 0],
    [1, 2, 0],
  ]);
});

test('split and chunk sizes follow PyTorch', () => {
  const x = arange(5);
  assert.deepEqual(
    split(x, 2).map((t) => t.toArray()),
    [[0, 1], [2, 3], [4]],
  );
  assert.deepEqual(
    split(x, [1, 0, 4]).map((t) => t.shape[0]),
    [1, 0, 4],
  );
  assert.deepEqual(
    chunk(x, 2).map((t) => t.toArray()),
    [
      [0, 1, 2],
      [3, 4],
    ],
  );
  assert.deepEqual(
    chunk(arange(6), 4).map((t) => t.shape[0]),
    [2, 2, 2],
  );
});

test('squeeze and unsqueeze', () => {
  const x = zeros([1, 3, 1, 2]);
  assert.deepEqual(x.squeeze().shape, [3, 2]);
  assert.deepEqual(x.squeeze(2).shape, [1, 3, 2]);
  assert.deepEqual(x.squeeze([0, 2]).shape, [3, 2]);
  assert.deepEqual(x.squeeze(1).shape, [1, 3, 1, 2], 'squeezing a dim that is not 1 changes nothing');
  assert.deepEqual(x.unsqueeze(-1).shape, [1, 3, 1, 2, 1]);
  assert.deepEqual(zeros([]).unsqueeze(0).shape, [1]);
});

test('gradients flow from views back to the base', () => {
  const x = tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { requiresGrad: true },
  );
  x.T.slice([1, null])
    .mul(
      tensor([
        [1, 10],
        [100, 1000],
      ]),
    )
    .sum()
    .backward();
  assert.deepEqual(x.grad?.toArray(), [
    [0, 1, 100],
    [0, 10, 1000],
  ]);
});

test('slice refuses fractional starts and ends (was a view at a fractional offset)', () => {
  const x = arange(6).reshape([3, 2]);
  assert.throws(() => x.slice([0.5, 2]), /^RangeError: slice: start must be an integer or null, got 0\.5 \(dim 0\)$/);
  assert.throws(() => x.slice(null, [0, 1.5]), /^RangeError: slice: end must be an integer or null, got 1\.5 \(dim 1\)$/);
  assert.throws(
    () => x.slice('1' as never),
    /^TypeError: slice: spec for dim 0 must be an index, null or \[start, end, step\], got string$/,
  );
  assert.deepEqual(x.slice([-2, null]).toArray(), [
    [2, 3],
    [4, 5],
  ]);
});
