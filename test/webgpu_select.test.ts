// The webgpu index kernels against the reference device: indexSelect and gather for every dtype
// (bool outputs at aligned and unaligned offsets: a word is written whole by one invocation, and
// the bytes around the output keep their values), indexAdd and scatterAdd with duplicate indices
// (CAS float adds), along every axis, inputs and outputs at offsets; then T.embedding backward
// (indexAdd) and T.gather backward (scatterAdd) on 'webgpu' against 'cpu'.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu_select.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { View } from '../src/backend/backend.js';
import type { WebGpuDevice } from '../src/backend/webgpu/device.js';
import type { DType } from '../src/core/dtype.js';
import * as T from '../src/index.js';
import { floats, gen, gpu, ints, put, ref, same } from './webgpu_kit.js';

const DTYPES: DType[] = ['float32', 'int32', 'bool'];

/** An output of `n` elements at element `at` of a buffer prefilled (both devices) with `fill`. */
function outAt(dev: WebGpuDevice, dtype: DType, n: number, at: number, fill: number[]): { g: View; r: View } {
  const total = at + n + 5;
  const values = Array.from({ length: total }, (_, i) => fill[i % fill.length]);
  const p = put(dev, values, dtype, [total], [1]);
  return { g: { buffer: p.g.buffer, offset: p.g.offset + at }, r: { buffer: p.r.buffer, offset: p.r.offset + at } };
}

/** The whole buffer around an output, so the bytes next to it are checked too. */
function whole(o: { g: View; r: View }, at: number): { g: View; r: View } {
  return { g: { buffer: o.g.buffer, offset: o.g.offset - at }, r: { buffer: o.r.buffer, offset: o.r.offset - at } };
}

describe('webgpu index kernels against the reference device', () => {
  test('indexSelect: every dtype, duplicate rows, outputs at offsets (bool unaligned too)', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const dtype of DTYPES) {
      for (const [outer, d, inner, n] of [
        [1, 10, 4, 3],
        [3, 7, 5, 9],
        [2, 5, 1, 13],
        [1, 4, 3, 0],
      ]) {
        for (const at of [0, 1, 3, 4]) {
          const x = put(dev, gen(dtype, outer * d * inner), dtype, [outer * d * inner], [1]);
          const idx = put(dev, ints(n, 0, d), 'int32', [n], [1]);
          const total = outer * n * inner;
          const o = outAt(dev, dtype, total, at, dtype === 'bool' ? [1, 0, 1] : [9, -9]);
          dev.backend.indexSelect(x.g, dtype, outer, d, inner, idx.g, n, o.g);
          ref.backend.indexSelect(x.r, dtype, outer, d, inner, idx.r, n, o.r);
          await same(dev, whole(o, at), dtype, at + total + 5, `indexSelect ${dtype} ${[outer, d, inner, n]} at ${at}`, 0, 0);
        }
      }
    }
  });

  test('indexAdd: duplicate rows add up (float CAS), into a non-zero output at an offset', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const [outer, d, inner, n] of [
      [1, 6, 4, 20],
      [3, 5, 7, 11],
      [2, 3, 1, 40],
      [1, 1, 3, 64],
    ]) {
      const src = put(dev, floats(outer * n * inner), 'float32', [outer * n * inner], [1]);
      const idx = put(dev, ints(n, 0, d), 'int32', [n], [1]);
      const o = outAt(dev, 'float32', outer * d * inner, 3, floats(17));
      dev.backend.indexAdd(src.g, outer, n, inner, idx.g, d, o.g);
      ref.backend.indexAdd(src.r, outer, n, inner, idx.r, d, o.r);
      // each output sums up to n terms in an order that varies: the reduction tolerance
      await same(dev, whole(o, 3), 'float32', outer * d * inner + 8, `indexAdd ${[outer, d, inner, n]}`, 1e-4, 1e-5 * Math.sqrt(n) * 4);
    }
  });

  test('gather along every axis, every dtype; index shape smaller than x off the axis', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const xShape = [3, 5, 4];
    for (const dtype of DTYPES) {
      for (let axis = 0; axis < 3; axis++) {
        const outShape = [2, 4, 3];
        outShape[axis] = 6; // more picks than the axis has: duplicates
        const total = outShape.reduce((a, b) => a * b, 1);
        const x = put(dev, gen(dtype, 60), dtype, [60], [1]);
        const idx = put(dev, ints(total, 0, xShape[axis]), 'int32', [total], [1]);
        for (const at of [0, 2]) {
          const o = outAt(dev, dtype, total, at, [1, 0]);
          dev.backend.gather(x.g, dtype, xShape, axis, idx.g, outShape, o.g);
          ref.backend.gather(x.r, dtype, xShape, axis, idx.r, outShape, o.r);
          await same(dev, whole(o, at), dtype, at + total + 5, `gather ${dtype} axis ${axis} at ${at}`, 0, 0);
        }
      }
    }
    // rank 1 and rank 4
    const x = put(dev, floats(7), 'float32', [7], [1]);
    const idx = put(dev, ints(12, 0, 7), 'int32', [12], [1]);
    const o = outAt(dev, 'float32', 12, 1, [0]);
    dev.backend.gather(x.g, 'float32', [7], 0, idx.g, [12], o.g);
    ref.backend.gather(x.r, 'float32', [7], 0, idx.r, [12], o.r);
    await same(dev, whole(o, 1), 'float32', 18, 'gather rank 1', 0, 0);
    const x4 = put(dev, floats(2 * 3 * 2 * 5), 'float32', [60], [1]);
    const idx4 = put(dev, ints(2 * 3 * 2 * 2, 0, 3), 'int32', [24], [1]);
    const o4 = outAt(dev, 'float32', 24, 0, [0]);
    dev.backend.gather(x4.g, 'float32', [2, 3, 2, 5], 1, idx4.g, [2, 3, 2, 2], o4.g);
    ref.backend.gather(x4.r, 'float32', [2, 3, 2, 5], 1, idx4.r, [2, 3, 2, 2], o4.r);
    await same(dev, o4, 'float32', 24, 'gather rank 4', 0, 0);
  });

  test('scatterAdd along every axis with duplicate indices, into a non-zero output', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const xShape = [3, 5, 4];
    for (let axis = 0; axis < 3; axis++) {
      const outShape = [2, 4, 3];
      outShape[axis] = 9;
      const total = outShape.reduce((a, b) => a * b, 1);
      const src = put(dev, floats(total), 'float32', [total], [1]);
      const idx = put(dev, ints(total, 0, xShape[axis]), 'int32', [total], [1]);
      const o = outAt(dev, 'float32', 60, 2, floats(13));
      dev.backend.scatterAdd(src.g, outShape, axis, idx.g, xShape, o.g);
      ref.backend.scatterAdd(src.r, outShape, axis, idx.r, xShape, o.r);
      await same(dev, whole(o, 2), 'float32', 67, `scatterAdd axis ${axis}`, 1e-4, 1e-5 * 4);
    }
  });
});

async function close(a: T.Tensor, b: T.Tensor, label: string): Promise<void> {
  const [x, y] = [Array.from(await a.data()), Array.from(await b.data())];
  assert.equal(x.length, y.length, label);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= 1e-5 + 1e-4 * Math.abs(y[i]), `${label}[${i}]: ${x[i]} vs ${y[i]}`);
}

describe("webgpu index ops on 'webgpu' against 'cpu'", () => {
  test('embedding forward and backward (indexAdd over repeated tokens), gather backward (scatterAdd)', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const table = floats(11 * 6);
    const tokens = ints(2 * 9, 0, 11);
    const gys = floats(2 * 9 * 6);
    const xs = floats(4 * 5);
    const picks = ints(4 * 7, 0, 5);
    const gg = floats(4 * 7);
    const run = (device: string) => {
      const w = T.tensor(table, { device }).reshape([11, 6]).requiresGrad_(true);
      const ids = T.tensor(tokens, { device, dtype: 'int32' }).reshape([2, 9]);
      const e = T.embedding(ids, w);
      e.mul(T.tensor(gys, { device }).reshape([2, 9, 6]))
        .sum()
        .backward();
      const x = T.tensor(xs, { device }).reshape([4, 5]).requiresGrad_(true);
      const g = T.gather(x, 1, T.tensor(picks, { device, dtype: 'int32' }).reshape([4, 7]));
      g.mul(T.tensor(gg, { device }).reshape([4, 7]))
        .sum()
        .backward();
      return [e, w.grad as T.Tensor, g, x.grad as T.Tensor];
    };
    const a = run('webgpu');
    const b = run('cpu');
    const names = ['embedding', 'embedding grad', 'gather', 'gather grad'];
    for (let i = 0; i < a.length; i++) await close(a[i], b[i], names[i]);
  });
});
