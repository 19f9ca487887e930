// Adam and AdamW: validation, state, and how their weight decays differ. Update values are
// checked against PyTorch in test/optim_parity.test.ts.
//
// Run: npx tsc -p tsconfig.json && node --test dist/src/optim/

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor, zeros } from '../index.js';
import { Adam, AdamW } from './index.js';

const param = () => tensor([1, -2], { requiresGrad: true });

test('Adam and AdamW validate their hyperparameters with messages naming them', () => {
  for (const [Opt, name] of [
    [Adam, 'Adam'],
    [AdamW, 'AdamW'],
  ] as const) {
    assert.throws(() => new Opt([param()], { betas: [1.2, 0.999] }), new RegExp(`${name}: betas\\[0\\] must be in \\[0, 1\\), got 1.2`));
    assert.throws(() => new Opt([param()], { betas: [0.9, 1] }), new RegExp(`${name}: betas\\[1\\] must be in \\[0, 1\\), got 1`));
    assert.throws(
      () => new Opt([param()], { betas: [0.9] as never }),
      new RegExp(`${name}: betas must be a pair \\[beta1, beta2\\], got \\[0.9\\]`),
    );
    assert.throws(() => new Opt([param()], { lr: -1 }), new RegExp(`${name}: lr must be a non-negative number, got -1`));
    assert.throws(() => new Opt([param()], { eps: -1e-8 }), new RegExp(`${name}: eps must be a non-negative number, got -1e-8`));
    assert.throws(
      () => new Opt([param()], { weightDecay: -0.1 }),
      new RegExp(`${name}: weightDecay must be a non-negative number, got -0.1`),
    );
    assert.throws(() => new Opt([param()], { amsgrad: 1 as never }), new RegExp(`${name}: amsgrad must be true or false, got number`));
  }
});

test('defaults follow PyTorch: AdamW decays weights by 1e-2, Adam not at all', () => {
  assert.equal(new Adam([param()]).defaults.weightDecay, 0);
  assert.equal(new AdamW([param()]).defaults.weightDecay, 1e-2);
  assert.deepEqual(new Adam([param()]).defaults.betas, [0.9, 0.999]);
  assert.equal(new Adam([param()]).defaults.lr, 1e-3);
});

test('with a zero gradient, AdamW still shrinks the weights and Adam does not move them', () => {
  const a = param();
  const w = param();
  const adam = new Adam([a], { lr: 0.1, weightDecay: 0 });
  const adamw = new AdamW([w], { lr: 0.1, weightDecay: 0.5 });
  a.grad = zeros([2]);
  w.grad = zeros([2]);
  adam.step();
  adamw.step();
  assert.deepEqual(Array.from(a.toTypedArray()), [1, -2]);
  assert.deepEqual(Array.from(w.toTypedArray()), [0.95, -1.9].map(Math.fround));
});

test('amsgrad keeps the running maximum of the second moment', () => {
  const p = param();
  const opt = new Adam([p], { lr: 0.01, amsgrad: true, betas: [0.5, 0.5] });
  p.grad = tensor([4, 0]);
  opt.step();
  p.grad = tensor([0, 2]);
  opt.step();
  const s = opt.state.get(p);
  assert.equal(s?.step, 2);
  assert.deepEqual(Array.from(s?.expAvgSq?.toTypedArray() ?? []), [4, 2]); // 0.5 * [8, 0] + 0.5 * [0, 4]
  assert.deepEqual(Array.from(s?.maxExpAvgSq?.toTypedArray() ?? []), [8, 2]);
});
