// Linear and Identity: shapes, parameter counts, config, and argument and input errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randn, tensor } from '../index.js';
import { Identity, Linear } from './index.js';

test('Linear maps the last dim and keeps the leading ones', () => {
  const fc = new Linear(4, 3);
  assert.deepEqual(fc.forward(randn([2, 5, 4])).shape, [2, 5, 3]);
  assert.deepEqual(fc.forward(randn([4])).shape, [3]);
  assert.equal(fc.numParameters(), 15);
  assert.equal(new Linear(4, 3, { bias: false }).numParameters(), 12);
  assert.deepEqual(new Linear(4, 3, { bias: false }).getConfig(), { inFeatures: 4, outFeatures: 3, bias: false });
});

test('Linear computes x W^T + b', () => {
  const fc = new Linear(2, 1);
  fc.loadStateDict({ weight: tensor([[2, -1]]), bias: tensor([0.5]) });
  assert.deepEqual(
    fc
      .forward(
        tensor([
          [1, 3],
          [4, 1],
        ]),
      )
      .toArray(),
    [[-0.5], [7.5]],
  );
});

test('Linear names itself and the expected shape in its errors', () => {
  assert.throws(() => new Linear(784, 10).forward(randn([32, 512])), {
    name: 'RangeError',
    message: 'Linear(784, 10): input must have 784 features in its last dim, got shape [32, 512]',
  });
  assert.throws(() => new Linear(784, 10).forward([1, 2] as never), /Linear\(784, 10\): input must be a Tensor, got an array/);
  assert.throws(() => new Linear(0, 10), /Linear: inFeatures must be an integer >= 1, got 0/);
  assert.throws(() => new Linear(3, 2.5), /Linear: outFeatures must be an integer >= 1, got 2.5/);
  assert.throws(() => new Linear(3, 2, { bias: 'yes' as never }), /Linear: bias must be true or false, got string/);
});

test('Identity returns its input', () => {
  const x = randn([2, 2]);
  assert.equal(new Identity().forward(x), x);
});
