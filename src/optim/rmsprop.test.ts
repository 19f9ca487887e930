// RMSprop: validation and which state each variant keeps. Update values are checked against
// PyTorch in test/optim_parity.test.ts.
//
// Run: npx tsc -p tsconfig.json && node --test dist/src/optim/

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../index.js';
import { RMSprop } from './index.js';

const param = () => tensor([1, -2], { requiresGrad: true });

test('RMSprop validates its hyperparameters with messages naming them', () => {
  assert.throws(() => new RMSprop([param()], { alpha: -0.5 }), /RMSprop: alpha must be a non-negative number, got -0.5/);
  assert.throws(() => new RMSprop([param()], { momentum: -0.1 }), /RMSprop: momentum must be a non-negative number, got -0.1/);
  assert.throws(() => new RMSprop([param()], { eps: -1 }), /RMSprop: eps must be a non-negative number, got -1/);
  assert.throws(() => new RMSprop([param()], { centered: 'no' as never }), /RMSprop: centered must be true or false, got string/);
  assert.throws(() => new RMSprop([param()], { lr: 0.1, decay: 0.9 } as never), /RMSprop: unknown option 'decay'/);
});

test('RMSprop keeps a gradient average only when centered, a buffer only with momentum', () => {
  const keys = (options: ConstructorParameters<typeof RMSprop>[1]) => {
    const p = param();
    const opt = new RMSprop([p], options);
    p.grad = tensor([0.5, 0.5]);
    opt.step();
    return Object.keys(opt.state.get(p) ?? {}).sort();
  };
  assert.deepEqual(keys({}), ['squareAvg', 'step']);
  assert.deepEqual(keys({ centered: true }), ['gradAvg', 'squareAvg', 'step']);
  assert.deepEqual(keys({ momentum: 0.9 }), ['momentumBuffer', 'squareAvg', 'step']);
});
