// PyTorch parity for attention: replays test/fixtures/torch_attention/{sdpa,mha}.json on every
// backend. sdpa: scaledDotProductAttention against PyTorch 2's documented composition (torch 1.13
// has no F.scaled_dot_product_attention), output and the gradients of q, k, v, through the default
// path and through the tiled one (blockSize 2). mha: torch 1.13's
// nn.MultiheadAttention with every mask kind, kdim/vdim, batchFirst, addBiasKv, needWeights both
// ways: the state dict loads (strict), output, weights, and the gradients of the inputs and of every
// parameter. Regenerate with `/usr/bin/python3 scripts/torch_attention_fixtures.py` (documents the format).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/attention_parity.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TypedArray } from '../src/core/dtype.js';
import type { DType, Tensor } from '../src/index.js';
import * as T from '../src/index.js';
import { fixtureDir, loadCases } from './fixture_files.js';
import { DEVICES, deviceReady, settleReads, withValues } from './helpers.js';

/**
 * float32 against float64 PyTorch: |got - want| <= rtol * |want| + atol * max|want| (the 1e-5
 * relative). The second term scales with the tensor: gradients that cancel to ~0 in float64 (the key
 * bias's, which softmax's shift invariance makes exactly 0) keep float32 rounding of the big terms.
 */
const TOL = { rtol: 1e-5, atol: 1e-5 };

interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: (number | boolean)[];
}

interface SdpaCase {
  name: string;
  inputs: TensorSpec[];
  options: { attnMask?: TensorSpec; isCausal?: boolean; scale?: number };
  out: TensorSpec;
  upstream: TensorSpec;
  grads: TensorSpec[];
}

interface MhaCase {
  name: string;
  config: { embedDim: number; numHeads: number } & T.nn.MultiheadAttentionOptions;
  self: boolean;
  train: boolean;
  state: Record<string, TensorSpec>;
  inputs: TensorSpec[];
  options: {
    keyPaddingMask?: TensorSpec;
    attnMask?: TensorSpec;
    needWeights: boolean;
    averageAttnWeights: boolean;
    isCausal?: boolean;
  };
  out: TensorSpec;
  weights: TensorSpec | null;
  upstream: TensorSpec;
  upstreamWeights: TensorSpec | null;
  inputGrads: TensorSpec[];
  paramGrads: Record<string, TensorSpec>;
}

function fromSpec(s: TensorSpec, grad = false): Tensor {
  const t = T.reshape(T.tensor(s.data as number[], { dtype: s.dtype }), s.shape).detach();
  return grad ? t.requiresGrad_() : t;
}

function expectClose(label: string, got: Tensor | null, want: TensorSpec): void {
  assert.ok(got !== null, `${label}: missing (no gradient reached it?)`);
  assert.deepEqual([...got.shape], want.shape, `${label}: shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`);
  withValues([got], ([values]) => compareValues(label, values, want));
}

function compareValues(label: string, values: TypedArray, want: TensorSpec): void {
  let bad = 0;
  let first = -1;
  let worst = 0;
  let scale = 0;
  for (const w of want.data) scale = Math.max(scale, Math.abs(w as number));
  for (let i = 0; i < values.length; i++) {
    const w = want.data[i] as number;
    const err = Math.abs(values[i] - w) / (TOL.atol * scale + TOL.rtol * Math.abs(w));
    worst = Math.max(worst, err);
    if (!(err <= 1)) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    assert.fail(
      `${label}: ${bad} of ${values.length} values differ (worst ${worst.toFixed(2)}x the tolerance); first at flat index ${first}: got ${values[first]}, expected ${want.data[first]}`,
    );
  }
}

function checkSdpa(c: SdpaCase, tiled = false): void {
  const [q, k, v] = c.inputs.map((s) => fromSpec(s, true));
  const { attnMask, ...rest } = c.options;
  const options = { ...rest, attnMask: attnMask === undefined ? null : fromSpec(attnMask) };
  // blockSize 2: several blocks, and a short last one for odd lengths
  const out = tiled
    ? T.nn.functional.scaledDotProductAttentionTiled(q, k, v, { ...options, blockSize: 2 })
    : T.scaledDotProductAttention(q, k, v, options);
  expectClose('output', out, c.out);
  out.backward(fromSpec(c.upstream));
  for (const [i, x] of [q, k, v].entries()) expectClose(`grad of ${['q', 'k', 'v'][i]}`, x.grad, c.grads[i]);
}

function checkMha(c: MhaCase): void {
  const { embedDim, numHeads, ...options } = c.config;
  const mha = new T.MultiheadAttention(embedDim, numHeads, options).train(c.train);
  mha.loadStateDict(new Map(Object.entries(c.state).map(([name, s]) => [name, fromSpec(s)])));
  const inputs = c.inputs.map((s) => fromSpec(s, true));
  const [q, k, v] = c.self ? [inputs[0], inputs[0], inputs[0]] : inputs;
  const o = c.options;
  const [out, weights] = mha.attend(q, k, v, {
    needWeights: o.needWeights,
    averageAttnWeights: o.averageAttnWeights,
    isCausal: o.isCausal ?? false,
    keyPaddingMask: o.keyPaddingMask === undefined ? null : fromSpec(o.keyPaddingMask),
    attnMask: o.attnMask === undefined ? null : fromSpec(o.attnMask),
  });
  expectClose('output', out, c.out);
  if (c.weights === null) assert.equal(weights, null, 'weights returned without needWeights');
  else expectClose('weights', weights, c.weights);
  let loss = T.sum(T.mul(out, fromSpec(c.upstream)));
  if (weights !== null && c.upstreamWeights !== null) loss = T.add(loss, T.sum(T.mul(weights, fromSpec(c.upstreamWeights))));
  loss.backward();
  for (const [i, x] of inputs.entries()) expectClose(`grad of input ${i}`, x.grad, c.inputGrads[i]);
  const params = new Map(mha.namedParameters());
  assert.deepEqual([...params.keys()].sort(), Object.keys(c.paramGrads).sort(), 'parameters with gradients');
  for (const [name, g] of Object.entries(c.paramGrads)) expectClose(`grad of ${name}`, params.get(name)?.grad ?? null, g);
}

const DIR = fixtureDir('torch_attention');
const REGEN = '/usr/bin/python3 scripts/torch_attention_fixtures.py';
const suites: [string, { name: string }[], (c: never) => void][] = [
  ['sdpa', loadCases<SdpaCase>(DIR, 'sdpa.json', REGEN), (c: SdpaCase) => checkSdpa(c)],
  ['sdpa tiled', loadCases<SdpaCase>(DIR, 'sdpa.json', REGEN), (c: SdpaCase) => checkSdpa(c, true)],
  ['mha', loadCases<MhaCase>(DIR, 'mha.json', REGEN), checkMha],
];

for (const backend of DEVICES) {
  describe(`attention parity [${backend}]`, () => {
    for (const [family, cases, check] of suites) {
      describe(family, () => {
        for (const c of cases) {
          test(c.name, async (t) => {
            if (!(await deviceReady(backend, t))) return;
            const prev = T.getDefaultDevice();
            T.setDefaultDevice(backend);
            try {
              check(c as never);
              await settleReads();
            } catch (err) {
              if (err instanceof Error) err.message = `${c.name} [${backend}]: ${err.message}`;
              throw err;
            } finally {
              T.setDefaultDevice(prev);
            }
          });
        }
      });
    }
  });
}
