// A plain PyTorch-style training loop (forward, loss, backward, SGD-like update) must hold memory
// flat for 10,000 steps without a single dispose(), on every device: on the CPU device the heap's
// spill budget bounds the wasm memory; the JS garbage collector reclaims everything else (the
// reference device's buffers are JS memory).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy, manualSeed, memoryStats, noGrad, randint, randn, type Tensor } from '../src/index.js';
import { DEVICES, withDevice } from './helpers.js';

const MiB = 2 ** 20;

function trainLoop(steps: number, onStep: (step: number) => void): number {
  manualSeed(1);
  const x = randn([32, 20]);
  const y = randint(0, 10, [32]);
  const w1 = randn([20, 64]).mul(0.2).requiresGrad_();
  const b1 = randn([64]).mul(0.01).requiresGrad_();
  const w2 = randn([64, 10]).mul(0.2).requiresGrad_();
  const b2 = randn([10]).mul(0.01).requiresGrad_();
  const params: Tensor[] = [w1, b1, w2, b2];
  let loss = 0;
  for (let step = 1; step <= steps; step++) {
    const h = x.matmul(w1).add(b1).relu();
    const out = crossEntropy(h.matmul(w2).add(b2), y);
    out.backward();
    noGrad(() => {
      for (const p of params) {
        p.sub_((p.grad as Tensor).mul(0.05));
        p.grad = null;
      }
    });
    loss = out.item();
    onStep(step);
  }
  return loss;
}

for (const name of DEVICES) {
  test(`memory stays flat over a 10,000-step training loop (${name})`, () =>
    withDevice(name, () => {
      let rssAt2k = 0;
      let heapAt2k = 0;
      let maxRss = 0;
      const loss = trainLoop(10_000, (step) => {
        if (step % 500 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
        if (step === 2000) {
          rssAt2k = process.memoryUsage().rss;
          heapAt2k = memoryStats().heapBytes;
        }
      });
      const stats = memoryStats();
      // it learned something: the loss went down from ~2.3 (10 classes at random)
      assert.ok(loss < 1.5, `training loss ${loss} did not go down`);
      // the tensor heap stops growing once the spill budget is reached (on 'reference', where
      // nothing goes on the heap, trivially)
      assert.ok(
        stats.heapBytes <= heapAt2k * 1.25 + 16 * MiB,
        `tensor heap grew from ${heapAt2k / MiB} MiB to ${stats.heapBytes / MiB} MiB`,
      );
      assert.ok(
        stats.residentBytes <= stats.budgetBytes + 4 * MiB,
        `resident ${stats.residentBytes / MiB} MiB exceeds budget ${stats.budgetBytes / MiB} MiB`,
      );
      // and the process as a whole holds flat (the JS garbage collector reclaims spilled garbage)
      const growth = (maxRss - rssAt2k) / MiB;
      assert.ok(growth < 96, `RSS grew by ${growth.toFixed(1)} MiB between step 2,000 and 10,000`);
    }));
}
