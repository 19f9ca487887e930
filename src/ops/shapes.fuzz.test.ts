// Property tests over random shapes (0-size dims, rank 0 to 3, broadcastable or not) for the ops
// whose shape rules are easiest to get wrong: broadcasting arithmetic, reductions with dims and
// keepDim, softmax/logSoftmax, var/std, and reshape. Oracles: NumPy's broadcasting rule with the
// values computed in float64 (arithmetic, reshape), and the reference backend (reductions on the
// wasm backend: same shape, same values within float32 tolerance, or the same clear error).
//
// Run: npm run build && node --test dist/src/ops/shapes.fuzz.test.js   (more: scripts/fuzz.sh)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClearError, fc, fuzzParams, outcome } from '../../test/fuzz.js';
import {
  add,
  getDefaultDevice,
  logSoftmax,
  logSumExp,
  max,
  mean,
  min,
  mul,
  reshape,
  setDefaultDevice,
  softmax,
  std,
  sub,
  sum,
  type Tensor,
  tensor,
  variance,
} from '../index.js';

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const shapeArb = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 3 });
/** Values of a shape: seeded, with some large ones so float32 rounding shows. */
const valuesOf = (shape: readonly number[], seed: number) =>
  Array.from({ length: sizeOf(shape) }, (_, i) => Math.fround(Math.sin(seed * 7.1 + i * 1.3) * (i % 5 === 0 ? 1000 : 3)));
const make = (shape: number[], seed: number) => reshape(tensor(valuesOf(shape, seed)), shape);

/** NumPy broadcasting of two shapes, or null when they do not broadcast. */
function broadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The flat position in a tensor of `shape` read at output position `p` of the broadcast shape. */
function sourceAt(shape: readonly number[], out: readonly number[], flat: number): number {
  const p: number[] = [];
  for (let d = out.length - 1, r = flat; d >= 0; d--) {
    p.unshift(r % out[d]);
    r = Math.floor(r / out[d]);
  }
  const lead = out.length - shape.length;
  let k = 0;
  for (let d = 0; d < shape.length; d++) k = k * shape[d] + (shape[d] === 1 ? 0 : p[lead + d]);
  return k;
}

test('broadcasting arithmetic matches NumPy rules computed in float64, or names the op and both shapes (oracle: float64)', async () => {
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
    ['add', add, (x, y) => x + y],
    ['sub', sub, (x, y) => x - y],
    ['mul', mul, (x, y) => x * y],
  ];
  await fc.assert(
    fc.asyncProperty(shapeArb, shapeArb, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 99 }), async (sa, sb, k, seed) => {
      const [name, op, f] = ops[k];
      const [a, b] = [make(sa, seed), make(sb, seed + 1)];
      const out = broadcast(sa, sb);
      const got = await outcome(() => op(a, b));
      const label = `${name}(${JSON.stringify(sa)}, ${JSON.stringify(sb)})`;
      if (out === null) {
        assert.ok('error' in got, `${label} accepted shapes that do not broadcast`);
        expectClearError(got.error, [`${name}: shapes [${sa.join(', ')}] and [${sb.join(', ')}] cannot be broadcast`]);
        return;
      }
      if ('error' in got) assert.fail(`${label} refused broadcastable shapes: ${(got.error as Error).message}`);
      assert.deepEqual([...got.ok.shape], out, label);
      const [va, vb] = [valuesOf(sa, seed), valuesOf(sb, seed + 1)];
      const values = got.ok.toTypedArray();
      for (let i = 0; i < values.length; i++) {
        const want = Math.fround(f(va[sourceAt(sa, out, i)], vb[sourceAt(sb, out, i)]));
        assert.equal(values[i], want, `${label} at flat ${i}`);
      }
    }),
    fuzzParams(200),
  );
});

test('reshape keeps the values in order for any shape with the same size, and names the op otherwise (oracle: size rule)', async () => {
  const target = fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(-1, -2, 1.5)), { minLength: 0, maxLength: 3 });
  await fc.assert(
    fc.asyncProperty(shapeArb, target, async (shape, to) => {
      const x = make(shape, 3);
      const free = to.filter((d) => d === -1).length;
      const known = sizeOf(to.filter((d) => d !== -1));
      const valid =
        to.every((d) => d === -1 || (Number.isInteger(d) && d >= 0)) &&
        free <= 1 &&
        (free === 0 ? known === x.size : known > 0 && x.size % known === 0);
      const got = await outcome(() => reshape(x, to));
      const label = `reshape(${JSON.stringify(shape)} -> ${JSON.stringify(to)})`;
      if (!valid) {
        assert.ok('error' in got, `${label} accepted an impossible shape`);
        expectClearError(got.error, ['reshape: ']);
        return;
      }
      if ('error' in got) assert.fail(`${label} refused: ${(got.error as Error).message}`);
      assert.equal(got.ok.size, x.size, label);
      assert.deepEqual(Array.from(got.ok.toTypedArray()), Array.from(x.toTypedArray()), label);
    }),
    fuzzParams(200),
  );
});

test('reductions, var/std and softmax on the wasm backend equal the reference backend, errors included (oracle: reference backend)', async () => {
  const dimsArb = fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: -4, max: 3 }),
    fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 0, maxLength: 3 }),
  );
  const ops: [string, (x: Tensor, dims: number | number[] | undefined, keep: boolean) => Tensor][] = [
    ['sum', (x, d, k) => sum(x, d, k)],
    ['mean', (x, d, k) => mean(x, d, k)],
    ['max', (x, d, k) => max(x, d, k)],
    ['min', (x, d, k) => min(x, d, k)],
    ['logSumExp', (x, d, k) => logSumExp(x, d, k)],
    ['var', (x, d, k) => variance(x, d, { unbiased: k, keepDim: k })],
    ['std', (x, d, k) => std(x, d, { correction: k ? 0 : 1, keepDim: k })],
    ['softmax', (x, d) => softmax(x, typeof d === 'number' ? d : -1)],
    ['logSoftmax', (x, d) => logSoftmax(x, typeof d === 'number' ? d : -1)],
  ];
  const prev = getDefaultDevice();
  try {
    await fc.assert(
      fc.asyncProperty(shapeArb, dimsArb, fc.boolean(), fc.integer({ min: 0, max: ops.length - 1 }), async (shape, dims, keep, k) => {
        const [name, op] = ops[k];
        const run = async (backend: string) => {
          setDefaultDevice(backend);
          const got = await outcome(() => op(make(shape, 5), dims, keep));
          return 'ok' in got ? { shape: [...got.ok.shape], values: Array.from(got.ok.toTypedArray()) } : { error: got.error };
        };
        const [ref, fast] = [await run('reference'), await run('cpu')];
        const label = `${name}(${JSON.stringify(shape)}, dims ${JSON.stringify(dims)}, keepDim ${keep})`;
        if ('error' in ref) {
          assert.ok('error' in fast, `${label}: wasm accepted what the reference refuses`);
          const message = expectClearError(ref.error, [`${name}: `]);
          assert.equal((fast.error as Error).message, message, label);
          return;
        }
        if ('error' in fast) assert.fail(`${label}: wasm refused: ${(fast.error as Error).message}`);
        assert.deepEqual(fast.shape, ref.shape, label);
        for (const [i, w] of ref.values.entries()) {
          const g = fast.values[i];
          const ok = Number.isNaN(w) ? Number.isNaN(g) : g === w || Math.abs(g - w) <= 1e-5 * Math.max(1, Math.abs(w));
          assert.ok(ok, `${label} at flat ${i}: wasm ${g}, reference ${w}`);
        }
      }),
      fuzzParams(200),
    );
  } finally {
    setDefaultDevice(prev);
  }
});

test('regressions: counterexamples the properties found (issue 9)', () => {
  // logSumExp over an empty dim failed with "max: cannot reduce over an empty dimension"; PyTorch gives -inf
  assert.deepEqual(logSumExp(tensor([])).toArray(), Number.NEGATIVE_INFINITY);
  assert.deepEqual(logSumExp(reshape(tensor([]), [2, 0]), 1, true).toArray(), [[Number.NEGATIVE_INFINITY], [Number.NEGATIVE_INFINITY]]);
  assert.deepEqual(logSumExp(reshape(tensor([]), [0, 2]), 1).shape, [0]);
});
