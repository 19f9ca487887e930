// RNN, LSTM, GRU and their cells: shapes, PyTorch's parameter names, gradient checks of every cell
// kind, lengths, dropout between layers, and the errors for wrong inputs, states and lengths.
// Numerical parity with PyTorch lives in test/rnn_parity.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradcheck } from '../../test/helpers.js';
import { randn, tensor } from '../index.js';
import { cellStep, inputProjection, type RecurrentMode, recurrentLayer } from './functional/recurrent.js';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from './index.js';

test('LSTM shapes and PyTorch parameter names (numLayers 2, bidirectional, projSize)', () => {
  const lstm = new LSTM(4, 6, { numLayers: 2, bidirectional: true, projSize: 3 });
  const names = lstm.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`);
  assert.deepEqual(names.slice(0, 5), ['weight_ih_l0:24x4', 'weight_hh_l0:24x3', 'bias_ih_l0:24', 'bias_hh_l0:24', 'weight_hr_l0:3x6']);
  assert.ok(names.includes('weight_ih_l1_reverse:24x6'));
  const { output, hN, cN } = lstm.forwardState(randn([5, 2, 4]));
  assert.deepEqual(output.shape, [5, 2, 6]);
  assert.deepEqual(hN.shape, [4, 2, 3]);
  assert.deepEqual(cN?.shape, [4, 2, 6]);
  for (const p of lstm.parameters()) {
    const v = p.toTypedArray();
    assert.ok(
      v.every((x) => Math.abs(x) <= 1 / Math.sqrt(6)),
      'init within 1/sqrt(hidden)',
    );
  }
});

test('GRU and RNN: batchFirst, unbatched input, state dicts round trip', () => {
  const gru = new GRU(3, 4, { batchFirst: true });
  assert.deepEqual(gru.forward(randn([2, 7, 3])).shape, [2, 7, 4]);
  const r = gru.forwardState(randn([7, 3]));
  assert.deepEqual(
    [r.output.shape, r.hN.shape],
    [
      [7, 4],
      [1, 4],
    ],
  );
  const rnn = new RNN(3, 4, { nonlinearity: 'relu', bias: false });
  assert.deepEqual([...rnn.stateDict().keys()], ['weight_ih_l0', 'weight_hh_l0']);
  const copy = new RNN(3, 4, { nonlinearity: 'relu', bias: false });
  copy.loadStateDict(rnn.stateDict());
  const x = randn([5, 2, 3]);
  assert.deepEqual(copy.forward(x).toArray(), rnn.forward(x).toArray());
  assert.deepEqual(rnn.getConfig().nonlinearity, 'relu');
});

test('lengths: outputs zero past the end, final state taken at each sequence end', () => {
  const lstm = new LSTM(3, 4);
  const x = randn([6, 2, 3]);
  const { output, hN } = lstm.forwardState(x, { lengths: tensor([6, 3], { dtype: 'int32' }) });
  const out = output.toArray() as number[][][];
  for (let t = 3; t < 6; t++) assert.ok(out[t][1].every((v) => v === 0));
  const asArray = lstm.forwardState(x, { lengths: [6, 3] });
  assert.deepEqual(asArray.hN.toArray(), hN.toArray());
  // Sequence 1 alone, truncated to 3 steps, ends in the same state.
  const x1 = tensor((x.toArray() as number[][][]).slice(0, 3).map((step) => [step[1]]));
  const ref = lstm.forwardState(x1).hN.toArray() as number[][][];
  const got = hN.toArray() as number[][][];
  ref[0][0].forEach((v, i) => {
    assert.ok(Math.abs(v - got[0][1][i]) < 1e-6);
  });
});

test('dropout acts between layers in training only', () => {
  const gru = new GRU(3, 8, { numLayers: 2, dropout: 0.5 });
  const x = randn([4, 2, 3]);
  gru.eval();
  const a = gru.forward(x).toArray();
  assert.deepEqual(gru.forward(x).toArray(), a);
  gru.train();
  assert.notDeepEqual(gru.forward(x).toArray(), a);
  const one = new GRU(3, 8, { dropout: 0.5 });
  assert.deepEqual(one.forward(x).toArray(), one.forward(x).toArray(), 'no dropout after the last layer');
});

test('cells: shapes, names and unbatched input', () => {
  const cell = new LSTMCell(3, 5);
  assert.deepEqual(
    cell.namedParameters().map(([n]) => n),
    ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'],
  );
  const [h, c] = cell.forwardState(randn([2, 3]));
  assert.deepEqual(
    [h.shape, c.shape],
    [
      [2, 5],
      [2, 5],
    ],
  );
  assert.deepEqual(new GRUCell(3, 5).forward(randn([3])).shape, [5]);
  assert.deepEqual(new RNNCell(3, 5, { nonlinearity: 'relu' }).forward(randn([4, 3]), randn([4, 5])).shape, [4, 5]);
});

for (const [mode, fused] of [
  ['RNN_TANH', false],
  ['RNN_RELU', false],
  ['LSTM', true],
  ['LSTM', false],
  ['GRU', true],
  ['GRU', false],
] as [RecurrentMode, boolean][]) {
  test(`gradcheck: one ${mode} step against finite differences (${fused ? 'fused' : 'composed'})`, () => {
    const G = (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1) * 3;
    const leaf = (shape: number[]) => randn(shape).mul(0.7).detach().requiresGrad_();
    const xs = [leaf([2, 4]), leaf([2, 3]), leaf([2, 3]), leaf([G, 4]), leaf([G, 3]), leaf([G]), leaf([G])];
    gradcheck(
      `${mode} cell`,
      (x, h, c, wIh, wHh, bIh, bHh) => {
        const w = { wIh, wHh, bIh, bHh };
        const s = cellStep(mode, inputProjection(x.reshape([1, 2, 4]), w).reshape([2, G]), { h, c }, w, { fused });
        return s.c ? [s.h, s.c] : [s.h];
      },
      mode === 'LSTM' ? xs : [xs[0], xs[1], xs[2].detach(), ...xs.slice(3)],
    );
  });
}

test('errors name the argument, the expected and the received shape', () => {
  const lstm = new LSTM(4, 6, { numLayers: 2 });
  assert.throws(() => lstm.forward(randn([5, 2, 2, 4])), /LSTM\(4, 6\): input must be \(T, B, inputSize\).*got shape \[5, 2, 2, 4\]/);
  assert.throws(() => lstm.forward(randn([5, 2, 3])), /input must have inputSize=4 .*got shape \[5, 2, 3\]/);
  assert.throws(() => lstm.forwardState(randn([5, 2, 4]), { h0: randn([1, 2, 6]) }), /h0 must have shape \[2, 2, 6\].*got \[1, 2, 6\]/);
  assert.throws(() => lstm.forwardState(randn([5, 2, 4]), { c0: randn([2, 3, 6]) }), /c0 must have shape \[2, 2, 6\].*got \[2, 3, 6\]/);
  assert.throws(() => lstm.forwardState(randn([5, 2, 4]), { lengths: [5] }), /lengths must have B=2 entries, got 1/);
  assert.throws(() => lstm.forwardState(randn([5, 2, 4]), { lengths: [5, 6] }), /lengths\[1\] must be an integer in 1\.\.5, got 6/);
  assert.throws(() => new GRU(4, 6).forwardState(randn([5, 2, 4]), { c0: randn([1, 2, 6]) }), /c0 is only for LSTM/);
  assert.throws(() => new LSTM(4, 6, { projSize: 6 }), /projSize must be smaller than hiddenSize \(6\), got 6/);
  assert.throws(() => new RNN(4, 6, { nonlinearity: 'gelu' as 'tanh' }), /nonlinearity must be one of 'tanh', 'relu', got/);
  assert.throws(() => new GRUCell(4, 6).forward(randn([2, 4]), randn([3, 6])), /GRUCell\(4, 6\): h must have shape \[2, 6\], got \[3, 6\]/);
});

for (const mode of ['LSTM', 'GRU'] as RecurrentMode[]) {
  test(`${mode}: the fused cell matches the composed reference path, forward and backward, with lengths`, () => {
    const G = (mode === 'LSTM' ? 4 : 3) * 5;
    const leaf = (shape: number[]) => randn(shape).mul(0.5).detach().requiresGrad_();
    const w = { wIh: leaf([G, 3]), wHh: leaf([G, 5]), bIh: leaf([G]), bHh: leaf([G]) };
    const x = leaf([6, 4, 3]);
    const h = leaf([4, 5]);
    const c = leaf([4, 5]);
    const mask = tensor(maskOf([6, 2, 5, 1], 6)).reshape([6, 4, 1]);
    const results = [true, false].map((fused) => {
      for (const t of [x, h, c, w.wIh, w.wHh, w.bIh, w.bHh]) t.grad = null;
      const { output, state } = recurrentLayer(mode, x, mode === 'LSTM' ? { h, c } : { h }, w, mask, true, fused);
      const up = randnLike(output, 7);
      output.mul(up).sum().add(state.h.sum()).backward();
      return [output, state.h, x.grad, h.grad, w.wIh.grad, w.wHh.grad, w.bHh.grad, mode === 'LSTM' ? c.grad : h.grad].map(
        (t) => t?.toTypedArray() ?? new Float32Array(0),
      );
    });
    results[0].forEach((a, k) => {
      assert.equal(a.length, results[1][k].length);
      a.forEach((v, i) => {
        assert.ok(Math.abs(v - results[1][k][i]) <= 1e-5 + 1e-5 * Math.abs(v), `tensor ${k} element ${i}: ${v} vs ${results[1][k][i]}`);
      });
    });
  });
}

function maskOf(lengths: number[], T: number): number[] {
  const m: number[] = [];
  for (let t = 0; t < T; t++) for (const n of lengths) m.push(t < n ? 1 : 0);
  return m;
}

function randnLike(t: { shape: readonly number[] }, seed: number): ReturnType<typeof tensor> {
  const n = t.shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => Math.sin(seed * 131 + i * 0.7))).reshape([...t.shape]);
}
