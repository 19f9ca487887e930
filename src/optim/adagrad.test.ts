// Adagrad: validation, the starting accumulator and the decayed learning rate. Update values are
// checked against PyTorch in test/optim_parity.test.ts.
//
// Run: npx tsc -p tsconfig.json && node --test dist/src/optim/

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../index.js';
import { Adagrad } from './index.js';

const param = () => tensor([1, -2], { requiresGrad: true });

test('Adagrad validates its hyperparameters with messages naming them', () => {
  assert.throws(() => new Adagrad([param()], { lrDecay: -1 }), /Adagrad: lrDecay must be a non-negative number, got -1/);
  assert.throws(
    () => new Adagrad([param()], { initialAccumulatorValue: -0.1 }),
    /Adagrad: initialAccumulatorValue must be a non-negative number, got -0.1/,
  );
  assert.throws(
    () => new Adagrad([param()], { weightDecay: Number.POSITIVE_INFINITY }),
    /Adagrad: weightDecay must be a non-negative number, got Infinity/,
  );
});

test('Adagrad accumulates squared gradients from initialAccumulatorValue and decays the rate', () => {
  const p = tensor([0, 0], { requiresGrad: true });
  const opt = new Adagrad([p], { lr: 1, lrDecay: 1, initialAccumulatorValue: 5, eps: 0 });
  p.grad = tensor([2, -2]);
  opt.step(); // sum = 9, step 1 at lr 1: p -= 2 / 3
  assert.deepEqual(Array.from(opt.state.get(p)?.sum?.toTypedArray() ?? []), [9, 9]);
  p.grad = tensor([4, 0]);
  opt.step(); // sum = [25, 9], step 2 at lr 1 / 2: p -= [0.4, 0]
  const got = Array.from(p.toTypedArray());
  for (const [i, want] of [-2 / 3 - 0.4, 2 / 3].entries()) assert.ok(Math.abs(got[i] - want) < 1e-6, `element ${i}: ${got[i]} vs ${want}`);
});
