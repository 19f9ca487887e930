// PyTorch parity for random compositions of ops: replays test/fixtures/torch_compositions/*.json
// on every registered backend, checking every step's value and the gradient of every input
// against float64 PyTorch. Needs no Python; regenerate the fixtures with
// `/usr/bin/python3 scripts/torch_composition_fixtures.py`, which documents their format and how
// each tensor's tolerance comes from PyTorch's own float32 error on it.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/torch_parity_compositions.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as T from '../src/index.js';
import { Tensor, type TensorLike } from '../src/index.js';
import { fixtureDir, loadFamilies } from './fixture_files.js';
import { DEVICES, deviceReady, settleReads } from './helpers.js';
import { expectClose, fromSpec, MIXED_OPS, OPS, type Options, type TensorSpec, type Tol, zerosSpec } from './torch_parity_kit.js';

/** The relative part of every tolerance; the absolute part is each tensor's `atol` (see the script). */
const RTOL = 2e-5;
const MIN_ATOL = 1e-6;

/** A recorded tensor with the absolute tolerance PyTorch's float32 error on it calls for. */
interface Recorded extends TensorSpec {
  atol?: number;
}

interface Step {
  op: string;
  /** `{ ref: i }`: inputs first, then the outputs of earlier steps; or a plain number. */
  args: ({ ref: number } | number)[];
  options: Options;
}

interface Composition {
  name: string;
  inputs: TensorSpec[];
  steps: Step[];
  outs: Recorded[];
  upstream: TensorSpec;
  grads: (Recorded | null)[];
}

const tolOf = (r: Recorded): Tol => ({ rtol: RTOL, atol: Math.max(MIN_ATOL, r.atol ?? MIN_ATOL) });

/** A readable trace of a case: `x0 (2, 3) -> logSoftmax(dim=1) -> sum -> ...`, for failures. */
function describeCase(c: Composition): string {
  const ins = c.inputs.map((s, i) => `x${i} [${s.shape.join(', ')}] ${s.dtype}`).join(', ');
  const steps = c.steps.map((s, k) => {
    const args = s.args.map((a) =>
      typeof a === 'number' ? String(a) : a.ref < c.inputs.length ? `x${a.ref}` : `s${a.ref - c.inputs.length}`,
    );
    return `s${k} = ${s.op}(${[...args, ...Object.entries(s.options).map(([k2, v]) => `${k2}=${JSON.stringify(v)}`)].join(', ')})`;
  });
  return `inputs ${ins}; ${steps.join('; ')}`;
}

function replay(c: Composition, backend: string): void {
  const label = `${c.name} [${backend}]`;
  const leaves = c.inputs.map(fromSpec);
  const values: Tensor[] = [...leaves];
  c.steps.forEach((s, k) => {
    const args: TensorLike[] = s.args.map((a) => (typeof a === 'number' ? a : values[a.ref]));
    const mixed = MIXED_OPS[s.op];
    const op = OPS[s.op];
    assert.ok(mixed !== undefined || op !== undefined, `${label}: no tessera mapping for op '${s.op}'`);
    const out = mixed !== undefined ? mixed(args, s.options) : op(args as Tensor[], s.options);
    assert.ok(out instanceof Tensor, `${label}: step ${k} (${s.op}) gave several outputs`);
    expectClose(`${label} step ${k} (${s.op})`, out, c.outs[k], tolOf(c.outs[k]));
    values.push(out);
  });
  const last = values[values.length - 1];
  assert.ok(last.requiresGrad, `${label}: the last step is not tracked by autograd`);
  last.backward(fromSpec(c.upstream));
  c.grads.forEach((g, i) => {
    const leaf = leaves[i];
    if (g === null || !leaf.requiresGrad) return;
    const what = `${label} grad of x${i}`;
    if (leaf.grad === null) {
      if (g.data.some((v) => v !== 0)) assert.fail(`${what}: no gradient reached this input (expected nonzero values)`);
      return;
    }
    expectClose(what, leaf.grad, g, tolOf(g));
  });
  // inputs torch gave no gradient get none, or zeros
  c.inputs.forEach((s, i) => {
    if (c.grads[i] === null && leaves[i].grad !== null)
      expectClose(`${label} grad of x${i}`, leaves[i].grad as Tensor, zerosSpec(s.shape), tolOf({} as Recorded));
  });
}

const FIXTURES = fixtureDir('torch_compositions');
const families = loadFamilies<Composition>(FIXTURES);

test('composition fixtures are present and every op has a tessera mapping', () => {
  assert.ok(families.length > 0, `no fixtures in ${FIXTURES}: run /usr/bin/python3 scripts/torch_composition_fixtures.py`);
  const ops = new Set(families.flatMap(({ cases }) => cases.flatMap((c) => c.steps.map((s) => s.op))));
  assert.deepEqual(
    [...ops].filter((op) => !(op in OPS) && !(op in MIXED_OPS)),
    [],
    'ops without an entry in OPS or MIXED_OPS (test/torch_parity_kit.ts)',
  );
});

for (const backend of DEVICES) {
  describe(`torch parity of compositions [${backend}]`, () => {
    for (const { cases } of families) {
      test(`${cases.length} random compositions`, async (t) => {
        if (!(await deviceReady(backend, t))) return;
        T.setDefaultDevice(backend);
        const failures: string[] = [];
        for (const c of cases) {
          try {
            replay(c, backend);
            await settleReads();
          } catch (err) {
            failures.push(`${err instanceof Error ? err.message : String(err)}\n    ${describeCase(c)}`);
          }
        }
        assert.deepEqual(failures, [], `${failures.length} of ${cases.length} compositions differ from PyTorch`);
      });
    }
  });
}
