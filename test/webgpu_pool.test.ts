// The webgpu pooling kernels against the reference device: maxPool2d (values and indices, with
// ties and NaN), its fused backward, avgPool2d and its backward with countIncludePad both ways,
// over geometries with padding, stride != kernel, odd sizes and inputs at an offset; then
// T.maxPool2d/avgPool2d forward and backward on 'webgpu' against 'cpu'.
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu_pool.test.js

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pool2dGeom } from '../src/backend/backend.js';
import * as T from '../src/index.js';
import { floats, gpu, ints, outs, put, ref, rng, same } from './webgpu_kit.js';

function geom(
  n: number,
  c: number,
  h: number,
  w: number,
  k: [number, number],
  s: [number, number],
  p: [number, number],
  cip = true,
): Pool2dGeom {
  const oh = Math.floor((h + 2 * p[0] - k[0]) / s[0]) + 1;
  const ow = Math.floor((w + 2 * p[1] - k[1]) / s[1]) + 1;
  return { n, c, h, w, oh, ow, kh: k[0], kw: k[1], strideH: s[0], strideW: s[1], padH: p[0], padW: p[1], countIncludePad: cip };
}

const GEOMS: Pool2dGeom[] = [
  geom(2, 3, 5, 7, [2, 2], [2, 2], [0, 0]),
  geom(1, 2, 7, 6, [3, 3], [2, 2], [1, 1]),
  geom(2, 1, 6, 9, [3, 2], [1, 3], [1, 0]),
  geom(1, 3, 5, 5, [2, 3], [3, 1], [1, 1]),
  geom(1, 1, 9, 11, [5, 3], [2, 2], [2, 1]),
];

/** Values with ties (small ints), a few -Infinity and a NaN or two. */
function poolInput(n: number): number[] {
  const v = ints(n, -3, 3);
  for (let i = 0; i < n; i++) if (rng.chance(0.05)) v[i] = Number.NEGATIVE_INFINITY;
  v[Math.floor(n / 3)] = Number.NaN;
  return v;
}

describe('webgpu pooling kernels against the reference device', () => {
  test('maxPool2d: values and plane indices (ties: first; NaN wins), and the fused backward', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const g of GEOMS) {
      const nx = g.n * g.c * g.h * g.w;
      const ny = g.n * g.c * g.oh * g.ow;
      for (const values of [poolInput(nx), floats(nx)]) {
        const x = put(dev, values, 'float32', [nx], [1]);
        const y = outs(dev, ny + 3, 'float32');
        const ix = outs(dev, ny + 5, 'int32');
        const at = (o: typeof y, k: number) => ({ g: { buffer: o.g.buffer, offset: k }, r: { buffer: o.r.buffer, offset: k } });
        const [yo, io] = [at(y, 3), at(ix, 5)];
        dev.backend.maxPool2d(x.g, yo.g, io.g, g);
        ref.backend.maxPool2d(x.r, yo.r, io.r, g);
        const label = `maxPool2d ${JSON.stringify(g)}`;
        await same(dev, yo, 'float32', ny, `${label} y`, 0, 0);
        await same(dev, io, 'int32', ny, `${label} indices`, 0, 0);
        const gy = put(dev, floats(ny), 'float32', [ny], [1]);
        const gx = outs(dev, nx + 2, 'float32');
        const gxo = at(gx, 2);
        // garbage in gx first: the kernel must write every element
        dev.write(gx.g.buffer, 'float32', 0, new Array(nx + 2).fill(7));
        dev.backend.maxPool2dBackward?.(gy.g, io.g, gxo.g, g);
        ref.backend.maxPool2dBackward?.(gy.r, io.r, gxo.r, g);
        await same(dev, gxo, 'float32', nx, `${label} gx`);
      }
    }
  });

  test('avgPool2d and its backward, countIncludePad true and false', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const g0 of GEOMS) {
      for (const cip of [true, false]) {
        const g = { ...g0, countIncludePad: cip };
        const nx = g.n * g.c * g.h * g.w;
        const ny = g.n * g.c * g.oh * g.ow;
        const x = put(dev, floats(nx), 'float32', [nx], [1]);
        const y = outs(dev, ny, 'float32');
        dev.backend.avgPool2d(x.g, y.g, g);
        ref.backend.avgPool2d(x.r, y.r, g);
        const label = `avgPool2d ${JSON.stringify(g)}`;
        await same(dev, y, 'float32', ny, `${label} y`);
        const gy = put(dev, floats(ny), 'float32', [ny], [1]);
        const gx = outs(dev, nx, 'float32');
        dev.write(gx.g.buffer, 'float32', 0, new Array(nx).fill(7));
        dev.backend.avgPool2dBackward(gy.g, gx.g, g);
        ref.backend.avgPool2dBackward(gy.r, gx.r, g);
        await same(dev, gx, 'float32', nx, `${label} gx`);
      }
    }
  });
});

describe("webgpu pooling: T.maxPool2d / T.avgPool2d on 'webgpu' against 'cpu'", () => {
  test('forward and backward', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const xs = floats(2 * 3 * 7 * 8);
    const gys: Record<string, number[]> = {};
    const run = async (device: string, which: 'max' | 'avg', cip: boolean, ceilMode: boolean) => {
      const x = T.tensor(xs, { device }).reshape([2, 3, 7, 8]).requiresGrad_(true);
      const y =
        which === 'max'
          ? T.maxPool2d(x, [3, 2], { stride: [2, 3], padding: [1, 1], ceilMode })
          : T.avgPool2d(x, [3, 2], { stride: [2, 3], padding: [1, 1], countIncludePad: cip, ceilMode });
      gys[y.shape.join()] ??= floats(y.size);
      y.mul(T.tensor(gys[y.shape.join()], { device }).reshape([...y.shape]))
        .sum()
        .backward();
      return { y: Array.from(await y.data()), gx: Array.from(await (x.grad as T.Tensor).data()) };
    };
    for (const [which, cip, ceilMode] of [
      ['max', true, false],
      ['max', true, true],
      ['avg', true, false],
      ['avg', false, true],
    ] as const) {
      const a = await run('webgpu', which, cip, ceilMode);
      const b = await run('cpu', which, cip, ceilMode);
      for (const k of ['y', 'gx'] as const) {
        assert.equal(a[k].length, b[k].length);
        for (let i = 0; i < a[k].length; i++)
          assert.ok(
            Math.abs(a[k][i] - b[k][i]) <= 1e-5 + 1e-4 * Math.abs(b[k][i]),
            `${which} ${cip} ${ceilMode} ${k}[${i}]: ${a[k][i]} vs ${b[k][i]}`,
          );
      }
    }
  });
});
