// SGD: hyperparameter validation and the momentum buffer's lazy creation. Update values are
// checked against PyTorch in test/optim_parity.test.ts.
//
// Run: npx tsc -p tsconfig.json && node --test dist/src/optim/

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../index.js';
import { SGD } from './index.js';

const param = () => tensor([1, 2], { requiresGrad: true });

test('SGD validates its hyperparameters with messages naming them', () => {
  assert.throws(
    () => new SGD([param()]),
    /SGD: give a learning rate, e.g. new SGD\(params, \{ lr: 0.01 \}\), or an lr in every parameter group/,
  );
  assert.throws(() => new SGD([param()], { lr: -0.1 }), /SGD: lr must be a non-negative number, got -0.1/);
  assert.throws(() => new SGD([param()], { lr: 0.1, momentum: -1 }), /SGD: momentum must be a non-negative number, got -1/);
  assert.throws(() => new SGD([param()], { lr: 0.1, weightDecay: Number.NaN }), /SGD: weightDecay must be a non-negative number, got NaN/);
  assert.throws(
    () => new SGD([param()], { lr: 0.1, nesterov: true }),
    /SGD: nesterov needs momentum > 0 and dampening 0, got momentum 0 and dampening 0/,
  );
  assert.throws(
    () => new SGD([param()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
    /nesterov needs momentum > 0 and dampening 0/,
  );
  assert.throws(() => new SGD([{ params: [param()], momentum: -2 }], { lr: 0.1 }), /SGD: momentum must be a non-negative number, got -2/);
  assert.throws(() => new SGD([param()], { lr: 0.1, maximize: 'yes' as never }), /SGD: maximize must be true or false, got string/);
  // a learning rate in every group is enough
  assert.equal(new SGD([{ params: [param()], lr: 0.3 }]).paramGroups[0].lr, 0.3);
});

test('SGD keeps no state without momentum, and a buffer equal to the first gradient with it', () => {
  const p = param();
  const plain = new SGD([p], { lr: 0.5 });
  p.grad = tensor([1, -1]);
  plain.step();
  assert.deepEqual(Array.from(p.toTypedArray()), [0.5, 2.5]);
  assert.deepEqual(Object.keys(plain.state.get(p) ?? {}), []);

  const q = param();
  const heavy = new SGD([q], { lr: 0.5, momentum: 0.9, dampening: 0.5 });
  q.grad = tensor([1, -1]);
  heavy.step();
  // the first step copies the gradient into the buffer without dampening, as PyTorch
  assert.deepEqual(Array.from(heavy.state.get(q)?.momentumBuffer?.toTypedArray() ?? []), [1, -1]);
  q.grad = tensor([2, 2]);
  heavy.step();
  const buf = Array.from(heavy.state.get(q)?.momentumBuffer?.toTypedArray() ?? []);
  for (const [i, want] of [1.9, 0.1].entries()) {
    assert.ok(Math.abs(buf[i] - want) < 1e-6, `buffer ${i}: ${buf[i]}, expected 0.9 * old + 0.5 * grad = ${want}`);
  }
});

test('optimizers refuse options that are not an object, and undefined options keep their defaults', () => {
  assert.throws(() => new SGD([param()], null as never), /SGD: options must be an object, got null/);
  const opt = new SGD([{ params: [param()], momentum: undefined }], { lr: 0.1, momentum: 0.5, dampening: undefined });
  assert.deepEqual([opt.paramGroups[0].momentum, opt.paramGroups[0].dampening], [0.5, 0]);
});
