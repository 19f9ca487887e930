// Flatten and Unflatten: shapes and dim checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ones } from '../index.js';
import { Flatten, Unflatten } from './index.js';

test('Flatten and Unflatten reshape around the batch dim', () => {
  assert.deepEqual(new Flatten().forward(ones([2, 3, 4, 5])).shape, [2, 60]);
  assert.deepEqual(new Flatten(0, 1).forward(ones([2, 3, 4])).shape, [6, 4]);
  assert.deepEqual(new Unflatten(1, [1, 28, -1]).forward(ones([2, 784])).shape, [2, 1, 28, 28]);
  assert.throws(() => new Flatten(2, 1).forward(ones([2, 3, 4])), /startDim must not come after endDim/);
});
