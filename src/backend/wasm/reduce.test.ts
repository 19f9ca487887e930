// Reductions and softmax against the reference: shapes (outer, r, inner) with awkward sizes,
// NaN propagation, empty reductions, both builds, identical results on 1 and N threads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReduceOp } from '../backend.js';
import { availableBuilds, loadKernels } from './loader.js';
import { wasmReduce, wasmSoftmax } from './reduce.js';
import { allocF32, assertClose, assertIdentical, randoms, readF32, refOnHeap } from './testkit.test.js';

const ref = refOnHeap;
const OPS: ReduceOp[] = ['sum', 'max', 'min', 'prod'];

for (const build of availableBuilds()) {
  test(`reduce (${build}): every op over awkward (outer, r, inner) shapes`, () => {
    const kern = loadKernels(build);
    const shapes = [
      [1, 1, 1],
      [1, 7, 1],
      [3, 17, 1],
      [5, 64, 1],
      [2, 1000, 1],
      [1, 5, 3],
      [4, 33, 7],
      [3, 9, 130],
      [2, 0, 3],
      [0, 4, 4],
    ];
    for (const [outer, r, inner] of shapes) {
      const n = outer * r * inner;
      // values near 1 keep products finite
      const x = allocF32(n, randoms(n, outer + r + inner, 0.9, 1.1));
      for (const op of OPS) {
        const y1 = allocF32(outer * inner);
        const y2 = allocF32(outer * inner);
        assert.ok(wasmReduce(kern, op, x, 'float32', outer, r, inner, y1));
        ref.reduce(op, x, 'float32', outer, r, inner, y2);
        const exact = op === 'max' || op === 'min';
        assertClose(readF32(y1, outer * inner), readF32(y2, outer * inner), exact ? 0 : 1e-5, 0, `${build} ${op} ${outer}x${r}x${inner}`);
      }
    }
  });

  test(`reduce (${build}): max and min propagate NaN; 1 vs N threads identical`, () => {
    const kern = loadKernels(build);
    const xs = randoms(3 * 50 * 1, 1);
    xs[60] = Number.NaN;
    const x = allocF32(xs.length, xs);
    for (const op of ['max', 'min', 'sum'] as ReduceOp[]) {
      const y = allocF32(3);
      wasmReduce(kern, op, x, 'float32', 3, 50, 1, y);
      const got = readF32(y, 3);
      assert.ok(!Number.isNaN(got[0]) && Number.isNaN(got[1]) && !Number.isNaN(got[2]), `${op} ${got}`);
    }
    for (const [outer, r, inner] of [
      [1000, 513, 1],
      [1, 700, 999],
      [3, 300, 555],
    ]) {
      const n = outer * r * inner;
      const big = allocF32(n, randoms(n, 2));
      const outs = [1, 2, 3].map((t) => {
        const y = allocF32(outer * inner);
        wasmReduce(kern, 'sum', big, 'float32', outer, r, inner, y, t);
        return readF32(y, outer * inner);
      });
      assertIdentical(outs[0], outs[1], `${build} sum 2 threads ${outer}x${r}x${inner}`);
      assertIdentical(outs[0], outs[2], `${build} sum 3 threads ${outer}x${r}x${inner}`);
    }
  });

  test(`softmax (${build}): rows of awkward widths, log and not, 1 vs N threads`, () => {
    const kern = loadKernels(build);
    for (const [rows, cols] of [
      [1, 1],
      [3, 2],
      [5, 7],
      [4, 10],
      [2, 33],
      [7, 1000],
      [300, 301],
    ]) {
      const n = rows * cols;
      const x = allocF32(n, randoms(n, rows * cols, -20, 20));
      for (const log of [false, true]) {
        const y1 = allocF32(n);
        const y2 = allocF32(n);
        wasmSoftmax(kern, x, rows, cols, y1, log, 1);
        ref.softmax(x, rows, cols, y2, log);
        // x - max rounds to float32 (|x - max| <= 40 here): up to 40 * 2^-24 relative in exp
        assertClose(readF32(y1, n), readF32(y2, n), 5e-6, log ? 1e-5 : 1e-30, `${build} softmax ${rows}x${cols} log=${log}`);
        const y3 = allocF32(n);
        wasmSoftmax(kern, x, rows, cols, y3, log, 2);
        assertIdentical(readF32(y1, n), readF32(y3, n), `${build} softmax threads ${rows}x${cols}`);
      }
    }
  });
}
