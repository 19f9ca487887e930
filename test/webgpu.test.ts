// The webgpu device's kernels against the reference device: every implemented primitive (fill,
// copy, unary, binary, where, reduce) on random data, with broadcast (stride 0), transposed and
// offset inputs, int32 and bool where the op allows; and the engine on 'webgpu' end to end (values
// read with await t.data()). Skipped, naming what to install, when no WebGPU adapter is found
// (the `webgpu` package and, on Linux without a GPU, Mesa's lavapipe from bookworm-backports).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WebGpuDevice } from '../src/backend/webgpu/device.js';
import type { DType } from '../src/core/dtype.js';
import { BINARY, binaryDType } from '../src/core/primitives/binary.js';
import { UNARY, type UnaryOp } from '../src/core/primitives/unary.js';
import * as T from '../src/index.js';
import { stridesOf } from './helpers.js';
import { floats, gen, gpu, ints, outs, type Pair, put, ref, same } from './webgpu_kit.js';

/** A (5, 7) operand stored transposed: (7, 5) in memory, strides [1, 5]. */
const M = 5;
const N = 7;
function transposed(dev: WebGpuDevice, dtype: DType, values = gen(dtype, M * N)): Pair {
  return put(dev, values, dtype, [M, N], [1, M]);
}
/** A (1, 7) row broadcast to (5, 7): strides [0, 1]. */
function broadcastRow(dev: WebGpuDevice, dtype: DType): Pair {
  return put(dev, gen(dtype, N), dtype, [M, N], [0, 1]);
}

describe('webgpu device: kernels against the reference device', () => {
  test('fill: float32, int32, bool (a length not a multiple of 4)', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const [dtype, v] of [
      ['float32', -1.5],
      ['int32', 7],
      ['bool', 1],
    ] as const) {
      const o = outs(dev, 10, dtype);
      dev.backend.fill(o.g, dtype, 10, v);
      ref.backend.fill(o.r, dtype, 10, v);
      await same(dev, o, dtype, 10, `fill ${dtype}`);
    }
  });

  test('copy: transposed to contiguous, every dtype conversion, into a strided destination', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const from of ['float32', 'int32', 'bool'] as const) {
      for (const to of ['float32', 'int32', 'bool'] as const) {
        const src = transposed(dev, from);
        const o = outs(dev, M * N, to);
        dev.backend.copy(src.g, { ...o.g, dtype: to, shape: [M, N], strides: [N, 1] });
        ref.backend.copy(src.r, { ...o.r, dtype: to, shape: [M, N], strides: [N, 1] });
        await same(dev, o, to, M * N, `copy ${from} -> ${to}`);
      }
    }
    const src = put(dev, floats(M * N), 'float32', [M, N], [N, 1]);
    const o = outs(dev, M * N, 'float32');
    dev.backend.copy(src.g, { ...o.g, dtype: 'float32', shape: [M, N], strides: [1, M] });
    ref.backend.copy(src.r, { ...o.r, dtype: 'float32', shape: [M, N], strides: [1, M] });
    await same(dev, o, 'float32', M * N, 'copy into a transposed destination');
  });

  test('bool outputs at any offset, strided, or ending mid-word keep the bytes around them', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    // [offset, shape, strides] of the destination inside a 16-element bool buffer of alternating bytes
    const cases: [number, number[], number[]][] = [
      [0, [3], [1]], // ends mid-word: bytes 3.. belong to someone else
      [1, [6], [1]], // unaligned start
      [2, [2, 3], [1, 4]], // transposed
      [4, [2, 2], [8, 2]], // strided
      [0, [16], [1]], // whole words
    ];
    for (const [offset, shape, strides] of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const o = outs(dev, 16, 'bool');
      const init = Array.from({ length: 16 }, (_, i) => i % 2);
      dev.write(o.g.buffer, 'bool', 0, init);
      ref.write(o.r.buffer, 'bool', 0, init);
      const src = put(
        dev,
        gen('float32', n).map((v) => (v > 0 ? 1 : 0)),
        'float32',
        shape,
        stridesOf(shape),
      );
      dev.backend.copy(src.g, { buffer: o.g.buffer, offset, dtype: 'bool', shape, strides });
      ref.backend.copy(src.r, { buffer: o.r.buffer, offset, dtype: 'bool', shape, strides });
      await same(dev, o, 'bool', 16, `bool copy at ${offset} ${JSON.stringify(shape)} ${JSON.stringify(strides)}`);
      const cmp = outs(dev, 16, 'bool');
      dev.write(cmp.g.buffer, 'bool', 0, init);
      ref.write(cmp.r.buffer, 'bool', 0, init);
      const a = put(dev, gen('float32', n), 'float32', shape, stridesOf(shape));
      dev.backend.unary('isnan', a.g, { buffer: cmp.g.buffer, offset: 5 }, 'bool', 0);
      ref.backend.unary('isnan', a.r, { buffer: cmp.r.buffer, offset: 5 }, 'bool', 0);
      await same(dev, cmp, 'bool', 16, `isnan into offset 5 of ${n}`);
    }
  });

  test('unary: every op of the primitive table on a transposed float32 input (with NaN, 0, +-inf)', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const vals = floats(M * N);
    vals[0] = Number.NaN;
    vals[1] = 0;
    vals[2] = Number.POSITIVE_INFINITY;
    vals[3] = Number.NEGATIVE_INFINITY;
    vals[4] = 2.5; // round half to even
    const failures: string[] = [];
    for (const op of Object.keys(UNARY) as UnaryOp[]) {
      const outDtype: DType = UNARY[op].dtype === 'bool' ? 'bool' : 'float32';
      const alpha = op === 'elu' ? 1.3 : 0.1;
      const x = transposed(dev, 'float32', vals);
      const o = outs(dev, M * N, outDtype);
      dev.backend.unary(op, x.g, o.g, outDtype, alpha);
      ref.backend.unary(op, x.r, o.r, outDtype, alpha);
      await same(dev, o, outDtype, M * N, `unary ${op}`, 1e-4, 1e-5).catch((e: Error) => failures.push(e.message));
    }
    assert.deepEqual(failures, []);
  });

  test('unary: int32 inputs keep int32 (keepInt ops), others compute in float32; bool input to not', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const op of Object.keys(UNARY) as UnaryOp[]) {
      const rule = UNARY[op].dtype;
      const outDtype: DType = rule === 'bool' ? 'bool' : rule === 'keepInt' ? 'int32' : 'float32';
      const x = transposed(dev, 'int32', ints(M * N, -2, 3));
      const o = outs(dev, M * N, outDtype);
      dev.backend.unary(op, x.g, o.g, outDtype, 0.1);
      ref.backend.unary(op, x.r, o.r, outDtype, 0.1);
      await same(dev, o, outDtype, M * N, `unary ${op} int32`);
    }
    const x = transposed(dev, 'bool');
    const o = outs(dev, M * N, 'bool');
    dev.backend.unary('not', x.g, o.g, 'bool', 0);
    ref.backend.unary('not', x.r, o.r, 'bool', 0);
    await same(dev, o, 'bool', M * N, 'not bool');
  });

  test('binary: every op, transposed a with a broadcast row b, float32, int32 and bool operands', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const op of Object.keys(BINARY) as (keyof typeof BINARY)[]) {
        const outDtype = binaryDType(op, dtype);
        const a = transposed(dev, dtype);
        const b = broadcastRow(dev, dtype);
        const o = outs(dev, M * N, outDtype);
        dev.backend.binary(op, a.g, b.g, o.g, outDtype);
        ref.backend.binary(op, a.r, b.r, o.r, outDtype);
        await same(dev, o, outDtype, M * N, `binary ${op} ${dtype}`);
      }
    }
  });

  test('where: a bool transposed condition, float32 and int32 branches (one broadcast)', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const c = transposed(dev, 'bool');
      const a = put(dev, gen(dtype, M * N), dtype, [M, N], [N, 1]);
      const b = broadcastRow(dev, dtype);
      const o = outs(dev, M * N, dtype);
      dev.backend.where(c.g, a.g, b.g, o.g, dtype);
      ref.backend.where(c.r, a.r, b.r, o.r, dtype);
      await same(dev, o, dtype, M * N, `where ${dtype}`);
    }
  });

  test('reduce: sum, max, min, prod over the middle of (3, 50, 4), float32 and int32; NaN wins max/min', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const [outer, r, inner] = [3, 50, 4];
    for (const dtype of ['float32', 'int32'] as const) {
      for (const op of ['sum', 'max', 'min', 'prod'] as const) {
        const vals =
          dtype === 'float32'
            ? floats(outer * r * inner, op === 'prod' ? 0.8 : -3, op === 'prod' ? 1.2 : 3)
            : ints(outer * r * inner, op === 'prod' ? -1 : -20, op === 'prod' ? 2 : 20);
        if (dtype === 'float32' && op !== 'sum' && op !== 'prod') vals[7] = Number.NaN;
        const x = put(dev, vals, dtype, [vals.length], [1]);
        const o = outs(dev, outer * inner, dtype);
        dev.backend.reduce(op, x.g, dtype, outer, r, inner, o.g);
        ref.backend.reduce(op, x.r, dtype, outer, r, inner, o.r);
        await same(dev, o, dtype, outer * inner, `reduce ${op} ${dtype}`, 1e-4, 1e-5 * Math.sqrt(r / 256) * 10);
      }
    }
  });

  test("garbage collection does not take Dawn's instance from under a live device (it crashed the process)", async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20)); // Dawn processes events on a timer
      const x = put(dev, floats(64), 'float32', [64], [1]);
      const o = outs(dev, 64, 'float32');
      dev.backend.unary('exp', x.g, o.g, 'float32', 0);
      ref.backend.unary('exp', x.r, o.r, 'float32', 0);
      await same(dev, o, 'float32', 64, `exp after gc ${i}`);
    }
  });
});

describe("webgpu device: the engine on 'webgpu'", () => {
  test('tensors created on webgpu compute elementwise ops and reductions, read with await data()', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const a = [
      [1, -2, 3],
      [4, 5, -6],
    ];
    const x = T.tensor(a, { device: 'webgpu' });
    assert.equal(x.device, 'webgpu');
    assert.throws(() => x.sum().item(), /data\(\)/);
    const y = x
      .mul(2)
      .add(T.tensor([1, 1, 1], { device: 'webgpu' }))
      .exp()
      .sum(1);
    const w = T.tensor(a)
      .mul(2)
      .add(T.tensor([1, 1, 1]))
      .exp()
      .sum(1);
    const got = Array.from(await y.data());
    const want = Array.from(await w.data());
    for (const [i, v] of got.entries()) assert.ok(Math.abs(v - want[i]) <= 1e-4 * Math.abs(want[i]), `${v} vs ${want[i]}`);
    assert.deepEqual(Array.from(await x.transpose(0, 1).gt(0).data()), [1, 1, 0, 1, 1, 0]);
  });
});
