// The fused Adam/AdamW primitive against the same update composed from elementwise ops: bit for
// bit, on every backend, for every option, on sizes that exercise the vector tails and the split
// over threads. (Both are checked against PyTorch in test/optim_parity.test.ts.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withDevice } from '../../test/helpers.js';
import { Generator, getNumThreads, noGrad, randn, setNumThreads, type Tensor } from '../index.js';
import { type AdamGroup, type AdamState, adamUpdate, adamUpdateComposed } from './adam.js';

const VARIANTS: [string, Partial<AdamGroup>, boolean][] = [
  ['Adam', {}, false],
  ['Adam L2', { weightDecay: 0.1 }, false],
  ['AdamW', { weightDecay: 0.05 }, true],
  ['AdamW amsgrad maximize', { weightDecay: 0.01, amsgrad: true, maximize: true }, true],
];

function run(n: number, h: AdamGroup, decoupled: boolean, fused: boolean, seed: number): Tensor[] {
  const gen = new Generator(seed);
  const p = randn([n], { generator: gen });
  const state: AdamState = {};
  noGrad(() => {
    for (let step = 0; step < 3; step++) {
      const g = randn([n], { generator: gen });
      (fused ? adamUpdate : adamUpdateComposed)(p, g, state, h, decoupled);
    }
  });
  return [p, state.expAvg!, state.expAvgSq!, ...(state.maxExpAvgSq ? [state.maxExpAvgSq] : [])];
}

for (const backend of ['reference', 'cpu']) {
  test(`fused adamStep equals the composed update bit for bit (${backend})`, () => {
    const threads = getNumThreads();
    setNumThreads(2);
    try {
      withDevice(backend, () => {
        for (const n of [1, 7, 64, 300_001]) {
          for (const [name, opts, decoupled] of VARIANTS) {
            const h: AdamGroup = { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...opts };
            const a = run(n, h, decoupled, true, n);
            const b = run(n, h, decoupled, false, n);
            a.forEach((t, i) => {
              const x = t.toTypedArray();
              const y = b[i].toTypedArray();
              const bad = x.findIndex((v, j) => !Object.is(v, y[j]));
              assert.equal(bad, -1, `${name}, n=${n}, tensor ${i}: element ${bad} is ${x[bad]} fused, ${y[bad]} composed`);
            });
          }
        }
      });
    } finally {
      setNumThreads(threads);
    }
  });
}
