// scaledDotProductAttention: the tiled path against the composed one (forward and the gradients of
// q, k, v, every mask kind, broadcasting, block edges), finite-difference gradient checks of both,
// dropout, the dispatch to the tiled path, and the argument errors. PyTorch parity of the composed
// op: test/attention_parity.test.ts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertClose, gradcheck, withDevice } from '../../../test/helpers.js';
import { manualSeed } from '../../core/random.js';
import type { Tensor } from '../../core/tensor.js';
import { arange, rand, randn, zeros } from '../../ops/creation.js';
import { eq, gt } from '../../ops/elementwise.js';
import { sum } from '../../ops/reduce.js';
import { causalMask, scaledDotProductAttention, scaledDotProductAttentionComposed } from './attention.js';
import type { ScaledDotProductAttentionOptions } from './attention_args.js';
import { scaledDotProductAttentionTiled } from './attention_tiled.js';

const TOL = { rtol: 1e-5, atol: 2e-6 };

interface Setup {
  name: string;
  q: number[];
  k: number[];
  v: number[];
  options?: () => ScaledDotProductAttentionOptions;
}

/** A random 'allowed' mask with key 0 always allowed, so no row is empty (which gives NaN in both). */
const allowedMask = (shape: number[]): Tensor => gt(rand(shape), 0.4).logicalOr(eq(arange(shape[shape.length - 1]), 0));

const SETUPS: Setup[] = [
  { name: 'plain, L != S, Ev != E', q: [2, 10, 4], k: [2, 7, 4], v: [2, 7, 5] },
  { name: '2-D', q: [9, 3], k: [5, 3], v: [5, 2] },
  { name: 'causal, L = S', q: [2, 2, 10, 4], k: [2, 2, 10, 4], v: [2, 2, 10, 4], options: () => ({ isCausal: true }) },
  { name: 'causal, L < S', q: [1, 2, 7, 4], k: [1, 2, 11, 4], v: [1, 2, 11, 3], options: () => ({ isCausal: true }) },
  { name: 'causal, L > S', q: [1, 8, 4], k: [1, 5, 4], v: [1, 5, 3], options: () => ({ isCausal: true }) },
  { name: 'bool mask (L, S)', q: [2, 2, 10, 4], k: [2, 2, 6, 4], v: [2, 2, 6, 4], options: () => ({ attnMask: allowedMask([10, 6]) }) },
  {
    name: 'bool mask (B, 1, L, S)',
    q: [2, 2, 10, 4],
    k: [2, 2, 6, 4],
    v: [2, 2, 6, 4],
    options: () => ({ attnMask: allowedMask([2, 1, 10, 6]) }),
  },
  { name: 'bool mask (1, S)', q: [2, 10, 4], k: [2, 6, 4], v: [2, 6, 4], options: () => ({ attnMask: allowedMask([1, 6]) }) },
  {
    name: 'float mask (B, H, L, S)',
    q: [2, 2, 10, 4],
    k: [2, 2, 6, 4],
    v: [2, 2, 6, 4],
    options: () => ({ attnMask: randn([2, 2, 10, 6]) }),
  },
  {
    name: 'float mask broadcasting the batch',
    q: [3, 10, 4],
    k: [3, 6, 4],
    v: [3, 6, 4],
    options: () => ({ attnMask: randn([2, 1, 10, 6]) }),
  },
  { name: 'scale, k and v broadcast over the batch', q: [2, 3, 10, 4], k: [1, 3, 6, 4], v: [3, 6, 4], options: () => ({ scale: 0.3 }) },
];

function run(f: typeof scaledDotProductAttentionTiled, s: Setup, seed: number, blockSize?: number): Tensor[] {
  manualSeed(seed);
  const q = randn(s.q).requiresGrad_();
  const k = randn(s.k).requiresGrad_();
  const v = randn(s.v).requiresGrad_();
  const options = s.options?.() ?? {};
  manualSeed(seed + 1);
  const out = f(q, k, v, { ...options, blockSize });
  const g = randn(out.shape);
  sum(out.mul(g)).backward();
  return [out, q.grad as Tensor, k.grad as Tensor, v.grad as Tensor];
}

for (const device of ['cpu', 'reference']) {
  describe(`scaledDotProductAttentionTiled against the composition [${device}]`, () => {
    for (const s of SETUPS) {
      for (const blockSize of [1, 3, 4, 128]) {
        test(`${s.name}, blockSize ${blockSize}`, () =>
          withDevice(device, () => {
            const want = run(scaledDotProductAttentionComposed, s, 7);
            const got = run(scaledDotProductAttentionTiled, s, 7, blockSize);
            ['output', 'grad q', 'grad k', 'grad v'].forEach((label, i) => {
              assertClose(got[i], want[i], label, TOL);
            });
          }));
      }
    }
  });
}

test('a fully masked row is NaN in both paths, as in PyTorch', () => {
  const q = randn([3, 2]);
  const k = randn([4, 2]);
  const v = randn([4, 2]);
  const none = zeros([3, 4]).ne(0); // nothing allowed
  for (const f of [scaledDotProductAttentionComposed, scaledDotProductAttentionTiled]) {
    const out = f(q, k, v, { attnMask: none }).toArray() as number[][];
    assert.ok(out.flat().every(Number.isNaN), `${f.name}: ${JSON.stringify(out)}`);
  }
});

describe('gradcheck', () => {
  const mask = () => allowedMask([5, 6]);
  for (const f of [scaledDotProductAttentionComposed, scaledDotProductAttentionTiled]) {
    test(`${f.name}, bool mask and causal`, () => {
      manualSeed(3);
      const m = mask().to('reference');
      gradcheck(f.name, (q, k, v) => f(q, k, v, { attnMask: m, blockSize: 2 } as ScaledDotProductAttentionOptions), [
        randn([2, 5, 3]).requiresGrad_(),
        randn([2, 6, 3]).requiresGrad_(),
        randn([2, 6, 4]).requiresGrad_(),
      ]);
      gradcheck(`${f.name} causal`, (q, k, v) => f(q, k, v, { isCausal: true, blockSize: 2 } as ScaledDotProductAttentionOptions), [
        randn([5, 3]).requiresGrad_(),
        randn([5, 3]).requiresGrad_(),
        randn([5, 2]).requiresGrad_(),
      ]);
    });
  }
  test('the composed path differentiates a float mask too', () => {
    manualSeed(4);
    gradcheck('float mask', (q, k, v, m) => scaledDotProductAttentionComposed(q, k, v, { attnMask: m }), [
      randn([4, 3]).requiresGrad_(),
      randn([5, 3]).requiresGrad_(),
      randn([5, 2]).requiresGrad_(),
      randn([4, 5]).requiresGrad_(),
    ]);
  });
});

test('long sequences take the tiled path, with the same result; short ones and dropout the composition', () => {
  manualSeed(5);
  const q = randn([2, 512, 8]);
  const k = randn([2, 512, 8]);
  const v = randn([2, 512, 8]);
  const y = scaledDotProductAttention(q.requiresGrad_(), k, v, { isCausal: true });
  assert.equal(y.gradFn?.name, 'scaledDotProductAttentionTiled');
  assertClose(y, scaledDotProductAttentionComposed(q, k, v, { isCausal: true }), 'output', TOL);
  assert.notEqual(scaledDotProductAttention(q, k, v, { isCausal: true, dropoutP: 0.1 }).gradFn?.name, 'scaledDotProductAttentionTiled');
  const short = randn([1, 300, 4]).requiresGrad_(); // 300 x 300 scores
  assert.notEqual(scaledDotProductAttention(short, short, short, { isCausal: true }).gradFn?.name, 'scaledDotProductAttentionTiled');
});

test('dropout on the weights: seeded, scaled by 1/(1-p), all zero at p = 1', () => {
  const q = randn([2, 5, 4]);
  const k = randn([2, 6, 4]);
  const v = randn([2, 6, 4]);
  manualSeed(1);
  const a = scaledDotProductAttention(q, k, v, { dropoutP: 0.5 });
  manualSeed(1);
  const b = scaledDotProductAttention(q, k, v, { dropoutP: 0.5 });
  assertClose(a, b, 'same seed', { rtol: 0, atol: 0 });
  assert.ok(
    a
      .sub(scaledDotProductAttention(q, k, v))
      .abs()
      .max()
      .item() > 1e-3,
    'dropout changed nothing',
  );
  assertClose(scaledDotProductAttention(q, k, v, { dropoutP: 1 }), 0, 'p = 1');
});

test('errors name the argument, the expected and the received shape', () => {
  const q = randn([2, 5, 4]);
  const k = randn([2, 6, 4]);
  const v = randn([2, 6, 3]);
  const sdpa = scaledDotProductAttention;
  assert.throws(() => sdpa(q, randn([2, 6, 3]), v), /key must have query's 4 features in its last dim, got key shape \[2, 6, 3\]/);
  assert.throws(() => sdpa(q, k, randn([2, 5, 3])), /value must have key's 6 positions in dim -2, got value shape \[2, 5, 3\]/);
  assert.throws(() => sdpa(randn([4]), k, v), /query must be at least 2-D/);
  assert.throws(() => sdpa(q, k, v, { attnMask: randn([5, 7]) }), /attnMask must broadcast to \(\.\.\., 5, 6\).*got shape \[5, 7\]/);
  assert.throws(() => sdpa(q, k, v, { attnMask: causalMask(5, 6, q), isCausal: true }), /attnMask or isCausal, not both/);
  assert.throws(() => sdpa(q, k, v, { dropoutP: 1.5 }), /dropoutP must be in \[0, 1\], got 1.5/);
  assert.throws(() => scaledDotProductAttentionTiled(q, k, v, { dropoutP: 0.1 }), /dropoutP must be 0/);
  assert.throws(() => scaledDotProductAttentionTiled(q, k, v, { blockSize: 0 }), /blockSize must be a positive integer, got 0/);
});
