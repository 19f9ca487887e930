// The webgpu reductions (sum/max/min/prod) and arg-reductions (argmax/argmin) against the
// reference device: the serial kernel (short r), the workgroup kernel (long r, few outputs) and the
// chunked two-pass one (r = 100000 with one output); r = 1 and r = 0; float32 with NaN and
// infinities, int32 (wrapping sums), bool (int32 sums, bool max/min packed at an unaligned offset);
// first index on ties, the first NaN for arg ops. Skipped without a WebGPU adapter (webgpu_kit.ts).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu_reduce.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DType } from '../src/core/dtype.js';
import * as T from '../src/index.js';
import { bools, floats, gpu, ints, outAt, outs, put, ref, rng, same } from './webgpu_kit.js';

/** (outer, r, inner) blocks: serial, workgroup, chunked (inner 1 and 3), r = 1, r = 0. */
const SHAPES: [number, number, number][] = [
  [3, 50, 4],
  [2, 300, 3],
  [1, 100000, 1],
  [1, 20000, 3],
  [5, 1, 3],
  [3, 0, 2],
];

type Op = 'sum' | 'max' | 'min' | 'prod';

function values(dtype: DType, op: Op | 'arg', n: number, r: number): number[] {
  if (dtype === 'bool') return op === 'prod' ? Array.from({ length: n }, () => (rng.chance(0.002) ? 0 : 1)) : bools(n);
  if (dtype === 'int32') {
    if (op === 'prod') return Array.from({ length: n }, () => (r > 20 ? (rng.chance(0.5) ? 1 : -1) : rng.int(-3, 4)));
    if (op === 'sum') return Array.from({ length: n }, () => rng.int(-(2 ** 30), 2 ** 30)); // the sums wrap
    return ints(n);
  }
  if (op === 'prod') return floats(n, 0.999, 1.001).map((v) => (rng.chance(0.5) ? v : -v));
  if (op === 'arg') return ints(n, -5, 5); // many ties
  const v = floats(n);
  if (n > 40 && op !== 'sum') {
    v[37] = Number.NaN; // NaN wins max/min
    v[n - 3] = Number.NaN;
  }
  if (n > 20) v[11] = op === 'min' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return v;
}

describe('webgpu reductions against the reference device', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    test(`reduce sum/max/min/prod of ${dtype}: serial, workgroup and two-pass kernels, r = 1 and 0`, async (t) => {
      const dev = await gpu(t);
      if (dev === null) return;
      for (const [outer, r, inner] of SHAPES) {
        for (const op of ['sum', 'max', 'min', 'prod'] as const) {
          const n = outer * r * inner;
          const x = put(dev, values(dtype, op, n, r), dtype, [n], [1]);
          const outDtype: DType = dtype === 'bool' ? (op === 'sum' || op === 'prod' ? 'int32' : 'bool') : dtype;
          const o = outAt(dev, outer * inner, outDtype, 3); // bool: starts mid-word
          dev.backend.reduce(op, x.g, dtype, outer, r, inner, o.g);
          ref.backend.reduce(op, x.r, dtype, outer, r, inner, o.r);
          const abs = 1e-5 * Math.max(1, Math.sqrt(r / 256));
          await same(dev, o.whole, outDtype, o.total, `${op} ${dtype} (${outer}, ${r}, ${inner})`, 1e-4, abs);
        }
      }
    });
  }

  test('a sum of 1e6 floats runs as two passes (not one thread) and matches', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const n = 1_000_000;
    const x = put(dev, floats(n, 0, 1), 'float32', [n], [1]);
    const o = outs(dev, 1, 'float32');
    const before = dev.dispatches;
    dev.backend.reduce('sum', x.g, 'float32', 1, n, 1, o.g);
    assert.equal(dev.dispatches - before, 2);
    ref.backend.reduce('sum', x.r, 'float32', 1, n, 1, o.r);
    await same(dev, o, 'float32', 1, 'sum 1e6', 1e-4, 1e-5 * Math.sqrt(n / 256));
  });

  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    test(`argmax/argmin of ${dtype}: first index on ties${dtype === 'float32' ? ', the first NaN' : ''}`, async (t) => {
      const dev = await gpu(t);
      if (dev === null) return;
      for (const [outer, r, inner] of SHAPES) {
        const n = outer * r * inner;
        const v = values(dtype, 'arg', n, r);
        if (dtype === 'float32' && n > 10000) {
          v[7000] = Number.NaN;
          v[9001] = Number.NaN;
          v[3] = Number.POSITIVE_INFINITY;
        } else if (dtype === 'float32' && n > 100) {
          v[100] = Number.NaN; // one column of one block
        }
        const x = put(dev, v, dtype, [n], [1]);
        for (const op of ['argmax', 'argmin'] as const) {
          const o = outAt(dev, outer * inner, 'int32', 2);
          dev.backend.argReduce(op, x.g, dtype, outer, r, inner, o.g);
          ref.backend.argReduce(op, x.r, dtype, outer, r, inner, o.r);
          await same(dev, o.whole, 'int32', o.total, `${op} ${dtype} (${outer}, ${r}, ${inner})`, 0, 0);
        }
      }
    });
  }

  test("the engine's sum/max/argmax on 'webgpu' equal the CPU device's", async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const v = floats(4 * 300 * 2);
    const g = T.tensor(v, { device: 'webgpu' }).reshape([4, 300, 2]);
    const c = T.tensor(v).reshape([4, 300, 2]);
    for (const [name, f] of [
      ['sum(1)', (x: T.Tensor) => x.sum(1)],
      ['max(1)', (x: T.Tensor) => T.max(x, 1)],
      ['argmax(1)', (x: T.Tensor) => T.argmax(x, 1)],
      ['sum()', (x: T.Tensor) => x.sum()],
    ] as const) {
      const got = Array.from(await f(g).data());
      const want = Array.from(await f(c).data());
      assert.equal(got.length, want.length, name);
      for (const [i, w] of want.entries()) assert.ok(Math.abs(got[i] - w) <= 1e-4 * Math.abs(w) + 1e-4, `${name}[${i}]: ${got[i]} vs ${w}`);
    }
  });
});
