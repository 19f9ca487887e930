// The fused batch-norm op (ops/nn.ts batchNormTrain, closed-form backward) against the same
// normalisation composed from engine ops with autograd deriving the gradient: outputs and the
// gradients of x, weight and bias, for every input rank, with and without the affine parameters,
// on every backend. (Both agree with PyTorch in test/nn_parity.test.ts.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose, withDevice } from '../../test/helpers.js';
import { Generator, randn, type Tensor } from '../index.js';
import { batchNorm, batchNormComposed } from './functional/normalization.js';

function grads(fn: (x: Tensor, w: Tensor | null, b: Tensor | null) => Tensor, shape: number[], affine: boolean) {
  const gen = new Generator(7);
  const x = randn(shape, { generator: gen }).mul(3).add(1).requiresGrad_();
  const c = shape[1];
  const w = affine ? randn([c], { generator: gen }).requiresGrad_() : null;
  const b = affine ? randn([c], { generator: gen }).requiresGrad_() : null;
  const r = randn(shape, { generator: gen }); // a non-uniform upstream gradient
  const y = fn(x, w, b);
  y.mul(r).sum().backward();
  return [y, x.grad, w?.grad ?? null, b?.grad ?? null];
}

for (const backend of ['reference', 'cpu']) {
  test(`batchNorm's fused op matches the composed ops, forward and backward (${backend})`, () => {
    withDevice(backend, () => {
      for (const shape of [
        [8, 3],
        [4, 5, 7],
        [6, 4, 5, 3],
      ]) {
        for (const affine of [true, false]) {
          const fused = grads((x, w, b) => batchNorm(x, null, null, { weight: w, bias: b, training: true }), shape, affine);
          const plain = grads((x, w, b) => batchNormComposed(x, w, b), shape, affine);
          const names = ['y', 'x.grad', 'weight.grad', 'bias.grad'];
          fused.forEach((t, i) => {
            if (t === null) assert.equal(plain[i], null, names[i]);
            else assertClose(t, plain[i] as Tensor, `${names[i]} ${JSON.stringify(shape)} affine=${affine}`, { rtol: 1e-4, atol: 1e-5 });
          });
        }
      }
    });
  });
}
