// RMSNorm: the definition, eps's default (float32's machine epsilon, as PyTorch 2.4), no affine,
// gradchecks and errors. PyTorch values: test/torch_parity_lm_blocks.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose, gradcheck } from '../../test/helpers.js';
import { gelu, randn, tensor } from '../index.js';
import { GELU, LayerNorm, RMSNorm, rmsNorm } from './index.js';

test('RMSNorm divides by the root mean square over the normalized dims and scales', () => {
  const norm = new RMSNorm(4);
  assert.equal(norm.eps, null);
  assert.deepEqual([...norm.stateDict().keys()], ['weight'], 'no bias');
  norm.weight?.detach().copy_(tensor([1, 2, 3, 4]));
  const x = tensor([[1, 2, 3, 4]]);
  const rms = Math.sqrt((1 + 4 + 9 + 16) / 4 + 2 ** -23);
  assertClose(norm.forward(x), [1 / rms, 4 / rms, 9 / rms, 16 / rms], 'values');
  // eps matters for tiny inputs: the default is 2^-23, an explicit one is used as given
  const tiny = tensor([[1e-4, 1e-4]]);
  assertClose(new RMSNorm(2).forward(tiny), 1e-4 / Math.sqrt(1e-8 + 2 ** -23), 'default eps', { rtol: 1e-5 });
  assertClose(new RMSNorm(2, { eps: 1e-6 }).forward(tiny), 1e-4 / Math.sqrt(1e-8 + 1e-6), 'eps 1e-6', { rtol: 1e-5 });
  assert.deepEqual(new RMSNorm([2, 3], { elementwiseAffine: false }).getConfig(), {
    normalizedShape: [2, 3],
    eps: null,
    elementwiseAffine: false,
  });
});

test('RMSNorm over two dims equals rmsNorm, and differs from LayerNorm on uncentred input', () => {
  const x = randn([3, 2, 5]).add(1);
  const norm = new RMSNorm([2, 5], { elementwiseAffine: false, eps: 1e-6 });
  assertClose(norm.forward(x), rmsNorm(x, [2, 5], { eps: 1e-6 }), 'functional');
  assert.ok(
    norm
      .forward(x)
      .sub(new LayerNorm([2, 5]).forward(x))
      .abs()
      .max()
      .item() > 0.1,
  );
});

test('rmsNorm gradchecks (x and weight)', () => {
  gradcheck(
    'rmsNorm',
    (x, w) => rmsNorm(x, [6], { weight: w, eps: 1e-5 }),
    [randn([3, 6], { requiresGrad: true }), randn([6], { requiresGrad: true })],
    {
      eps: 1e-3,
    },
  );
});

test('RMSNorm errors name the argument', () => {
  assert.throws(() => new RMSNorm(4).forward(randn([2, 3])), /RMSNorm\(\[4\]\): input must end with dims \[4\], got shape \[2, 3\]/);
  assert.throws(() => new RMSNorm(4, { eps: -1 }), /eps must be a number >= 0, got -1/);
  assert.throws(() => rmsNorm(randn([2, 4]), [4], { weight: randn([3]) }), /weight must have shape \[4\], got \[3\]/);
});

test("GELU's tanh approximation: the formula, close to the exact form, gradchecks, layer option", () => {
  const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
  const want = xs.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
  assertClose(gelu(tensor(xs), 'tanh'), want, 'formula');
  assert.ok(
    gelu(tensor(xs), 'tanh')
      .sub(gelu(tensor(xs)))
      .abs()
      .max()
      .item() < 1e-3,
    'near the erf form',
  );
  assert.ok(
    gelu(tensor(xs), 'tanh')
      .sub(gelu(tensor(xs)))
      .abs()
      .max()
      .item() > 1e-5,
    'but not it',
  );
  assertClose(new GELU('tanh').forward(tensor(xs)), want, 'layer');
  gradcheck('gelu tanh', (x) => gelu(x, 'tanh'), [randn([40], { requiresGrad: true }).mul(3).detach().requiresGrad_(true)], { eps: 1e-3 });
  assert.throws(() => gelu(tensor(xs), 'erf' as 'tanh'), /approximate must be 'none' or 'tanh', got "erf"/);
});
