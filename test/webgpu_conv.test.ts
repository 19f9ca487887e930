// The webgpu convolutions (implicit GEMMs) against the reference device: conv2d forward with and
// without bias, backward input and backward weight, over stride 2, padding, dilation 2, groups 2,
// depthwise, 1x1 kernels, non-square and odd sizes, outputs at an offset in garbage-filled buffers
// (each pass must overwrite all of its output); and F.conv2d forward and backward on 'webgpu'
// against 'cpu'. Skipped without a WebGPU adapter (failed under CI=true).
//
// Run: npx tsc -p tsconfig.json && node --test dist/test/webgpu_conv.test.js

import { describe, test } from 'node:test';
import type { Conv2dGeom } from '../src/backend/backend.js';
import type { WebGpuDevice } from '../src/backend/webgpu/device.js';
import * as T from '../src/index.js';
import { closeTo, floats, gpu, PAD, put, ref, same, sumTol } from './webgpu_kit.js';

interface Shape {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  stride?: [number, number];
  pad?: [number, number];
  dil?: [number, number];
  groups?: number;
}

function geom(s: Shape): Conv2dGeom {
  const [strideH, strideW] = s.stride ?? [1, 1];
  const [padH, padW] = s.pad ?? [0, 0];
  const [dilH, dilW] = s.dil ?? [1, 1];
  const oh = Math.floor((s.h + 2 * padH - dilH * (s.kh - 1) - 1) / strideH) + 1;
  const ow = Math.floor((s.w + 2 * padW - dilW * (s.kw - 1) - 1) / strideW) + 1;
  return {
    n: s.n,
    c: s.c,
    h: s.h,
    w: s.w,
    o: s.o,
    kh: s.kh,
    kw: s.kw,
    oh,
    ow,
    strideH,
    strideW,
    padH,
    padW,
    dilH,
    dilW,
    groups: s.groups ?? 1,
  };
}

const SHAPES: Shape[] = [
  { n: 2, c: 3, h: 7, w: 6, o: 4, kh: 3, kw: 3 },
  { n: 1, c: 4, h: 9, w: 8, o: 6, kh: 3, kw: 2, stride: [2, 2], pad: [1, 1] },
  { n: 2, c: 2, h: 9, w: 9, o: 3, kh: 3, kw: 3, dil: [2, 2], pad: [2, 1] },
  { n: 1, c: 4, h: 6, w: 5, o: 6, kh: 3, kw: 3, groups: 2, pad: [1, 1], stride: [1, 2] },
  { n: 2, c: 5, h: 6, w: 7, o: 5, kh: 3, kw: 3, groups: 5, pad: [1, 1] }, // depthwise
  { n: 3, c: 6, h: 5, w: 5, o: 7, kh: 1, kw: 1 }, // 1x1
  { n: 1, c: 3, h: 11, w: 13, o: 70, kh: 2, kw: 3, stride: [2, 3], pad: [0, 1], dil: [1, 2] }, // o > one tile
  { n: 1, c: 1, h: 1, w: 1, o: 1, kh: 1, kw: 1 },
];

/** A buffer of `len` garbage floats on both devices; the kernels write `len` elements at PAD. */
function target(dev: WebGpuDevice, len: number) {
  const p = put(dev, floats(len, 50, 60), 'float32', [], []);
  return { g: { buffer: p.g.buffer, offset: PAD }, r: { buffer: p.r.buffer, offset: PAD } };
}

async function check(dev: WebGpuDevice, s: Shape, bias: boolean): Promise<void> {
  const g = geom(s);
  const cg = g.c / g.groups;
  const og = g.o / g.groups;
  const label = JSON.stringify(s);
  const x = put(dev, floats(g.n * g.c * g.h * g.w, -1, 1), 'float32', [], []);
  const w = put(dev, floats(g.o * cg * g.kh * g.kw, -1, 1), 'float32', [], []);
  const b = put(dev, floats(g.o, -1, 1), 'float32', [], []);
  const gy = put(dev, floats(g.n * g.o * g.oh * g.ow, -1, 1), 'float32', [], []);

  const ySize = g.n * g.o * g.oh * g.ow;
  const y = target(dev, ySize);
  dev.backend.conv2d(x.g, w.g, bias ? b.g : null, y.g, g);
  ref.backend.conv2d(x.r, w.r, bias ? b.r : null, y.r, g);
  await same(dev, y, 'float32', ySize, `conv2d ${label} bias ${bias}`, 1e-4, sumTol(cg * g.kh * g.kw));

  const xSize = g.n * g.c * g.h * g.w;
  const gx = target(dev, xSize);
  dev.backend.conv2dBackwardInput(gy.g, w.g, gx.g, g);
  ref.backend.conv2dBackwardInput(gy.r, w.r, gx.r, g);
  await same(dev, gx, 'float32', xSize, `conv2dBackwardInput ${label}`, 1e-4, sumTol(og * g.kh * g.kw));

  const wSize = g.o * cg * g.kh * g.kw;
  const gw = target(dev, wSize);
  dev.backend.conv2dBackwardWeight(x.g, gy.g, gw.g, g);
  ref.backend.conv2dBackwardWeight(x.r, gy.r, gw.r, g);
  await same(dev, gw, 'float32', wSize, `conv2dBackwardWeight ${label}`, 1e-4, sumTol(g.n * g.oh * g.ow));
}

describe('webgpu conv2d: against the reference device', () => {
  test('forward (bias and none), backward input, backward weight: stride, padding, dilation, groups, depthwise, 1x1', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const [i, s] of SHAPES.entries()) await check(dev, s, i % 2 === 0);
  });

  test('the same shapes with the other bias choice', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    for (const [i, s] of SHAPES.entries()) {
      if (i < 4) await check(dev, s, i % 2 !== 0);
    }
  });

  test('a reduction past one K step and one tile: 8x8 images, 20 channels, backward weight over 2x64 pixels', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    await check(dev, { n: 2, c: 20, h: 8, w: 8, o: 9, kh: 3, kw: 3, pad: [1, 1] }, true);
  });

  test('split K: backward weight over 2x16x16 pixels (2 groups), forward over 64 channels x 3x3 with bias', async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    // gw: K = 2 * 16 * 16 = 512 per group, one tile per group -> 2 slices; y: K = 64 * 9 = 576 -> 2 slices
    await check(dev, { n: 2, c: 4, h: 16, w: 16, o: 4, kh: 3, kw: 3, pad: [1, 1], groups: 2 }, false);
    await check(dev, { n: 1, c: 64, h: 3, w: 3, o: 5, kh: 3, kw: 3, pad: [1, 1] }, true);
  });
});

describe("webgpu conv2d: the engine on 'webgpu'", () => {
  test("T.conv2d forward and backward on 'webgpu' against 'cpu' (stride 2, padding, groups 2, bias)", async (t) => {
    const dev = await gpu(t);
    if (dev === null) return;
    const xv = floats(2 * 4 * 7 * 6, -1, 1);
    const wv = floats(6 * 2 * 3 * 3, -1, 1);
    const bv = floats(6, -1, 1);
    const run = async (device: 'cpu' | 'webgpu') => {
      const x = T.tensor(xv, { device, requiresGrad: true });
      const w = T.tensor(wv, { device, requiresGrad: true });
      const b = T.tensor(bv, { device, requiresGrad: true });
      const y = T.conv2d(x.reshape([2, 4, 7, 6]), w.reshape([6, 2, 3, 3]), b, { stride: 2, padding: 1, groups: 2 });
      y.mul(y).sum().backward();
      return [await y.data(), await (x.grad as T.Tensor).data(), await (w.grad as T.Tensor).data(), await (b.grad as T.Tensor).data()];
    };
    const [g, c] = [await run('webgpu'), await run('cpu')];
    for (let i = 0; i < 4; i++) closeTo(g[i], c[i], `conv2d engine output ${i}`, 1e-4, sumTol(2 * 4 * 3 * 4));
  });
});
