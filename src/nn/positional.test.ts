// Positional encodings: the sinusoidal table's formula and module (offsets, dropout, buffer not
// persisted), the learned table (rows, gradients, an Embedding's state dict), rotary embeddings
// (rotation preserves norms, q.k depends only on the position difference, both pairings,
// gradchecks) and errors. Values against PyTorch: test/torch_parity_lm_blocks.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose, gradcheck } from '../../test/helpers.js';
import { manualSeed, randn, tensor, zeros } from '../index.js';
import {
  applyRotary,
  Embedding,
  LearnedPositionalEmbedding,
  RotaryEmbedding,
  rotaryTables,
  SinusoidalPositionalEncoding,
  sinusoidalEncoding,
} from './index.js';

test('sinusoidalEncoding follows the formula, with an offset', () => {
  const d = 6;
  const pe = sinusoidalEncoding(5, d, { offset: 7 }).toArray() as number[][];
  for (let p = 0; p < 5; p++) {
    for (let j = 0; j < d; j++) {
      const a = (p + 7) / 10000 ** ((2 * Math.floor(j / 2)) / d);
      assert.ok(Math.abs(pe[p][j] - (j % 2 === 0 ? Math.sin(a) : Math.cos(a))) < 1e-6, `pe[${p}][${j}]`);
    }
  }
  assert.deepEqual(sinusoidalEncoding(3, 5).shape, [3, 5]); // odd width: last column a sine
});

test('SinusoidalPositionalEncoding adds the table along dim -2; encode(x, offset) continues it', () => {
  const pos = new SinusoidalPositionalEncoding(8, { maxLen: 32 });
  const x = randn([2, 10, 8]);
  assertClose(pos.forward(x), x.add(sinusoidalEncoding(10, 8)), 'forward');
  assertClose(pos.encode(x.narrow(1, 4, 6), 4), pos.forward(x).narrow(1, 4, 6), 'offset 4');
  assert.deepEqual([...pos.stateDict().keys()], [], 'the table is recomputed, not saved');
  assert.deepEqual(pos.getConfig(), { dModel: 8, maxLen: 32, dropout: 0, base: 10000 });
  assert.throws(() => pos.encode(x, 23), /positions 23\.\.32 run past maxLen 32/);
  assert.throws(() => pos.forward(randn([2, 10, 7])), /input must be \(\*, T, 8\)/);
});

test('SinusoidalPositionalEncoding drops out in training only', () => {
  manualSeed(3);
  const pos = new SinusoidalPositionalEncoding(16, { maxLen: 8, dropout: 0.5 });
  const x = zeros([4, 8, 16]);
  const y = pos.forward(x).toTypedArray();
  assert.ok(y.some((v) => v === 0) && y.some((v) => Math.abs(v) > 1.01), 'zeros and 2x-scaled values in training');
  pos.eval();
  assertClose(pos.forward(x), sinusoidalEncoding(8, 16).reshape([1, 8, 16]).expand([4, 8, 16]), 'eval: no dropout');
});

test('LearnedPositionalEmbedding adds rows offset..offset+T-1 and loads an Embedding state dict', () => {
  const pos = new LearnedPositionalEmbedding(12, 4);
  const emb = new Embedding(12, 4);
  pos.loadStateDict(emb.stateDict());
  assertClose(pos.weight, emb.weight, 'loaded');
  const x = randn([3, 5, 4], { requiresGrad: true });
  const ids = tensor([2, 3, 4, 5, 6], { dtype: 'int32' });
  assertClose(pos.encode(x, 2), x.add(emb.forward(ids)), 'offset 2');
  assertClose(pos.positions(5, 2), emb.forward(ids), 'positions()');
  pos.forward(x).sum().backward();
  const g = pos.weight.grad?.toArray() as number[][];
  assert.deepEqual(
    g.map((r) => r[0]),
    [3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0],
    'each used row gets the batch count',
  );
  assert.throws(() => pos.encode(x, 8), /positions 8\.\.12 run past maxLen 12/);
  gradcheck(
    'learned positions',
    (w, xx) => xx.add(w.narrow(0, 1, 5)),
    [randn([12, 4], { requiresGrad: true }), x.detach().requiresGrad_(true)],
    { eps: 1 },
  );
});

for (const interleaved of [false, true]) {
  const conv = interleaved ? 'interleaved' : 'half-split';
  test(`applyRotary (${conv}) rotates pairs: norms kept, q.k depends on the position difference only`, () => {
    const d = 8;
    const q = randn([1, d]);
    const k = randn([1, d]);
    const opts = { interleaved };
    const dot = (pq: number, pk: number) =>
      applyRotary(q, pq, opts)
        .mul(applyRotary(k, pk, opts))
        .sum()
        .item();
    assert.ok(Math.abs(dot(5, 2) - dot(13, 10)) < 1e-4, 'shift invariant');
    assert.ok(Math.abs(dot(5, 2) - dot(2, 5)) > 1e-3, 'not symmetric');
    const x = randn([2, 3, 6, d]);
    const r = applyRotary(x, 4, opts);
    assertClose(r.mul(r).sum(-1), x.mul(x).sum(-1), 'norms', { rtol: 1e-5, atol: 1e-5 });
    assertClose(applyRotary(x, 0, opts).select(2, 0), x.select(2, 0), 'position 0 is the identity');
    // a position list equals the offset form
    assertClose(applyRotary(x, [4, 5, 6, 7, 8, 9], opts), r, 'list = offset');
    gradcheck(`rotary ${conv}`, (xx) => applyRotary(xx, [3, 0, 9, 1, 2, 40], opts), [x.detach().requiresGrad_(true)], { eps: 1 });
  });
}

test('the two pairings differ and rotaryTables lays angles out for each', () => {
  const x = randn([4, 8]);
  assert.ok(
    applyRotary(x, 1)
      .sub(applyRotary(x, 1, { interleaved: true }))
      .abs()
      .max()
      .item() > 1e-3,
  );
  const half = rotaryTables([1], 4).cos.toArray() as number[][];
  const inter = rotaryTables([1], 4, { interleaved: true }).cos.toArray() as number[][];
  const [c0, c1] = [Math.cos(1), Math.cos(1 / 100)];
  assertClose(tensor(half[0]), [c0, c1, c0, c1], 'half-split');
  assertClose(tensor(inter[0]), [c0, c0, c1, c1], 'interleaved');
});

test('RotaryEmbedding is applyRotary with its options; errors name the argument', () => {
  const rope = new RotaryEmbedding(8, { base: 500, interleaved: true });
  const x = randn([2, 5, 8]);
  assertClose(rope.rotate(x, 3), applyRotary(x, 3, { base: 500, interleaved: true }), 'rotate');
  assertClose(rope.forward(x), applyRotary(x, 0, { base: 500, interleaved: true }), 'forward');
  assert.deepEqual(rope.getConfig(), { dim: 8, base: 500, interleaved: true });
  assert.throws(() => new RotaryEmbedding(7), /dim must be even, got 7/);
  assert.throws(() => rope.forward(randn([2, 5, 6])), /input must be \(\*, T, 8\)/);
  assert.throws(() => applyRotary(randn([3, 5]), 0), /D must be even/);
  assert.throws(() => applyRotary(x, [1, 2]), /one entry per row \(5\), got 2/);
  assert.throws(() => applyRotary(x, [0, 1, 2, 3, 0.5]), /integers, got 0.5/);
});
