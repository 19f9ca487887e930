// Dropout: the fraction dropped and the scale in training, identity in evaluation.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, ones } from '../index.js';
import { Dropout, Sequential } from './index.js';

test('Dropout zeroes about p of the values and scales the rest by 1/(1-p) while training', () => {
  manualSeed(0);
  const v = new Dropout(0.3).forward(ones([100, 100])).toTypedArray();
  const zeros = v.filter((x) => x === 0).length / v.length;
  assert.ok(Math.abs(zeros - 0.3) < 0.02, `dropped ${zeros}`);
  assert.ok(v.every((x) => x === 0 || Math.abs(x - 1 / 0.7) < 1e-6));
});

test('Dropout passes the input through in eval mode', () => {
  const x = ones([3, 3]);
  const model = new Sequential(new Dropout(0.9)).eval();
  assert.equal(model.forward(x), x);
  assert.throws(() => new Dropout(1.5), /Dropout: p must be a number in \[0, 1\], got 1.5/);
});
