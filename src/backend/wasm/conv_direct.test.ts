// The direct few-channel convolution (forward and weight gradient) against a float64 direct
// convolution: 1 to 4 input channels, output channels that are not multiples of 4, padding 0 to 2,
// stride 1 and 2, dilation, kernel sizes 1 to 5, odd output widths from 4 up, batch 1 and more,
// both kernel builds, identical results on 1 and 2 threads, and the dispatch in conv.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Conv2dGeom } from '../backend.js';
import { directApplies, directConv2d, directConv2dBackwardWeight, wasmConv2d, wasmConv2dBackwardWeight } from './conv.js';
import { availableBuilds, type Kernels, loadKernels } from './loader.js';
import { getNumThreads, setNumThreads } from './pool.js';
import { allocF32, assertIdentical, assertNear, randoms, readF32, refConv2d, refConv2dWeight } from './testkit.test.js';

interface Shape {
  n: number;
  c: number;
  o: number;
  h: number;
  w: number;
  k: number | [number, number];
  stride?: number;
  pad?: number | [number, number];
  dil?: number;
}

/** The full geometry of a shape. */
function geom(s: Shape): Conv2dGeom {
  const [kh, kw] = typeof s.k === 'number' ? [s.k, s.k] : s.k;
  const [padH, padW] = typeof s.pad === 'number' ? [s.pad, s.pad] : (s.pad ?? [0, 0]);
  const st = s.stride ?? 1;
  const d = s.dil ?? 1;
  const oh = Math.floor((s.h + 2 * padH - d * (kh - 1) - 1) / st) + 1;
  const ow = Math.floor((s.w + 2 * padW - d * (kw - 1) - 1) / st) + 1;
  return { n: s.n, c: s.c, h: s.h, w: s.w, o: s.o, kh, kw, oh, ow, strideH: st, strideW: st, padH, padW, dilH: d, dilW: d, groups: 1 };
}

type Data = { x: Float32Array; w: Float32Array; gy: Float32Array; b: Float32Array | null };

/** Random x, w, gy and (for odd i) a bias for g (seeded by i). */
function data(g: Conv2dGeom, i: number): Data {
  return {
    x: randoms(g.n * g.c * g.h * g.w, 100 * i + 1),
    w: randoms(g.o * g.c * g.kh * g.kw, 100 * i + 2),
    gy: randoms(g.n * g.o * g.oh * g.ow, 100 * i + 3),
    b: i % 2 === 1 ? randoms(g.o, 100 * i + 4) : null,
  };
}

/** y and gw by `fwd` and `wgt` on kern (outputs pre-filled with garbage). */
function run(kern: Kernels, g: Conv2dGeom, d: Data, fwd = directConv2d, wgt = directConv2dBackwardWeight): [Float32Array, Float32Array] {
  const yn = g.n * g.o * g.oh * g.ow;
  const xp = allocF32(d.x.length, d.x);
  const wp = allocF32(d.w.length, d.w);
  const bp = d.b === null ? 0 : allocF32(g.o, d.b);
  const gyp = allocF32(yn, d.gy);
  const yp = allocF32(yn, randoms(yn, 7, 1e6, 2e6));
  const gwp = allocF32(d.w.length, randoms(d.w.length, 8, 1e6, 2e6));
  fwd(kern, xp, wp, bp, yp, g);
  wgt(kern, xp, gyp, gwp, g);
  return [readF32(yp, yn), readF32(gwp, d.w.length)];
}

const SHAPES: Shape[] = [
  { n: 1, c: 1, o: 1, h: 6, w: 6, k: 3 }, // 4x4 output, one channel: the clamped channel block
  { n: 2, c: 1, o: 5, h: 28, w: 28, k: 3 }, // 26x26: strips of 8 and an overlapping last one
  { n: 3, c: 1, o: 32, h: 12, w: 13, k: 3 }, // 10x11
  { n: 1, c: 2, o: 7, h: 9, w: 11, k: 3, pad: 1 }, // 9 wide: one strip of 8 and an overlap
  { n: 2, c: 3, o: 6, h: 16, w: 16, k: 3, pad: 1 },
  { n: 1, c: 3, o: 9, h: 7, w: 10, k: 3, pad: [1, 0] }, // 8 wide, different padding per side
  { n: 2, c: 3, o: 4, h: 15, w: 17, k: 3, stride: 2, pad: 1 }, // stride 2: 8x9 output
  { n: 1, c: 3, o: 3, h: 20, w: 21, k: 5, stride: 2, pad: 2 }, // 5x5: 75 taps in 9 groups of 9
  { n: 2, c: 1, o: 10, h: 11, w: 14, k: [2, 4], pad: [0, 2] }, // non-square kernel
  { n: 1, c: 2, o: 8, h: 12, w: 12, k: 3, dil: 2, pad: 2 }, // dilation
  { n: 1, c: 4, o: 13, h: 5, w: 7, k: 1 }, // 1x1: one tap group with 5 repeats
  { n: 2, c: 3, o: 33, h: 13, w: 13, k: 7, stride: 2, pad: 3 }, // 7x7 stride 2 (ResNet's stem), 7 wide
  { n: 1, c: 1, o: 2, h: 3, w: 6, k: 3, pad: 1 }, // 3x6 output, two channels
];

for (const build of availableBuilds()) {
  test(`conv direct (${build}): forward and weight gradient match a float64 direct convolution`, () => {
    const kern = loadKernels(build);
    SHAPES.forEach((s, i) => {
      const g = geom(s);
      assert.ok(directApplies(g), JSON.stringify(g));
      const d = data(g, i);
      const [y, gw] = run(kern, g, d);
      assertNear(y, refConv2d(d.x, d.w, g, d.b), `${build} y ${JSON.stringify(s)}`);
      assertNear(gw, refConv2dWeight(d.x, d.gy, g), `${build} gw ${JSON.stringify(s)}`);
    });
  });
}

test('conv direct: the benchmark CNN conv1 (1 -> 32, 28x28) and an RGB layer (3 -> 32, 32x32, padding 1)', () => {
  const kern = loadKernels();
  [
    { n: 4, c: 1, o: 32, h: 28, w: 28, k: 3 },
    { n: 2, c: 3, o: 32, h: 32, w: 32, k: 3, pad: 1 },
  ].forEach((s, i) => {
    const g = geom(s);
    const d = data(g, 50 + i);
    const [y, gw] = run(kern, g, d);
    assertNear(y, refConv2d(d.x, d.w, g, d.b), `y ${JSON.stringify(s)}`);
    assertNear(gw, refConv2dWeight(d.x, d.gy, g), `gw ${JSON.stringify(s)}`);
  });
});

test('conv direct: identical results on 1 and 2 threads (split by images and by output channels), and the dispatch', () => {
  const kern = loadKernels();
  const saved = getNumThreads();
  try {
    const shapes: Shape[] = [
      { n: 8, c: 1, o: 32, h: 28, w: 28, k: 3 }, // images split
      { n: 1, c: 3, o: 30, h: 40, w: 40, k: 3, pad: 1 }, // one image: output channels split
      { n: 3, c: 3, o: 10, h: 33, w: 33, k: 3, stride: 2, pad: 1 },
    ];
    shapes.forEach((s, i) => {
      const g = geom(s);
      const d = data(g, 70 + i);
      setNumThreads(1);
      const one = run(kern, g, d);
      setNumThreads(2);
      const two = run(kern, g, d);
      assertIdentical(one[0], two[0], `y ${JSON.stringify(s)}`);
      assertIdentical(one[1], two[1], `gw ${JSON.stringify(s)}`);
      const [y, gw] = run(kern, g, d, wasmConv2d, wasmConv2dBackwardWeight);
      assertIdentical(y, one[0], `dispatch y ${JSON.stringify(s)}`);
      assertIdentical(gw, one[1], `dispatch gw ${JSON.stringify(s)}`);
    });
  } finally {
    setNumThreads(saved);
  }
});

test('conv direct: not for grouped convolutions or outputs under 4 columns wide', () => {
  const g = geom({ n: 1, c: 2, o: 4, h: 8, w: 8, k: 3 });
  assert.ok(directApplies(g));
  assert.ok(!directApplies({ ...g, groups: 2 }));
  assert.ok(!directApplies(geom({ n: 1, c: 1, o: 4, h: 8, w: 5, k: 3 })));
});
