// Conv1d and Conv2d layers: output shapes, unbatched input, parameter shapes and errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randn } from '../index.js';
import { Conv1d, Conv2d } from './index.js';

test('Conv2d output shapes for padding, stride, groups and same padding', () => {
  assert.deepEqual(new Conv2d(1, 32, 3, { padding: 1 }).forward(randn([2, 1, 28, 28])).shape, [2, 32, 28, 28]);
  assert.deepEqual(new Conv2d(4, 8, [3, 1], { stride: 2, groups: 2 }).forward(randn([1, 4, 9, 9])).shape, [1, 8, 4, 5]);
  assert.deepEqual(new Conv2d(3, 3, 5, { padding: 'same' }).forward(randn([1, 3, 7, 6])).shape, [1, 3, 7, 6]);
  // even kernels: PyTorch's asymmetric 'same' padding (the engine's conv takes odd ones only)
  assert.deepEqual(new Conv2d(1, 1, 4, { padding: 'same' }).forward(randn([1, 1, 5, 5])).shape, [1, 1, 5, 5]);
  const conv = new Conv2d(4, 8, 3, { groups: 2, bias: false });
  assert.deepEqual(conv.weight.shape, [8, 2, 3, 3]);
  assert.equal(conv.bias, null);
});

test('Conv1d and Conv2d accept unbatched input', () => {
  assert.deepEqual(new Conv1d(16, 33, 3, { stride: 2 }).forward(randn([20, 16, 50])).shape, [20, 33, 24]);
  assert.deepEqual(new Conv1d(2, 3, 3).forward(randn([2, 10])).shape, [3, 8]);
  assert.deepEqual(new Conv2d(2, 3, 3).forward(randn([2, 5, 5])).shape, [3, 3, 3]);
});

test('conv layers check arguments and input channels', () => {
  assert.throws(() => new Conv2d(1, 32, 3).forward(randn([8, 3, 28, 28])), {
    message: 'Conv2d(1, 32, kernelSize=3): input must be (N, 1, H, W) (or unbatched), got shape [8, 3, 28, 28]',
  });
  assert.throws(() => new Conv1d(2, 4, 3).forward(randn([2, 2, 2, 2])), /Conv1d\(2, 4, kernelSize=3\): input must be \(N, 2, L\)/);
  assert.throws(() => new Conv2d(3, 4, 3, { groups: 2 }), /groups \(2\) must divide inChannels \(3\) and outChannels \(4\)/);
  assert.throws(() => new Conv2d(3, 4, 0), /Conv2d: kernelSize must be an integer >= 1, got 0/);
  assert.throws(() => new Conv2d(3, 4, [3, 3, 3] as never), /kernelSize must be an integer or a pair \[h, w\]/);
  assert.throws(() => new Conv2d(3, 4, 3, { padding: 'same', stride: 2 }), /padding 'same' needs stride 1/);
  assert.throws(() => new Conv1d(3, 4, 3, { padding: -1 }), /Conv1d: padding must be an integer >= 0, got -1/);
});
