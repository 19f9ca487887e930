// The built-in Fashion-MNIST subset: present in the package, class-balanced, and learnable: a small
// MLP (784-64-10) trained with plain autograd and SGD with momentum (no nn module) reaches the
// accuracy its README states (78-81% over seeds here).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy, Generator, manualSeed, noGrad, randn, type Tensor, zeros } from '../index.js';
import { BUILTIN_DATASETS, DataLoader, FASHION_MNIST_CLASSES, loadBuiltin, TensorDataset } from './index.js';

test('fashion-mnist-small: 1,000 train and 500 test images, balanced, in [0, 1]', async () => {
  const d = await loadBuiltin('fashion-mnist-small');
  assert.deepEqual(d.train.images.shape, [1000, 1, 28, 28]);
  assert.deepEqual(d.test.images.shape, [500, 1, 28, 28]);
  assert.deepEqual(d.classes, FASHION_MNIST_CLASSES);
  assert.match(d.source, /data\/fashion-mnist-small\/$/);
  for (const [split, per] of [
    [d.train, 100],
    [d.test, 50],
  ] as const) {
    const counts = new Array(10).fill(0);
    for (const l of split.labels.toTypedArray()) counts[l]++;
    assert.deepEqual(counts, new Array(10).fill(per));
  }
  assert.equal(d.train.images.min().item(), 0);
  assert.equal(d.train.images.max().item(), 1);
  const flat = await loadBuiltin('fashion-mnist-small', { flatten: true });
  assert.deepEqual(flat.test.images.shape, [500, 784]);
  assert.ok(BUILTIN_DATASETS['fashion-mnist-small'].description.includes('MIT'));
  await assert.rejects(loadBuiltin('mnist' as never), /unknown dataset "mnist"; built-in datasets: fashion-mnist-small/);
});

test('an MLP trained on it for 10 epochs reaches >= 75% test accuracy', async () => {
  manualSeed(0);
  const { train, test: held } = await loadBuiltin('fashion-mnist-small', { flatten: true });
  const init = (fanIn: number, fanOut: number) =>
    randn([fanIn, fanOut])
      .mul(Math.sqrt(2 / fanIn))
      .requiresGrad_();
  const params: Tensor[] = [init(784, 64), zeros([64]).requiresGrad_(), init(64, 10), zeros([10]).requiresGrad_()];
  const [w1, b1, w2, b2] = params;
  const forward = (x: Tensor) => x.matmul(w1).add(b1).relu().matmul(w2).add(b2); // (B, 10)
  const velocity = params.map((p) => zeros(p.shape));
  const loader = new DataLoader(new TensorDataset(train.images, train.labels), {
    batchSize: 50,
    shuffle: true,
    generator: new Generator(1),
  });
  for (let epoch = 0; epoch < 10; epoch++) {
    for (const [x, y] of loader) {
      crossEntropy(forward(x), y).backward();
      noGrad(() =>
        params.forEach((p, i) => {
          velocity[i].mul_(0.9).add_(p.grad!);
          p.sub_(velocity[i], 0.02);
          p.grad = null;
        }),
      );
    }
  }
  const predicted = noGrad(() => forward(held.images).argmax(1));
  const accuracy = predicted.eq(held.labels).float().mean().item();
  assert.ok(accuracy >= 0.75, `test accuracy ${accuracy}`);
});
