// PyTorch parity for nn layers and losses: replays test/fixtures/torch_nn/*.json on every backend.
// Each case rebuilds the layer from its tessera config (layerFromConfig), loads PyTorch's state
// dict (loadStateDict, strict), runs it, and compares the output, the gradients of the inputs and
// of every parameter, and the buffers afterwards (BatchNorm's running statistics) with float64
// PyTorch. Needs no Python; regenerate with `/usr/bin/python3 scripts/torch_nn_fixtures.py`, which
// also documents the format.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/nn_parity.test.js

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { TypedArray } from '../src/core/dtype.js';
import type { DType, Tensor } from '../src/index.js';
import * as T from '../src/index.js';
import { type LayerConfig, layerFromConfig, layerTypes } from '../src/nn/index.js';
import { fixtureDir, loadFamilies } from './fixture_files.js';
import { DEVICES, deviceReady, settleReads, withValues } from './helpers.js';

/** float32 against float64 references: |got - want| <= atol + rtol * |want|. */
const DEFAULT_TOL: Tol = { rtol: 1e-4, atol: 1e-5 };

interface Tol {
  rtol: number;
  atol: number;
}

interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: number[];
  grad?: boolean;
}

interface Case {
  name: string;
  layer: LayerConfig;
  train: boolean;
  state: Record<string, TensorSpec>;
  warmup?: TensorSpec[][];
  inputs: TensorSpec[];
  out: TensorSpec;
  upstream: TensorSpec;
  inputGrads: (TensorSpec | null)[];
  paramGrads: Record<string, TensorSpec>;
  stateAfter?: Record<string, TensorSpec>;
  tol?: Tol;
}

function fromSpec(s: TensorSpec): Tensor {
  const t = T.reshape(T.tensor(s.data, { dtype: s.dtype }), s.shape).detach();
  return s.grad ? t.requiresGrad_() : t;
}

function expectClose(label: string, got: Tensor, want: TensorSpec, tol: Tol): void {
  assert.deepEqual([...got.shape], want.shape, `${label}: shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`);
  withValues([got], ([values]) => compareValues(label, values, want, tol));
}

function compareValues(label: string, values: TypedArray, want: TensorSpec, tol: Tol): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const w = want.data[i];
    const ok = want.dtype === 'float32' ? Math.abs(values[i] - w) <= tol.atol + tol.rtol * Math.abs(w) : values[i] === w;
    if (!ok) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    assert.fail(
      `${label}: ${bad} of ${values.length} values differ; first at flat index ${first}: got ${values[first]}, expected ${want.data[first]}`,
    );
  }
}

function checkCase(c: Case): void {
  const tol = c.tol ?? DEFAULT_TOL;
  const layer = layerFromConfig(c.layer).train(c.train);
  layer.loadStateDict(new Map(Object.entries(c.state).map(([k, s]) => [k, fromSpec(s)])));
  for (const call of c.warmup ?? []) T.noGrad(() => layer.forward(...call.map(fromSpec)));
  const inputs = c.inputs.map(fromSpec);
  const out = layer.forward(...inputs);
  expectClose('output', out, c.out, tol);

  if (out.requiresGrad) out.backward(fromSpec(c.upstream));
  c.inputGrads.forEach((g, i) => {
    if (g === null) return;
    const got = inputs[i].grad;
    assert.ok(got !== null, `input ${i}: no gradient reached it`);
    expectClose(`grad of input ${i}`, got, g, tol);
  });
  const params = new Map(layer.namedParameters());
  assert.deepEqual([...params.keys()].sort(), Object.keys(c.paramGrads).sort(), 'parameters with gradients');
  for (const [name, g] of Object.entries(c.paramGrads)) {
    const got = params.get(name)?.grad ?? null;
    assert.ok(got !== null, `parameter ${name}: no gradient`);
    expectClose(`grad of ${name}`, got, g, tol);
  }
  const state = layer.stateDict();
  for (const [name, want] of Object.entries(c.stateAfter ?? {})) {
    const got = state.get(name);
    assert.ok(got !== undefined, `buffer ${name} is missing from the state dict`);
    expectClose(`buffer ${name} after forward`, got, want, tol);
  }
}

const FIXTURES = fixtureDir('torch_nn');
const families = loadFamilies<Case>(FIXTURES);

/**
 * Layers whose PyTorch fixtures live in another parity suite: [fixture file under test/fixtures, a
 * string its cases contain]. LearnedPositionalEmbedding is an Embedding over positions (Embedding's
 * fixtures here; src/nn/positional.test.ts checks it against an Embedding).
 */
const ELSEWHERE: Record<string, [string, string]> = {
  RNN: ['torch_rnn/rnn.json', '"RNN'],
  LSTM: ['torch_rnn/rnn.json', '"LSTM'],
  GRU: ['torch_rnn/rnn.json', '"GRU'],
  RNNCell: ['torch_rnn/rnn.json', 'RNNCell'],
  LSTMCell: ['torch_rnn/rnn.json', 'LSTMCell'],
  GRUCell: ['torch_rnn/rnn.json', 'GRUCell'],
  MultiheadAttention: ['torch_attention/mha.json', 'MultiheadAttention'],
  RMSNorm: ['torch_lm/blocks.json', '"rms_norm"'],
  SinusoidalPositionalEncoding: ['torch_lm/blocks.json', '"sinusoidal"'],
  RotaryEmbedding: ['torch_lm/blocks.json', '"rotary"'],
  LearnedPositionalEmbedding: ['torch_nn/embedding.json', 'Embedding'],
};

test('every built-in layer and loss has a PyTorch fixture', () => {
  assert.ok(families.length > 0, `no fixtures in ${FIXTURES}: run /usr/bin/python3 scripts/torch_nn_fixtures.py`);
  const covered = new Set(families.flatMap(({ cases }) => cases.map((c) => c.layer.type)));
  const missing: string[] = [];
  for (const t of layerTypes()) {
    if (covered.has(t)) continue;
    const other = ELSEWHERE[t];
    const file = other === undefined ? '' : join(FIXTURES, '..', other[0]);
    if (other === undefined || !existsSync(file) || !readFileSync(file, 'utf8').includes(other[1])) missing.push(t);
  }
  assert.deepEqual(missing, []);
});

for (const backend of DEVICES) {
  describe(`nn parity [${backend}]`, () => {
    for (const { family, cases } of families) {
      describe(family, () => {
        for (const c of cases) {
          test(c.name, async (t) => {
            if (!(await deviceReady(backend, t))) return;
            T.setDefaultDevice(backend);
            T.manualSeed(0);
            try {
              checkCase(c);
              await settleReads();
            } catch (err) {
              if (err instanceof Error) err.message = `${c.name} [${backend}]: ${err.message}`;
              throw err;
            }
          });
        }
      });
    }
  });
}
