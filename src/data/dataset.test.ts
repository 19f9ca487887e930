// Datasets: TensorDataset indexing, Subset, randomSplit sizes and reproducibility, randperm,
// mapDataset, defaultCollate.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, Generator, tensor, zeros } from '../index.js';
import { defaultCollate, mapDataset, randomSplit, randperm, Subset, TensorDataset } from './index.js';

test('TensorDataset indexes every tensor along dim 0', () => {
  const ds = new TensorDataset(arange(12).reshape([4, 3]), tensor([0, 1, 2, 3], { dtype: 'int32' }));
  assert.equal(ds.length, 4);
  const [x, y] = ds.get(2);
  assert.deepEqual(x.toArray(), [6, 7, 8]);
  assert.deepEqual(y.shape, []);
  assert.equal(y.item(), 2);
  assert.deepEqual(ds.get(-1)[1].item(), 3);
  assert.throws(() => ds.get(4), /TensorDataset: index 4 is out of range for a dataset of length 4/);
  assert.throws(() => new TensorDataset(zeros([3, 2]), zeros([4])), /same first dim; tensor 0 has shape \[3, 2\], tensor 1 \[4\]/);
  assert.throws(() => new TensorDataset(tensor(1)), /0-d/);
  assert.throws(() => new TensorDataset(), /at least one tensor/);
});

test('Subset picks indices in order; mapDataset transforms samples', () => {
  const ds = { length: 10, get: (i: number) => i * i };
  const sub = new Subset(ds, [3, 1, -1]);
  assert.equal(sub.length, 3);
  assert.deepEqual(
    [0, 1, 2].map((i) => sub.get(i)),
    [9, 1, 81],
  );
  assert.throws(() => new Subset(ds, [10]), /Subset: index 10 is out of range/);
  const doubled = mapDataset(ds, (v, i) => v + i);
  assert.equal(doubled.length, 10);
  assert.equal(doubled.get(3), 12);
});

test('randomSplit: fractions rounded as PyTorch does, counts, disjoint and covering, reproducible', () => {
  const ds = { length: 10, get: (i: number) => i };
  const parts = randomSplit(ds, [0.33, 0.33, 0.34], new Generator(1));
  assert.deepEqual(
    parts.map((p) => p.length),
    [4, 3, 3],
  );
  const all = parts.flatMap((p) => [...p.indices]).sort((a, b) => a - b);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const again = randomSplit(ds, [0.33, 0.33, 0.34], new Generator(1));
  assert.deepEqual(
    again.map((p) => [...p.indices]),
    parts.map((p) => [...p.indices]),
  );
  assert.notDeepEqual(randomSplit(ds, [5, 5], new Generator(2))[0].indices, randomSplit(ds, [5, 5], new Generator(3))[0].indices);
  assert.deepEqual(
    randomSplit(ds, [7, 3]).map((p) => p.length),
    [7, 3],
  );
  assert.throws(() => randomSplit(ds, [7, 4]), /counts adding up to the dataset's length 10, or fractions adding up to 1/);
  assert.throws(() => randomSplit(ds, []), /non-empty array/);
});

test('randperm draws every permutation element once', () => {
  const p = randperm(1000, new Generator(5));
  assert.deepEqual(
    [...p].sort((a, b) => a - b),
    [...Array(1000).keys()],
  );
  assert.notDeepEqual([...p.subarray(0, 10)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(randperm(0).length, 0);
});

test('defaultCollate stacks tensors and numbers, by position and by key', () => {
  const batch = defaultCollate([
    { x: tensor([1, 2]), label: 3, w: 0.5, ok: true, name: 'a' },
    { x: tensor([3, 4]), label: 5, w: 1, ok: false, name: 'b' },
  ]);
  assert.deepEqual(batch.x.toArray(), [
    [1, 2],
    [3, 4],
  ]);
  assert.equal(batch.label.dtype, 'int32');
  assert.deepEqual(batch.label.toArray(), [3, 5]);
  assert.equal(batch.w.dtype, 'float32');
  assert.deepEqual(batch.ok.toArray(), [true, false]);
  assert.deepEqual(batch.name, ['a', 'b']);
  const [xs, ys] = defaultCollate([
    [tensor([1]), 0],
    [tensor([2]), 1],
  ] as [ReturnType<typeof tensor>, number][]);
  assert.deepEqual(xs.shape, [2, 1]);
  assert.deepEqual(ys.toArray(), [0, 1]);
  assert.throws(
    () => defaultCollate([{ a: 1 }, { b: 2 }] as { a?: number; b?: number }[]),
    /sample 1 has no field "a", which sample 0 has/,
  );
  assert.throws(() => defaultCollate([1, 'x'] as unknown[]), /sample 1 is a string, but sample 0 is a number/);
  assert.throws(() => defaultCollate([new Date()]), /cannot collate sample 0, an object; pass a collate function/);
});
