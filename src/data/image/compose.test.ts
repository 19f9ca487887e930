// normalize and compose, the contract every transform keeps (new tensor, input untouched, no
// autograd), and the time of a typical augmentation on a batch of 64 MNIST-sized images.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromArray } from '../../core/exec.js';
import type { Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';
import { DataLoader } from '../dataloader.js';
import { mapDataset, TensorDataset } from '../dataset.js';
import { compose } from './compose.js';
import { centerCrop, randomCrop } from './crop.js';
import { randomHorizontalFlip } from './flip.js';
import { normalize } from './normalize.js';
import { randomRotation } from './rotation.js';

test('normalize: (x - mean) / std per channel', () => {
  const x = fromArray([2, 2, 1, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(Array.from(normalize([1, 3], [2, 0.5])(x).toTypedArray()), [0, 0.5, 0, 2, 2, 2.5, 8, 10]);
  assert.deepEqual(Array.from(normalize(1, 2)(fromArray([1, 1, 2], [3, 5])).toTypedArray()), [1, 2]);
  assert.throws(() => normalize([0.5], [0]), /normalize: std must be positive in every channel, got 0 at index 0/);
  assert.throws(
    () => normalize([0.5, 0.5], 1)(fromArray([3, 1, 1], [1, 2, 3])),
    /normalize: mean must be a finite number or an array of 1 or 3 \(one per channel\) finite numbers, got \[0.5,0.5\] for 3 channels/,
  );
  assert.throws(() => normalize(Number.NaN, 1), /normalize: mean must be a finite number or an array of them/);
});

test('compose: the same as applying the transforms in turn; plain tensor functions mixed in', () => {
  const x = fromArray(
    [4, 1, 6, 6],
    Float32Array.from({ length: 144 }, (_, i) => i),
  );
  const steps = () => [randomCrop(5, { padding: 1, seed: 1 }), randomHorizontalFlip(0.5, { seed: 2 }), centerCrop(4), normalize(10, 2)];
  const composed = compose(steps())(x);
  const [a, b, c, d] = steps();
  assert.deepEqual(composed.toTypedArray(), d(c(b(a(x)))).toTypedArray());
  assert.deepEqual(composed.shape, [4, 1, 4, 4]);
  const withPlain = compose([centerCrop(4), (t: Tensor) => t.mul(2), normalize(0, 2)])(x);
  assert.deepEqual(withPlain.toTypedArray(), centerCrop(4)(x).toTypedArray());
  const nested = compose([compose([centerCrop(5)]), centerCrop(4)]);
  assert.deepEqual(nested(x).toTypedArray(), centerCrop(4)(centerCrop(5)(x)).toTypedArray());
  assert.throws(
    () => compose([centerCrop(4), 3 as never]),
    /compose: transforms\[1\] must be a transform \(a function of a tensor\), got number/,
  );
});

test('as DataLoader transforms: on whole batches, or sample by sample through mapDataset', () => {
  const x = fromArray(
    [10, 1, 4, 4],
    Float32Array.from({ length: 160 }, (_, i) => i),
  );
  const y = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { dtype: 'int32' });
  const ds = new TensorDataset(x, y);
  const batchFlip = randomHorizontalFlip(0.5, { seed: 7 });
  const batches = [...new DataLoader(ds, { batchSize: 4, transform: ([xb, yb]) => [batchFlip(xb), yb] })];
  assert.deepEqual(
    batches.map(([xb]) => xb.shape),
    [
      [4, 1, 4, 4],
      [4, 1, 4, 4],
      [2, 1, 4, 4],
    ],
  );
  // per sample, with the same seed, the same draws in the same order
  const sampleFlip = randomHorizontalFlip(0.5, { seed: 7 });
  const perSample = mapDataset(ds, ([xi, yi]) => [sampleFlip(xi), yi]);
  const samples = [...new DataLoader(perSample, { batchSize: 4 })];
  for (let b = 0; b < 3; b++) assert.deepEqual(samples[b][0].toTypedArray(), batches[b][0].toTypedArray());
  assert.deepEqual(samples[2][1].toArray(), [8, 9]);
});

test('every transform returns a new tensor, leaves its input alone and records no gradient', () => {
  const values = Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => i / 100);
  const x = fromArray([2, 3, 8, 8], values).requiresGrad_();
  const transforms = [
    normalize([0.5, 0.4, 0.3], [0.2, 0.2, 0.2]),
    randomCrop(6, { padding: 2, seed: 0 }),
    centerCrop(6),
    randomHorizontalFlip(1),
    randomRotation(20, { interpolation: 'bilinear', seed: 0 }),
    compose([randomHorizontalFlip(1), normalize(0, 1)]),
  ];
  for (const t of transforms) {
    const y = t(x);
    assert.notEqual(y, x);
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.deepEqual(x.toTypedArray(), values);
  }
});
