// Helpers shared by the wasm backend tests: heap buffers, seeded random data, close comparisons.
// (A *.test file so it stays out of the published package; its own checks are at the bottom.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heap } from '../../core/heap.js';
import type { Conv2dGeom } from '../backend.js';

/** A float32 buffer of `n` elements on the heap; returns its byte address. */
export function allocF32(n: number, data?: ArrayLike<number>): number {
  const ptr = heap().allocateScratch(Math.max(1, n) * 4);
  if (data !== undefined) heap().f32.set(data, ptr >>> 2);
  return ptr;
}

/** A copy of `n` floats at byte address `ptr`. */
export function readF32(ptr: number, n: number): Float32Array {
  return heap().f32.slice(ptr >>> 2, (ptr >>> 2) + n);
}

/** Deterministic uniform values in [lo, hi) (mulberry32). */
export function randoms(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Asserts |got - want| <= atol + rtol * |want| elementwise (NaN matches NaN, infinities must equal). */
export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    const ok = Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) assert.fail(`${what}: element ${i}: got ${g}, want ${w} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Asserts bitwise equality of two float arrays. */
export function assertIdentical(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) assert.fail(`${what}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

// ---- float64 direct convolution: the reference the conv kernels are checked against -------------

/** Calls f(yi, xi, wi) for every (output, input, weight) index triple of convolution g with the input in bounds. */
export function convTaps(g: Conv2dGeom, f: (yi: number, xi: number, wi: number) => void): void {
  for (let n = 0; n < g.n; n++)
    for (let o = 0; o < g.o; o++)
      for (let oy = 0; oy < g.oh; oy++)
        for (let ox = 0; ox < g.ow; ox++)
          for (let c = 0; c < g.c; c++)
            for (let ky = 0; ky < g.kh; ky++)
              for (let kx = 0; kx < g.kw; kx++) {
                const iy = oy * g.strideH - g.padH + ky * g.dilH;
                const ix = ox * g.strideW - g.padW + kx * g.dilW;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                f(((n * g.o + o) * g.oh + oy) * g.ow + ox, ((n * g.c + c) * g.h + iy) * g.w + ix, ((o * g.c + c) * g.kh + ky) * g.kw + kx);
              }
}

/** y (N, O, OH, OW) = conv2d(x, w) (+ bias[o]) in float64 (groups 1). */
export function refConv2d(x: Float32Array, w: Float32Array, g: Conv2dGeom, bias: Float32Array | null = null): Float64Array {
  const y = new Float64Array(g.n * g.o * g.oh * g.ow);
  convTaps(g, (yi, xi, wi) => {
    y[yi] += x[xi] * w[wi];
  });
  const plane = g.oh * g.ow;
  if (bias !== null) for (let i = 0; i < y.length; i++) y[i] += bias[Math.floor(i / plane) % g.o];
  return y;
}

/** gx (N, C, H, W) = the gradient of sum(gy * conv2d(x, w)) with respect to x, in float64. */
export function refConv2dInput(gy: Float32Array, w: Float32Array, g: Conv2dGeom): Float64Array {
  const gx = new Float64Array(g.n * g.c * g.h * g.w);
  convTaps(g, (yi, xi, wi) => {
    gx[xi] += gy[yi] * w[wi];
  });
  return gx;
}

/** gw (O, C, KH, KW) = the gradient of sum(gy * conv2d(x, w)) with respect to w, in float64. */
export function refConv2dWeight(x: Float32Array, gy: Float32Array, g: Conv2dGeom): Float64Array {
  const gw = new Float64Array(g.o * g.c * g.kh * g.kw);
  convTaps(g, (yi, xi, wi) => {
    gw[wi] += gy[yi] * x[xi];
  });
  return gw;
}

/** Asserts |got - want| <= 1e-5 * max |want| (the output's scale) elementwise. */
export function assertNear(got: Float32Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  const tol = 1e-5 * Math.max(scale, 1e-30);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${what}: element ${i}: got ${got[i]}, want ${want[i]} (tol ${tol})`);
  }
}

test('testkit: randoms are deterministic and in range', () => {
  const a = randoms(100, 7, -2, 3);
  assertIdentical(a, randoms(100, 7, -2, 3), 'same seed');
  for (const v of a) assert.ok(v >= -2 && v < 3);
});
