// Convolution and pooling pinned on small hand-computed cases: values, output sizes (stride,
// padding, dilation, ceilMode), groups, and the avgPool2d divisor at the borders.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, avgPool1d, avgPool2d, conv1d, conv2d, maxPool1d, maxPool2d, ones, tensor, zeros } from '../index.js';

const img = (h: number, w: number) => arange(h * w).reshape([1, 1, h, w]);
const plane = (t: { toArray(): unknown }) => (t.toArray() as number[][][][])[0][0];

test('conv2d values with stride, padding and dilation', () => {
  const w = ones([1, 1, 2, 2]);
  assert.deepEqual(plane(conv2d(img(4, 4), w)), [
    [10, 14, 18],
    [26, 30, 34],
    [42, 46, 50],
  ]);
  assert.deepEqual(plane(conv2d(img(4, 4), w, null, { stride: 2 })), [
    [10, 18],
    [42, 50],
  ]);
  assert.deepEqual(plane(conv2d(img(4, 4), w, null, { dilation: 2 })), [
    [20, 24],
    [36, 40],
  ]);
  const padded = plane(conv2d(img(2, 2), w, null, { padding: 1 }));
  assert.deepEqual(padded, [
    [0, 1, 1],
    [2, 6, 4],
    [2, 5, 3],
  ]);
});

test('conv2d output sizes follow floor((H + 2p - d(k - 1) - 1) / s) + 1', () => {
  const y = conv2d(zeros([2, 3, 11, 7]), zeros([4, 3, 3, 2]), null, { stride: [2, 3], padding: [1, 2], dilation: [2, 1] });
  assert.deepEqual(y.shape, [2, 4, 5, 4]);
  assert.deepEqual(conv2d(zeros([1, 1, 6, 5]), zeros([1, 1, 3, 3]), null, { padding: 'same' }).shape, [1, 1, 6, 5]);
  assert.deepEqual(conv2d(zeros([1, 1, 6, 5]), zeros([1, 1, 3, 3]), null, { padding: 'valid' }).shape, [1, 1, 4, 3]);
});

test('conv2d groups convolve channel groups separately; bias adds per channel', () => {
  const x = tensor([[[[1, 2]], [[3, 4]]]]); // (1, 2, 1, 2)
  const depthwise = conv2d(x, tensor([[[[2]]], [[[10]]]]), tensor([0.5, -1]), { groups: 2 });
  assert.deepEqual(depthwise.toArray(), [[[[2.5, 4.5]], [[29, 39]]]]);
});

test('conv1d is conv2d over a unit height', () => {
  const y = conv1d(tensor([[[1, 2, 3, 4]]]), tensor([[[1, -1]]]), null, { stride: 2, padding: 1 });
  assert.deepEqual(y.toArray(), [[[-1, -1, 4]]]);
});

test('maxPool2d values and ceilMode output sizes', () => {
  assert.deepEqual(plane(maxPool2d(img(4, 4), 2)), [
    [5, 7],
    [13, 15],
  ]);
  assert.deepEqual(plane(maxPool2d(img(5, 5), 2)), [
    [6, 8],
    [16, 18],
  ]);
  assert.deepEqual(plane(maxPool2d(img(5, 5), 2, { ceilMode: true })), [
    [6, 8, 9],
    [16, 18, 19],
    [21, 23, 24],
  ]);
  assert.deepEqual(maxPool2d(zeros([1, 1, 5, 5]), 3, { stride: 2, padding: 1, ceilMode: true }).shape, [1, 1, 3, 3]);
  assert.deepEqual(maxPool2d(zeros([1, 1, 6, 6]), 3, { stride: 2, padding: 1, ceilMode: true }).shape, [1, 1, 4, 4]);
});

test('maxPool2d sends the gradient to the max of each window', () => {
  const x = img(2, 4).requiresGrad_();
  maxPool2d(x, 2).sum().backward();
  assert.deepEqual(plane(x.grad ?? zeros([])), [
    [0, 0, 0, 0],
    [0, 1, 0, 1],
  ]);
});

test('avgPool2d divisor: padding counted by default, not with countIncludePad false', () => {
  const x = ones([1, 1, 2, 2]);
  assert.deepEqual(plane(avgPool2d(x, 2, { stride: 2, padding: 1 })), [
    [0.25, 0.25],
    [0.25, 0.25],
  ]);
  assert.deepEqual(plane(avgPool2d(x, 2, { stride: 2, padding: 1, countIncludePad: false })), [
    [1, 1],
    [1, 1],
  ]);
  // windows that run past the input in ceilMode divide by the part inside the (padded) input
  assert.deepEqual(plane(avgPool2d(ones([1, 1, 3, 3]), 2, { ceilMode: true })), [
    [1, 1],
    [1, 1],
  ]);
});

test('maxPool1d and avgPool1d', () => {
  const x = tensor([[[1, 5, 2, 4, 3]]]);
  assert.deepEqual(maxPool1d(x, 2).toArray(), [[[5, 4]]]);
  assert.deepEqual(maxPool1d(x, 3, { stride: 1, padding: 1 }).toArray(), [[[5, 5, 5, 4, 4]]]);
  assert.deepEqual(avgPool1d(x, 2).toArray(), [[[3, 3]]]);
});
