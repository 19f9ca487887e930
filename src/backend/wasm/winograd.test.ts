// Winograd F(2x2, 3x3) forward, backward input and weight against a float64 direct convolution: padding
// 0, 1 and 2, odd and even outputs from 1x1 to 28x28, channel counts that are not multiples of the
// GEMM tile, both kernel builds, identical results on 1 and 2 threads, and the dispatch in conv.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Conv2dGeom } from '../backend.js';
import {
  wasmConv2d,
  wasmConv2dBackwardInput,
  wasmConv2dBackwardWeight,
  winogradApplies,
  winogradConv2d,
  winogradConv2dBackwardInput,
  winogradConv2dBackwardWeight,
} from './conv.js';
import { availableBuilds, type Kernels, loadKernels } from './loader.js';
import { getNumThreads, setNumThreads } from './pool.js';
import { allocF32, assertIdentical, assertNear, randoms, readF32, refConv2d, refConv2dInput, refConv2dWeight } from './testkit.test.js';

/** A 3x3, stride-1 geometry on (n, c, h, w) with o output channels. */
function geom3(n: number, c: number, h: number, w: number, o: number, pad: number | [number, number]): Conv2dGeom {
  const [padH, padW] = typeof pad === 'number' ? [pad, pad] : pad;
  const oh = h + 2 * padH - 2;
  const ow = w + 2 * padW - 2;
  return { n, c, h, w, o, kh: 3, kw: 3, oh, ow, strideH: 1, strideW: 1, padH, padW, dilH: 1, dilW: 1, groups: 1 };
}

/**
 * Winograd forward, backward input and weight on `kern`, then the forward with `bias`: y, gx, gw,
 * y + bias (outputs pre-filled with garbage).
 */
function runWinograd(kern: Kernels, g: Conv2dGeom, x: Float32Array, w: Float32Array, gy: Float32Array, bias: Float32Array): Float32Array[] {
  const xn = g.n * g.c * g.h * g.w;
  const yn = g.n * g.o * g.oh * g.ow;
  const xp = allocF32(xn, x);
  const wp = allocF32(w.length, w);
  const gyp = allocF32(yn, gy);
  const yp = allocF32(yn, randoms(yn, 99, 1e6, 2e6));
  const gxp = allocF32(xn, randoms(xn, 98, 1e6, 2e6));
  const gwp = allocF32(w.length, randoms(w.length, 97, 1e6, 2e6));
  const ybp = allocF32(yn, randoms(yn, 96, 1e6, 2e6));
  winogradConv2d(kern, xp, wp, 0, yp, g);
  winogradConv2dBackwardInput(kern, gyp, wp, gxp, g);
  winogradConv2dBackwardWeight(kern, xp, gyp, gwp, g);
  winogradConv2d(kern, xp, wp, allocF32(g.o, bias), ybp, g);
  return [readF32(yp, yn), readF32(gxp, xn), readF32(gwp, w.length), readF32(ybp, yn)];
}

const CASES: Conv2dGeom[] = [
  geom3(1, 1, 3, 3, 1, 0), // 1x1 output, a single clipped tile
  geom3(2, 3, 4, 4, 5, 0), // 2x2 output, one full tile
  geom3(1, 2, 1, 1, 3, 1), // 1x1 input with padding 1
  geom3(3, 5, 5, 7, 7, 0), // 3x5 output
  geom3(2, 7, 13, 13, 13, 0), // 11x11 (the benchmark CNN's conv2 shape, fewer channels)
  geom3(1, 6, 13, 13, 9, 1), // 13x13
  geom3(2, 4, 28, 28, 6, 1), // 28x28: interior groups of 4 tiles take the vector store
  geom3(1, 3, 16, 18, 8, 1), // even sizes, 8x9 tiles
  geom3(2, 9, 9, 10, 11, 2), // padding 2 (backward padding 0)
  geom3(1, 4, 6, 9, 5, [0, 1]), // different padding per side
  geom3(1, 17, 12, 15, 10, [2, 1]),
];

for (const build of availableBuilds()) {
  test(`winograd (${build}): forward, backward input and weight match a float64 direct convolution`, () => {
    const kern = loadKernels(build);
    CASES.forEach((g, i) => {
      assert.ok(winogradApplies(g, 'forward') && winogradApplies(g, 'input') && winogradApplies(g, 'weight'));
      const x = randoms(g.n * g.c * g.h * g.w, 10 * i);
      const w = randoms(g.o * g.c * 9, 10 * i + 1);
      const gy = randoms(g.n * g.o * g.oh * g.ow, 10 * i + 2);
      const bias = randoms(g.o, 10 * i + 3);
      const [y, gx, gw, yb] = runWinograd(kern, g, x, w, gy, bias);
      const want = refConv2d(x, w, g);
      assertNear(y, want, `${build} y ${JSON.stringify(g)}`);
      assertNear(yb, refConv2d(x, w, g, bias), `${build} y + bias ${JSON.stringify(g)}`);
      assertNear(gx, refConv2dInput(gy, w, g), `${build} gx ${JSON.stringify(g)}`);
      assertNear(gw, refConv2dWeight(x, gy, g), `${build} gw ${JSON.stringify(g)}`);
    });
  });
}

test('winograd: the benchmark CNN conv2 shape (batch 4, 32 -> 64, 13x13 -> 11x11) and 32 -> 64 at 14x14, padding 1', () => {
  const kern = loadKernels();
  for (const g of [geom3(4, 32, 13, 13, 64, 0), geom3(2, 32, 14, 14, 64, 1)]) {
    const x = randoms(g.n * g.c * g.h * g.w, 1);
    const w = randoms(g.o * g.c * 9, 2, -0.1, 0.1);
    const gy = randoms(g.n * g.o * g.oh * g.ow, 3);
    const bias = randoms(g.o, 4);
    const [y, gx, gw, yb] = runWinograd(kern, g, x, w, gy, bias);
    assertNear(y, refConv2d(x, w, g), `y ${JSON.stringify(g)}`);
    assertNear(yb, refConv2d(x, w, g, bias), `y + bias ${JSON.stringify(g)}`);
    assertNear(gx, refConv2dInput(gy, w, g), `gx ${JSON.stringify(g)}`);
    assertNear(gw, refConv2dWeight(x, gy, g), `gw ${JSON.stringify(g)}`);
  }
});

test('winograd: identical results on 1 and 2 threads, and the dispatch agrees with it', () => {
  const kern = loadKernels();
  const saved = getNumThreads();
  // (40, 8, 13, 13): 240 tile rows of 6 tiles, so the weight gradient runs several chunks, one
  // starting inside an image, and the threads' transform ranges end in short groups of tiles
  const cases = [geom3(3, 32, 13, 13, 64, 0), geom3(1, 16, 28, 28, 24, 1), geom3(5, 8, 9, 9, 8, 1), geom3(40, 8, 13, 13, 10, 0)];
  try {
    for (const g of cases) {
      const x = randoms(g.n * g.c * g.h * g.w, 4);
      const w = randoms(g.o * g.c * 9, 5);
      const gy = randoms(g.n * g.o * g.oh * g.ow, 6);
      const bias = randoms(g.o, 7);
      setNumThreads(1);
      const one = runWinograd(kern, g, x, w, gy, bias);
      setNumThreads(2);
      const two = runWinograd(kern, g, x, w, gy, bias);
      assertIdentical(one[0], two[0], `y ${JSON.stringify(g)}`);
      assertIdentical(one[1], two[1], `gx ${JSON.stringify(g)}`);
      assertIdentical(one[2], two[2], `gw ${JSON.stringify(g)}`);
      assertIdentical(one[3], two[3], `y + bias ${JSON.stringify(g)}`);
      assertNear(two[2], refConv2dWeight(x, gy, g), `2 threads gw ${JSON.stringify(g)}`);
      // wasmConv2d picks Winograd or im2col; either way it must agree with the direct convolution
      const yn = g.n * g.o * g.oh * g.ow;
      const xn = g.n * g.c * g.h * g.w;
      const yp = allocF32(yn);
      const ybp = allocF32(yn);
      const gxp = allocF32(xn);
      const gwp = allocF32(w.length);
      wasmConv2d(kern, allocF32(xn, x), allocF32(w.length, w), 0, yp, g);
      wasmConv2d(kern, allocF32(xn, x), allocF32(w.length, w), allocF32(g.o, bias), ybp, g);
      wasmConv2dBackwardInput(kern, allocF32(yn, gy), allocF32(w.length, w), gxp, g);
      wasmConv2dBackwardWeight(kern, allocF32(xn, x), allocF32(yn, gy), gwp, g);
      assertNear(readF32(yp, yn), refConv2d(x, w, g), `dispatch y ${JSON.stringify(g)}`);
      assertNear(readF32(ybp, yn), refConv2d(x, w, g, bias), `dispatch y + bias ${JSON.stringify(g)}`);
      assertNear(readF32(gxp, xn), refConv2dInput(gy, w, g), `dispatch gx ${JSON.stringify(g)}`);
      assertNear(readF32(gwp, w.length), refConv2dWeight(x, gy, g), `dispatch gw ${JSON.stringify(g)}`);
    }
  } finally {
    setNumThreads(saved);
  }
});

test('winograd: only 3x3, stride 1, undilated, ungrouped convolutions (backward input padding at most 2)', () => {
  const base = geom3(1, 4, 8, 8, 4, 1);
  assert.ok(winogradApplies(base, 'forward'));
  assert.ok(!winogradApplies({ ...base, strideH: 2, oh: 4 }, 'forward'));
  assert.ok(!winogradApplies({ ...base, dilW: 2, ow: 6 }, 'weight'));
  assert.ok(!winogradApplies({ ...base, groups: 2 }, 'input'));
  assert.ok(!winogradApplies({ ...base, kh: 5, oh: 6 }, 'forward'));
  const pad3 = geom3(1, 4, 8, 8, 4, 3);
  assert.ok(winogradApplies(pad3, 'forward') && winogradApplies(pad3, 'weight') && !winogradApplies(pad3, 'input'));
});
