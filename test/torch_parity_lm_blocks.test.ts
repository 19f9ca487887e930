// PyTorch parity for the Transformer building blocks: GELU's tanh approximation, RMSNorm (PyTorch
// 2.4's definition composed), rotary embeddings (RoFormer's formula, both pairings) and the
// sinusoidal table, forward and backward, on the CPU and reference devices, against
// test/fixtures/torch_lm/blocks.json (regenerate: /usr/bin/python3 scripts/torch_lm_blocks_fixtures.py).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/torch_parity_lm_blocks.test.js

import { describe, test } from 'node:test';
import type { Tensor } from '../src/index.js';
import * as T from '../src/index.js';
import { fixtureDir, loadCases } from './fixture_files.js';
import { assertClose, withDevice } from './helpers.js';

interface Spec {
  shape: number[];
  data: number[];
}

interface Case {
  name: string;
  kind: 'gelu_tanh' | 'gelu_none' | 'rms_norm' | 'rotary' | 'sinusoidal';
  options: Record<string, unknown>;
  inputs: Record<string, Spec>;
  out: Spec;
  upstream: Spec | null;
  grads: Record<string, Spec>;
}

const CASES = loadCases<Case>(fixtureDir('torch_lm'), 'blocks.json', '/usr/bin/python3 scripts/torch_lm_blocks_fixtures.py');
const TOL = { rtol: 1e-5, atol: 1e-6 };

const fromSpec = (s: Spec, grad = false): Tensor => T.tensor(Float32Array.from(s.data)).reshape(s.shape).requiresGrad_(grad);

function run(c: Case, inputs: Record<string, Tensor>): Tensor {
  const o = c.options;
  switch (c.kind) {
    case 'gelu_tanh':
      return T.gelu(inputs.x, 'tanh');
    case 'gelu_none':
      return T.gelu(inputs.x);
    case 'rms_norm':
      return T.rmsNorm(inputs.x, o.normalizedShape as number[], { weight: inputs.weight ?? null, eps: o.eps as number | null });
    case 'rotary':
      return T.applyRotary(inputs.x, o.positions as number | number[], { base: o.base as number, interleaved: o.interleaved as boolean });
    case 'sinusoidal':
      return T.sinusoidalEncoding(o.length as number, o.dModel as number);
  }
}

for (const device of ['cpu', 'reference']) {
  describe(`torch parity, Transformer blocks [${device}]`, () => {
    for (const c of CASES) {
      test(c.name, () =>
        withDevice(device, () => {
          const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, s]) => [k, fromSpec(s, true)]));
          const out = run(c, inputs);
          assertClose(out, T.tensor(Float32Array.from(c.out.data)).reshape(c.out.shape), `${c.name} forward`, TOL);
          if (c.upstream === null) return;
          out.backward(fromSpec(c.upstream));
          for (const [k, g] of Object.entries(c.grads)) {
            const got = inputs[k].grad;
            if (got === null) throw new Error(`${c.name}: no gradient reached ${k}`);
            assertClose(got, T.tensor(Float32Array.from(g.data)).reshape(g.shape), `${c.name} d/d${k}`, TOL);
          }
        }),
      );
    }
  });
}
