// im2col convolution and pooling kernels against the reference's direct loops: groups, stride,
// padding, dilation, 1x1 and non-square kernels, both builds, identical results on 1 and N threads.

import { test } from 'node:test';
import type { Conv2dGeom, Pool2dGeom } from '../backend.js';
import { availableBuilds } from './loader.js';
import { getNumThreads, setNumThreads } from './pool.js';
import { allocF32, assertClose, assertIdentical, randoms, readF32, refOnHeap, wasmOnHeap } from './testkit.test.js';

const ref = refOnHeap;

function geom(n: number, c: number, h: number, w: number, o: number, k: [number, number], s = 1, p = 0, d = 1, groups = 1): Conv2dGeom {
  const oh = Math.floor((h + 2 * p - d * (k[0] - 1) - 1) / s) + 1;
  const ow = Math.floor((w + 2 * p - d * (k[1] - 1) - 1) / s) + 1;
  return { n, c, h, w, o, kh: k[0], kw: k[1], oh, ow, strideH: s, strideW: s, padH: p, padW: p, dilH: d, dilW: d, groups };
}

const GEOMS: Conv2dGeom[] = [
  geom(2, 3, 9, 8, 4, [3, 3]),
  geom(3, 4, 10, 11, 6, [3, 3], 1, 1),
  geom(2, 4, 13, 12, 6, [3, 2], 2, 1),
  geom(1, 6, 12, 12, 4, [3, 3], 1, 2, 2, 2),
  geom(2, 8, 7, 9, 8, [3, 3], 1, 1, 1, 8),
  geom(4, 5, 6, 6, 7, [1, 1]),
  geom(1, 2, 20, 17, 3, [5, 5], 3, 2),
  geom(5, 1, 28, 28, 8, [3, 3], 1, 1),
];

/** Runs all three conv primitives on `be`; returns y, gx, gw and y with a bias. */
function runConv(be: typeof refOnHeap | ReturnType<typeof wasmOnHeap>, g: Conv2dGeom, seed: number): Float32Array[] {
  const xn = g.n * g.c * g.h * g.w;
  const wn = g.o * (g.c / g.groups) * g.kh * g.kw;
  const yn = g.n * g.o * g.oh * g.ow;
  const x = allocF32(xn, randoms(xn, seed));
  const w = allocF32(wn, randoms(wn, seed + 1));
  const gy = allocF32(yn, randoms(yn, seed + 2));
  const y = allocF32(yn, randoms(yn, 99));
  const gx = allocF32(xn, randoms(xn, 98));
  const gw = allocF32(wn, randoms(wn, 97));
  const bias = allocF32(g.o, randoms(g.o, seed + 3));
  const yb = allocF32(yn, randoms(yn, 96));
  be.conv2d(x, w, 0, y, g);
  be.conv2dBackwardInput(gy, w, gx, g);
  be.conv2dBackwardWeight(x, gy, gw, g);
  be.conv2d(x, w, bias, yb, g);
  return [readF32(y, yn), readF32(gx, xn), readF32(gw, wn), readF32(yb, yn)];
}

for (const build of availableBuilds()) {
  test(`conv2d (${build}): forward, backward input and weight match the reference`, () => {
    const be = wasmOnHeap(build);
    GEOMS.forEach((g, i) => {
      const got = runConv(be, g, i * 10);
      const want = runConv(ref, g, i * 10);
      const names = ['y', 'gx', 'gw', 'y + bias'];
      // float32 sums of k terms of size ~1 (the reference sums in float64)
      const ckk = (g.c / g.groups) * g.kh * g.kw;
      const k = [ckk, (g.o / g.groups) * g.kh * g.kw, g.n * g.oh * g.ow, ckk + 1];
      got.forEach((v, j) => {
        assertClose(v, want[j], 1e-5, 1e-6 + 3e-7 * k[j], `${build} ${names[j]} ${JSON.stringify(g)}`);
      });
    });
  });
}

test('conv2d: identical results on 1 and N threads (images, positions, channels, weight splits)', () => {
  const be = wasmOnHeap();
  const saved = getNumThreads();
  const cases = [
    geom(4, 8, 28, 28, 16, [3, 3], 1, 1),
    geom(1, 16, 30, 30, 32, [3, 3]),
    geom(3, 1, 28, 28, 32, [3, 3], 1, 1),
    geom(2, 8, 16, 16, 8, [3, 3], 1, 1, 1, 2),
  ];
  try {
    for (const g of cases) {
      setNumThreads(1);
      const one = runConv(be, g, 5);
      for (const t of [2, 3]) {
        setNumThreads(t);
        const many = runConv(be, g, 5);
        one.forEach((v, j) => {
          assertIdentical(v, many[j], `${t} threads output ${j} ${JSON.stringify(g)}`);
        });
      }
    }
  } finally {
    setNumThreads(saved);
  }
});

function pgeom(n: number, c: number, h: number, w: number, k: number, s: number, p: number, countIncludePad = true): Pool2dGeom {
  const oh = Math.floor((h + 2 * p - k) / s) + 1;
  const ow = Math.floor((w + 2 * p - k) / s) + 1;
  return { n, c, h, w, oh, ow, kh: k, kw: k, strideH: s, strideW: s, padH: p, padW: p, countIncludePad };
}

/** Max and average pooling forward and backward on `be`: y, indices, gx (max), y, gx (avg). */
function runPool(be: typeof refOnHeap | ReturnType<typeof wasmOnHeap>, g: Pool2dGeom, xs: Float32Array): Float32Array[] {
  const xn = g.n * g.c * g.h * g.w;
  const yn = g.n * g.c * g.oh * g.ow;
  const x = allocF32(xn, xs);
  const gy = allocF32(yn, randoms(yn, 3));
  const y = allocF32(yn);
  const idx = allocF32(yn);
  const gx = allocF32(xn, randoms(xn, 4));
  be.maxPool2d(x, y, idx, g);
  const out = [readF32(y, yn), Float32Array.from(new Int32Array(readF32(idx, yn).buffer))];
  be.maxPool2dBackward(gy, idx, gx, g);
  out.push(readF32(gx, xn));
  be.avgPool2d(x, y, g);
  out.push(readF32(y, yn));
  be.avgPool2dBackward(gy, gx, g);
  out.push(readF32(gx, xn));
  return out;
}

test('pooling: max and avg, forward and backward, match the reference (NaN included)', () => {
  const be = wasmOnHeap();
  const geoms = [
    pgeom(2, 3, 8, 8, 2, 2, 0),
    pgeom(1, 2, 9, 7, 3, 2, 1),
    pgeom(2, 2, 10, 10, 3, 1, 1, false),
    pgeom(1, 1, 5, 5, 5, 1, 2),
    pgeom(8, 16, 28, 28, 2, 2, 0),
    pgeom(2, 4, 26, 26, 2, 2, 0), // the benchmark CNN's first pool: 13 columns, 4-wide blocks and a tail
    pgeom(1, 3, 27, 19, 2, 2, 0), // odd sizes: the last row and column are never read
  ];
  for (const g of geoms) {
    const xn = g.n * g.c * g.h * g.w;
    const xs = randoms(xn, 7);
    // ties and a NaN exercise the reference's tie-breaking
    xs[3] = xs[2];
    xs[xn - 5] = Number.NaN;
    xs[0] = Number.NaN; // a window's first tap: nothing replaces it
    xs[g.w + 5] = Number.NaN; // a bottom tap
    xs.fill(0.5, 8, 12); // four equal taps in a row: the first one wins
    xs.fill(0.25, g.w + 8, g.w + 12);
    const got = runPool(be, g, xs);
    const want = runPool(ref, g, xs);
    const names = ['max y', 'max indices', 'max gx', 'avg y', 'avg gx'];
    got.forEach((v, j) => {
      assertClose(v, want[j], 1e-6, 1e-7, `${names[j]} ${JSON.stringify(g)}`);
    });
  }
});
