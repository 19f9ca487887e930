// PyTorch parity for the recurrent layers: replays test/fixtures/torch_rnn/rnn.json (RNN, LSTM, GRU
// with numLayers 2, bidirectional, batchFirst, projSize, initial states, per-sequence lengths, and
// the three cells) on the cpu and reference devices. Each case loads PyTorch's state dict (strict,
// PyTorch's parameter names), runs forwardState, feeds PyTorch's upstream gradients to every output
// and compares outputs and the gradients of the input, the initial states and every parameter with
// float64 PyTorch. Regenerate with `/usr/bin/python3 scripts/torch_rnn_fixtures.py`.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/rnn_parity.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tensor } from '../src/index.js';
import * as T from '../src/index.js';
import { fixtureDir, loadCases } from './fixture_files.js';
import { withDevice } from './helpers.js';

/** float32 against float64 references: |got - want| <= atol + rtol * |want|. */
const RTOL = 1e-5;
const ATOL = 1e-5;

interface Spec {
  shape: number[];
  data: number[];
}

interface Case {
  name: string;
  kind: 'LSTM' | 'GRU' | 'RNN' | 'LSTMCell' | 'GRUCell' | 'RNNCell';
  inputSize: number;
  hiddenSize: number;
  options: Record<string, number | boolean | string>;
  state: Record<string, Spec>;
  x: Spec;
  h0?: Spec;
  c0?: Spec;
  lengths?: number[];
  outs: Record<string, Spec>;
  upstream: Record<string, Spec>;
  grads: Record<string, Spec>;
}

const cases = loadCases<Case>(fixtureDir('torch_rnn'), 'rnn.json', '/usr/bin/python3 scripts/torch_rnn_fixtures.py');

function fromSpec(s: Spec, grad = false): Tensor {
  const t = T.reshape(T.tensor(Float32Array.from(s.data)), s.shape).detach();
  return grad ? t.requiresGrad_() : t;
}

function expectClose(label: string, got: Tensor | null | undefined, want: Spec): void {
  assert.ok(got, `${label}: missing`);
  assert.deepEqual([...got.shape], want.shape, `${label}: shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`);
  const values = got.toTypedArray();
  let worst = 0;
  let at = -1;
  want.data.forEach((w, i) => {
    const excess = Math.abs(values[i] - w) - (ATOL + RTOL * Math.abs(w));
    if (excess > worst) [worst, at] = [excess, i];
  });
  assert.ok(at < 0, `${label}: element ${at} is ${values[at]}, expected ${want.data[at]} (rtol ${RTOL}, atol ${ATOL})`);
}

function build(c: Case): T.Module {
  const o = c.options as Record<string, never>;
  switch (c.kind) {
    case 'LSTM':
      return new T.LSTM(c.inputSize, c.hiddenSize, o);
    case 'GRU':
      return new T.GRU(c.inputSize, c.hiddenSize, o);
    case 'RNN':
      return new T.RNN(c.inputSize, c.hiddenSize, o);
    case 'LSTMCell':
      return new T.LSTMCell(c.inputSize, c.hiddenSize, o);
    case 'GRUCell':
      return new T.GRUCell(c.inputSize, c.hiddenSize, o);
    case 'RNNCell':
      return new T.RNNCell(c.inputSize, c.hiddenSize, o);
  }
}

function run(c: Case, m: T.Module, x: Tensor, h0: Tensor | null, c0: Tensor | null): Record<string, Tensor> {
  if (m instanceof T.LSTMCell) {
    const [h, cc] = m.forwardState(x, h0, c0);
    return { h, c: cc };
  }
  if (m instanceof T.GRUCell || m instanceof T.RNNCell) return { h: m.forward(x, h0 ?? undefined) };
  const r = (m as T.LSTM).forwardState(x, { h0, c0, lengths: c.lengths });
  return r.cN ? { output: r.output, hN: r.hN, cN: r.cN } : { output: r.output, hN: r.hN };
}

for (const device of ['cpu', 'reference']) {
  describe(`recurrent layers match PyTorch 1.13 on ${device}`, () => {
    for (const c of cases) {
      test(c.name, () =>
        withDevice(device, () => {
          const m = build(c);
          m.loadStateDict(new Map(Object.entries(c.state).map(([k, s]) => [k, fromSpec(s)])));
          assert.deepEqual([...m.stateDict().keys()].sort(), Object.keys(c.state).sort(), 'state dict keys are PyTorch names');
          const x = fromSpec(c.x, true);
          const h0 = c.h0 ? fromSpec(c.h0, true) : null;
          const c0 = c.c0 ? fromSpec(c.c0, true) : null;
          const outs = run(c, m, x, h0, c0);
          let loss: Tensor | null = null;
          for (const [k, want] of Object.entries(c.outs)) {
            expectClose(`${c.name} ${k}`, outs[k], want);
            const term = T.sum(T.mul(outs[k], fromSpec(c.upstream[k])));
            loss = loss === null ? term : T.add(loss, term);
          }
          (loss as Tensor).backward();
          const params = new Map(m.namedParameters());
          for (const [k, want] of Object.entries(c.grads)) {
            const t = k === 'x' ? x : k === 'h0' ? h0 : k === 'c0' ? c0 : params.get(k);
            expectClose(`${c.name} grad ${k}`, t?.grad, want);
          }
        }),
      );
    }
  });
}
