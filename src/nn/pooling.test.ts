// Pooling layers: shapes, adaptive pooling against explicit window means, unbatched input, errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, randn, type Tensor } from '../index.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './index.js';

test('MaxPool2d and AvgPool2d shapes; stride defaults to the kernel size', () => {
  assert.deepEqual(new MaxPool2d(2).forward(randn([8, 32, 28, 28])).shape, [8, 32, 14, 14]);
  assert.deepEqual(new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }).forward(randn([1, 1, 8, 7])).shape, [1, 1, 5, 4]);
  assert.deepEqual(new AvgPool2d([2, 1]).forward(randn([3, 6, 4])).shape, [3, 3, 4]);
  assert.deepEqual(new MaxPool2d(2).getConfig(), { kernelSize: 2, stride: 2, padding: 0, ceilMode: false });
});

test('AdaptiveAvgPool2d averages PyTorch windows, overlapping when sizes do not divide', () => {
  const x = arange(35).reshape(1, 1, 7, 5);
  const y = new AdaptiveAvgPool2d([3, 2]).forward(x);
  assert.deepEqual(y.shape, [1, 1, 3, 2]);
  // windows: rows [0,3) [2,5) [4,7); cols [0,3) [2,5)
  const windowMean = (r0: number, r1: number, c0: number, c1: number) => {
    let s = 0;
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) s += r * 5 + c;
    return s / ((r1 - r0) * (c1 - c0));
  };
  const want = [
    [0, 3],
    [2, 5],
    [4, 7],
  ].map(([r0, r1]) =>
    [
      [0, 3],
      [2, 5],
    ].map(([c0, c1]) => windowMean(r0, r1, c0, c1)),
  );
  const got = (y.toArray() as number[][][][])[0][0];
  for (const [i, row] of got.entries()) {
    for (const [j, v] of row.entries()) assert.ok(Math.abs(v - want[i][j]) < 1e-4, `[${i}][${j}] ${v} vs ${want[i][j]}`);
  }
  const g = new AdaptiveAvgPool2d(1).forward(randn([2, 3, 4, 4]));
  assert.deepEqual(g.shape, [2, 3, 1, 1]);
  assert.deepEqual(new AdaptiveAvgPool2d([null, 2]).forward(randn([3, 5, 6])).shape, [3, 5, 2]);
});

test('AdaptiveAvgPool2d gradients spread evenly over each window', () => {
  const x = randn([1, 1, 3, 3]).requiresGrad_();
  new AdaptiveAvgPool2d(2).forward(x).sum().backward();
  // overlapping 2x2 windows at offsets 0 and 1: the centre is in four windows, corners in one
  assert.deepEqual(((x.grad as Tensor).toArray() as number[][][][])[0][0], [
    [0.25, 0.5, 0.25],
    [0.5, 1, 0.5],
    [0.25, 0.5, 0.25],
  ]);
});

test('pooling layers check arguments and input rank', () => {
  assert.throws(() => new MaxPool2d(2).forward(randn([4, 4])), {
    message: 'MaxPool2d(2): input must be (N, C, H, W) or (C, H, W), got shape [4, 4]',
  });
  assert.throws(() => new MaxPool2d(2, { padding: 2 }), /padding 2 must be at most half the kernel size 2/);
  assert.throws(() => new AvgPool2d(0), /AvgPool2d: kernelSize must be an integer >= 1, got 0/);
  assert.throws(() => new AdaptiveAvgPool2d(0), /AdaptiveAvgPool2d: outputSize must be an integer >= 1, got 0/);
});
