// Property tests of the index-taking ops over random shapes (0-size dims included) and random
// indices (negative, out of range, non-integer, of the wrong dtype or rank): gather, indexSelect,
// embedding, select, narrow and slice. Oracle: a plain float64 implementation of PyTorch's rules
// on the flat values (x holds 0, 1, 2, ... so each output value is the flat position it came
// from); the op must give exactly the oracle's result when the oracle accepts the arguments, and a
// clear error naming the op and the offending argument when it refuses them. Every backend.
//
// Run: npm run build && node --test dist/src/ops/indexing.fuzz.test.js   (more: scripts/fuzz.sh)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClearError, fc, fuzzParams, outcome } from '../../test/fuzz.js';
import { onEveryDevice } from '../../test/helpers.js';
import { readsOnHost } from '../core/exec.js';
import {
  arange,
  embedding,
  gather,
  getDefaultDevice,
  getDevice,
  indexSelect,
  narrow,
  select,
  slice,
  type Tensor,
  tensor,
} from '../index.js';

type Result = { shape: number[]; data: number[] } | { bad: string };

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const strides = (s: readonly number[]) => s.map((_, i) => sizeOf(s.slice(i + 1)));

/** Calls visit(position) for every position of `shape`, row-major. */
function each(shape: readonly number[], visit: (p: number[]) => void): void {
  const n = sizeOf(shape);
  const p = shape.map(() => 0);
  for (let k = 0; k < n; k++) {
    visit([...p]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++p[d] < shape[d]) break;
      p[d] = 0;
    }
  }
}

const flatAt = (shape: readonly number[], p: readonly number[]) => p.reduce((a, v, i) => a + v * strides(shape)[i], 0);

/** The dim normalised like PyTorch, or null when out of range or not an integer. */
function normDim(dim: number, rank: number): number | null {
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) return null;
  return dim < 0 ? dim + rank : dim;
}

// ---- the oracle: PyTorch's rules in plain code ------------------------------------------------

function oracleIndexSelect(shape: number[], dim: number, index: { dtype: string; shape: number[]; data: number[] }): Result {
  const d = normDim(dim, shape.length);
  if (d === null) return { bad: 'dim' };
  if (index.dtype !== 'int32' || index.shape.length !== 1) return { bad: 'index' };
  if (index.data.some((v) => v < 0 || v >= shape[d])) return { bad: 'index' };
  const out = [...shape];
  out[d] = index.data.length;
  const data: number[] = [];
  each(out, (p) => {
    const q = [...p];
    q[d] = index.data[p[d]];
    data.push(flatAt(shape, q));
  });
  return { shape: out, data };
}

function oracleGather(shape: number[], dim: number, index: { dtype: string; shape: number[]; data: number[] }): Result {
  const d = normDim(dim, shape.length);
  if (d === null) return { bad: 'dim' };
  if (index.dtype !== 'int32' || index.shape.length !== shape.length) return { bad: 'index' };
  if (index.shape.some((n, k) => k !== d && n > shape[k])) return { bad: 'index' };
  if (index.data.some((v) => v < 0 || v >= shape[d])) return { bad: 'index' };
  const data: number[] = [];
  each(index.shape, (p) => {
    const q = [...p];
    q[d] = index.data[flatAt(index.shape, p)];
    data.push(flatAt(shape, q));
  });
  return { shape: index.shape, data };
}

function oracleSlice(shape: number[], d: number, start: number, end: number, step: number): Result {
  if (!Number.isInteger(step) || step <= 0) return { bad: 'step' };
  if (!Number.isInteger(start)) return { bad: 'start' };
  if (!Number.isInteger(end)) return { bad: 'end' };
  const n = shape[d];
  const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const [s, e] = [clampIdx(start), clampIdx(end)];
  const picked: number[] = [];
  for (let i = s; i < e; i += step) picked.push(i);
  const out = [...shape];
  out[d] = picked.length;
  const data: number[] = [];
  each(out, (p) => {
    const q = [...p];
    q[d] = picked[p[d]];
    data.push(flatAt(shape, q));
  });
  return { shape: out, data };
}

// ---- arbitraries ------------------------------------------------------------------------------

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 });
const indexValue = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -6, max: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(2147483647, -2147483648) },
);
/** An index tensor: usually int32 of a random shape, sometimes float32 (with fractions) or bool. */
const indexArb = fc.record({
  dtype: fc.constantFrom('int32', 'int32', 'int32', 'int32', 'float32', 'bool'),
  shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
  values: fc.array(indexValue, { minLength: 64, maxLength: 64 }),
  frac: fc.constantFrom(0, 0, 0.5),
});
const dimArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -4, max: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(0.5, Number.NaN) },
);

function makeIndex(a: { dtype: string; shape: number[]; values: number[]; frac: number }) {
  const n = sizeOf(a.shape);
  const data = a.values.slice(0, n).map((v) => (a.dtype === 'float32' ? v + a.frac : v));
  const t =
    a.dtype === 'bool'
      ? tensor(data.map((v) => v !== 0)).reshape(a.shape)
      : tensor(data, { dtype: a.dtype as 'int32' | 'float32' }).reshape(a.shape);
  return { tensor: t, spec: { dtype: a.dtype, shape: a.shape, data } };
}

/** Runs `fn` and checks it against the oracle's result, naming op and argument on a refusal. */
async function agrees(op: string, want: Result, fn: () => Tensor, context: string): Promise<void> {
  const got = await outcome(fn);
  if ('bad' in want) {
    // a device whose values the engine cannot read on the host (a GPU) cannot refuse an index by
    // its values (out of range): there only the refusals it makes, and the valid cases, are checked
    if ('ok' in got && !readsOnHost(getDevice(getDefaultDevice()))) return;
    assert.ok('error' in got, `${op} accepted what PyTorch refuses (${want.bad}): ${context}`);
    expectClearError(got.error, [`${op}: `, want.bad]);
    return;
  }
  if ('error' in got) assert.fail(`${op} refused valid arguments: ${context}: ${(got.error as Error).message}`);
  assert.deepEqual([...got.ok.shape], want.shape, `${op} shape: ${context}`);
  assert.deepEqual(Array.from(await got.ok.data()), want.data, `${op} values: ${context}`);
}

const source = (shape: number[]) => arange(sizeOf(shape)).reshape(shape);

test(
  'indexSelect and gather match the float64 oracle or refuse, naming the op and argument (oracle: PyTorch rules)',
  onEveryDevice(async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, dimArb, indexArb, async (shape, dim, ia) => {
        const x = source(shape);
        const idx1 = makeIndex({ ...ia, shape: ia.values[1] > 4 ? ia.shape : [ia.shape[0]] }); // sometimes not 1-D
        const ctx1 = `x ${JSON.stringify(shape)}, dim ${dim}, index ${JSON.stringify(idx1.spec)}`;
        await agrees('indexSelect', oracleIndexSelect(shape, dim, idx1.spec), () => indexSelect(x, dim, idx1.tensor), ctx1);
        // mostly an index that fits x's rank and extent, sometimes any shape
        const d = normDim(dim, shape.length);
        const fits = shape.map((n, k) => (k === d ? ia.shape[0] : Math.min(n, ia.shape[k % ia.shape.length])));
        const idx = makeIndex({ ...ia, shape: ia.values[2] > 3 ? ia.shape : fits });
        const ctx = `x ${JSON.stringify(shape)}, dim ${dim}, index ${JSON.stringify(idx.spec)}`;
        await agrees('gather', oracleGather(shape, dim, idx.spec), () => gather(x, dim, idx.tensor), ctx);
      }),
      fuzzParams(150),
    );
  }),
);

test(
  'embedding matches the oracle or refuses, naming the op and indices (oracle: PyTorch rules)',
  onEveryDevice(async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 3 }), indexArb, async (rows, width, ia) => {
        const w = source([rows, width]);
        const idx = makeIndex(ia);
        const sel = oracleIndexSelect([rows, width], 0, { ...idx.spec, shape: [idx.spec.data.length] });
        const want: Result = 'bad' in sel ? { bad: 'indices' } : { shape: [...ia.shape, width], data: sel.data };
        await agrees('embedding', want, () => embedding(idx.tensor, w), `weight [${rows}, ${width}], indices ${JSON.stringify(idx.spec)}`);
      }),
      fuzzParams(150),
    );
  }),
);

test(
  'select, narrow and slice match the oracle or refuse, naming the op and argument (oracle: PyTorch/Python slicing)',
  onEveryDevice(async () => {
    const num = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: -7, max: 7 }) },
      { weight: 1, arbitrary: fc.constantFrom(1.5, -0.5, Number.NaN) },
    );
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        dimArb,
        num,
        num,
        fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(1.5)),
        async (shape, dim, a, b, step) => {
          const x = source(shape);
          const d = normDim(dim, shape.length);
          const ctx = `x ${JSON.stringify(shape)}, dim ${dim}, ${a}, ${b}, step ${step}`;
          // select(dim, a): a in [-n, n)
          let want: Result;
          if (d === null) want = { bad: 'dim' };
          else if (!Number.isInteger(a) || a < -shape[d] || a >= shape[d]) want = { bad: 'index' };
          else {
            const r = oracleSlice(shape, d, a, a < 0 ? a + shape[d] + 1 : a + 1, 1) as { shape: number[]; data: number[] };
            want = { shape: shape.filter((_, i) => i !== d), data: r.data };
          }
          await agrees('select', want, () => select(x, dim, a), ctx);
          // narrow(dim, a, b): start may count from the end; start + length <= n
          if (d === null) want = { bad: 'dim' };
          else {
            const s = a < 0 ? a + shape[d] : a;
            want =
              !Number.isInteger(s) || !Number.isInteger(b) || s < 0 || b < 0 || s + b > shape[d]
                ? { bad: 'start' }
                : oracleSlice(shape, d, s, s + b, 1);
          }
          await agrees('narrow', want, () => narrow(x, dim, a, b), ctx);
          // slice along the first dim: [a, b, step] with Python's clamping
          want = oracleSlice(shape, 0, a, b, step);
          await agrees('slice', want, () => slice(x, [a, b, step]), ctx);
        },
      ),
      fuzzParams(150),
    );
  }),
);

test('regressions: counterexamples the properties found before the fixes (issue 9)', () => {
  const i32 = (v: number[]) => tensor(v, { dtype: 'int32' });
  // indexSelect(x [0, 1]... ) with index [-1] along a dim of size 1 returned the last row
  assert.throws(
    () => indexSelect(source([0, 1]), 1, i32([-1])),
    /^RangeError: indexSelect: index -1 at \[0\] is out of range for dim 1 of size 1/,
  );
  // embedding named its argument 'index'; an empty float32 tensor is still the wrong dtype
  assert.throws(() => embedding(tensor([]), source([0, 1])), /^TypeError: embedding: indices must be an int32 tensor, got float32$/);
  // slice([1.5, 0, 1]) of a [0] tensor was accepted
  assert.throws(() => slice(source([0]), [1.5, 0, 1]), /^RangeError: slice: start must be an integer or null, got 1\.5 \(dim 0\)$/);
});
