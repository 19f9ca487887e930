// MultiheadAttention: parameter names and shapes (PyTorch's), initialisation, forward = attend's
// output, isCausal = the causal mask, dropout only in training, unbatched input, gradcheck, and the
// argument errors. PyTorch parity with every mask kind: test/attention_parity.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose, gradcheck } from '../../test/helpers.js';
import { manualSeed } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { randn, zeros } from '../ops/creation.js';
import { MultiheadAttention } from './attention.js';
import { causalMask } from './functional/attention.js';

test("PyTorch's parameter names and shapes, packed or separate in-projection", () => {
  const shapes = (m: MultiheadAttention) => Object.fromEntries(m.namedParameters().map(([n, p]) => [n, [...p.shape]]));
  assert.deepEqual(shapes(new MultiheadAttention(8, 2)), {
    in_proj_weight: [24, 8],
    in_proj_bias: [24],
    'out_proj.weight': [8, 8],
    'out_proj.bias': [8],
  });
  assert.deepEqual(shapes(new MultiheadAttention(8, 2, { kdim: 5, vdim: 3, bias: false, addBiasKv: true })), {
    q_proj_weight: [8, 8],
    k_proj_weight: [8, 5],
    v_proj_weight: [8, 3],
    bias_k: [1, 1, 8],
    bias_v: [1, 1, 8],
    'out_proj.weight': [8, 8],
  });
});

test('initialisation: xavier-uniform in-projection, zero biases', () => {
  manualSeed(0);
  const m = new MultiheadAttention(16, 4);
  const w = m.inProjWeight?.toTypedArray() as Float32Array;
  const bound = Math.sqrt(6 / (16 + 48));
  assert.ok(w.every((x) => Math.abs(x) <= bound) && w.some((x) => Math.abs(x) > bound / 2), 'in_proj_weight within the xavier bound');
  assertClose(m.inProjBias as Tensor, 0, 'in_proj_bias');
  assertClose(m.outProj.bias as Tensor, 0, 'out_proj.bias');
});

test('forward is self-attention returning the output of attend', () => {
  manualSeed(1);
  const m = new MultiheadAttention(8, 2, { batchFirst: true });
  const x = randn([3, 5, 8]);
  const [out, w] = m.attend(x, x, x);
  assertClose(m.forward(x), out, 'forward');
  assert.deepEqual(w?.shape, [3, 5, 5]);
  assert.deepEqual(m.attend(x, x, x, { averageAttnWeights: false })[1]?.shape, [3, 2, 5, 5]);
  assert.equal(m.attend(x, x, x, { needWeights: false })[1], null);
});

test('isCausal without a mask equals the causal bool mask (true = masked out)', () => {
  manualSeed(2);
  const m = new MultiheadAttention(8, 2);
  const x = randn([6, 2, 8]);
  const [a, wa] = m.attend(x, x, x, { isCausal: true });
  const [b, wb] = m.attend(x, x, x, { attnMask: causalMask(6, 6, x).logicalNot() });
  assertClose(a, b, 'output');
  assertClose(wa as Tensor, wb as Tensor, 'weights');
  const w = wa?.toArray() as number[][][];
  assert.equal(w[0][0][1], 0, 'query 0 must not see key 1');
});

test('dropout acts in training only', () => {
  manualSeed(3);
  const m = new MultiheadAttention(8, 2, { dropout: 0.5 });
  const x = randn([4, 2, 8]);
  const evalOut = m.eval().forward(x);
  assertClose(m.forward(x), evalOut, 'eval is deterministic');
  assert.ok(m.train().forward(x).sub(evalOut).abs().max().item() > 1e-4, 'training applies dropout');
});

test('unbatched input (L, E) equals a batch of one', () => {
  manualSeed(4);
  const m = new MultiheadAttention(8, 4, { kdim: 3, vdim: 5 });
  const q = randn([4, 8]);
  const k = randn([6, 3]);
  const v = randn([6, 5]);
  const pad = zeros([6]).ne(0);
  const [a, wa] = m.attend(q, k, v, { keyPaddingMask: pad });
  const [b, wb] = m.attend(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1), { keyPaddingMask: pad.unsqueeze(0) });
  assertClose(a, b.reshape([4, 8]), 'output');
  assertClose(wa as Tensor, (wb as Tensor).reshape([4, 6]), 'weights');
});

test('gradcheck through the projections and a float mask', () => {
  manualSeed(5);
  const m = new MultiheadAttention(4, 2, { addBiasKv: true }).to('reference');
  const mask = randn([3, 4]).to('reference');
  gradcheck('MultiheadAttention', (q, k, v) => m.attend(q, k, v, { attnMask: mask, averageAttnWeights: false }) as never, [
    randn([3, 2, 4]).requiresGrad_(),
    randn([4, 2, 4]).requiresGrad_(),
    randn([4, 2, 4]).requiresGrad_(),
  ]);
});

test('errors name the argument, the expected and the received shape', () => {
  assert.throws(() => new MultiheadAttention(10, 3), /embedDim must be divisible by numHeads, got embedDim 10, numHeads 3/);
  const m = new MultiheadAttention(8, 2, { kdim: 5 });
  const q = randn([4, 2, 8]);
  const k = randn([6, 2, 5]);
  const v = randn([6, 2, 8]);
  assert.throws(() => m.attend(q, randn([6, 2, 8]), v), /key must be \(S, N, features\) with 5 features, got shape \[6, 2, 8\]/);
  assert.throws(() => m.attend(randn([4, 8, 2, 1]), k, v), /query must be \(L, N, E\).*got shape \[4, 8, 2, 1\]/);
  assert.throws(() => m.attend(q, k, randn([5, 2, 8])), /key and value must have query's batch size and the same length/);
  assert.throws(() => m.attend(q, k, v, { attnMask: zeros([4, 5]) }), /attnMask must be \(L, S\) = \[4, 6\] when 2-D, got shape \[4, 5\]/);
  assert.throws(
    () => m.attend(q, k, v, { attnMask: zeros([2, 4, 6]) }),
    /attnMask must be \(N \* numHeads, L, S\) = \[4, 4, 6\] when 3-D, got shape \[2, 4, 6\]/,
  );
  assert.throws(
    () => m.attend(q, k, v, { keyPaddingMask: zeros([6, 2]) }),
    /keyPaddingMask must be \(N, S\) = \[2, 6\], got shape \[6, 2\]/,
  );
});
