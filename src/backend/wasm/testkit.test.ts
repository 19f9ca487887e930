// Helpers shared by the wasm backend tests: heap buffers, seeded random data, close comparisons.
// (A *.test file so it stays out of the published package; its own checks are at the bottom.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DType, TypedArray } from '../../core/dtype.js';
import type { BinaryOp, Conv2dGeom, Pool2dGeom, ReduceOp, UnaryOp } from '../backend.js';
import { refMatmul, refReduce, refSoftmax } from '../reference/compute.js';
import * as rc from '../reference/conv.js';
import { type ArrayStrided, refBinary, refCopy, refUnary, refWhere } from '../reference/elementwise.js';
import type { AddrMat, AddrStrided } from './args.js';
import * as wc from './conv.js';
import { heap } from './heap.js';
import { loadKernels } from './loader.js';

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

function heapArray(dtype: DType): TypedArray {
  const h = heap();
  return dtype === 'float32' ? h.f32 : dtype === 'int32' ? h.i32 : h.u8;
}
const elem = (p: number, dtype: DType) => (dtype === 'bool' ? p : p >>> 2);
const onHeap = (s: AddrStrided): ArrayStrided => ({
  data: heapArray(s.dtype),
  at: elem(s.ptr, s.dtype),
  dtype: s.dtype,
  shape: s.shape,
  strides: s.strides,
});
const f32 = () => heap().f32;
const i32 = () => heap().i32;

/**
 * The reference compute functions on heap byte addresses: the oracle the kernel tests compare
 * the wasm functions with, on the same buffers.
 */
export const refOnHeap = {
  unary(op: UnaryOp, x: AddrStrided, out: number, outDtype: DType, alpha: number): void {
    refUnary(op, onHeap(x), heapArray(outDtype), elem(out, outDtype), alpha);
  },
  binary(op: BinaryOp, a: AddrStrided, b: AddrStrided, out: number, outDtype: DType): void {
    refBinary(op, onHeap(a), onHeap(b), heapArray(outDtype), elem(out, outDtype), outDtype);
  },
  where(c: AddrStrided, a: AddrStrided, b: AddrStrided, out: number, outDtype: DType): void {
    refWhere(onHeap(c), onHeap(a), onHeap(b), heapArray(outDtype), elem(out, outDtype));
  },
  copy(src: AddrStrided, dst: AddrStrided): void {
    refCopy(onHeap(src), onHeap(dst));
  },
  reduce(op: ReduceOp, x: number, dtype: DType, outer: number, r: number, inner: number, out: number): void {
    refReduce(op, heapArray(dtype), elem(x, dtype), outer, r, inner, heapArray(dtype), elem(out, dtype));
  },
  softmax(x: number, rows: number, cols: number, out: number, log: boolean): void {
    refSoftmax(f32(), x >>> 2, rows, cols, f32(), out >>> 2, log);
  },
  matmul(m: number, n: number, k: number, a: AddrMat, b: AddrMat, c: number, ldc: number, accumulate: boolean): void {
    const A = { data: f32(), at: a.ptr >>> 2, ld: a.ld, trans: a.trans };
    const B = { data: f32(), at: b.ptr >>> 2, ld: b.ld, trans: b.trans };
    refMatmul(m, n, k, A, B, f32(), c >>> 2, ldc, accumulate);
  },
  conv2d(x: number, w: number, bias: number, y: number, g: Conv2dGeom): void {
    rc.refConv2d(f32(), x >>> 2, f32(), w >>> 2, bias === 0 ? null : f32(), bias >>> 2, f32(), y >>> 2, g);
  },
  conv2dBackwardInput(gy: number, w: number, gx: number, g: Conv2dGeom): void {
    rc.refConv2dBackwardInput(f32(), gy >>> 2, f32(), w >>> 2, f32(), gx >>> 2, g);
  },
  conv2dBackwardWeight(x: number, gy: number, gw: number, g: Conv2dGeom): void {
    rc.refConv2dBackwardWeight(f32(), x >>> 2, f32(), gy >>> 2, f32(), gw >>> 2, g);
  },
  maxPool2d(x: number, y: number, indices: number, g: Pool2dGeom): void {
    rc.refMaxPool2d(f32(), x >>> 2, f32(), y >>> 2, i32(), indices >>> 2, g);
  },
  maxPool2dBackward(gy: number, indices: number, gx: number, g: Pool2dGeom): void {
    rc.refMaxPool2dBackward(f32(), gy >>> 2, i32(), indices >>> 2, f32(), gx >>> 2, g);
  },
  avgPool2d(x: number, y: number, g: Pool2dGeom): void {
    rc.refAvgPool2d(f32(), x >>> 2, f32(), y >>> 2, g);
  },
  avgPool2dBackward(gy: number, gx: number, g: Pool2dGeom): void {
    rc.refAvgPool2dBackward(f32(), gy >>> 2, f32(), gx >>> 2, g);
  },
};

/** The wasm conv and pooling kernels of one build on heap byte addresses, shaped like refOnHeap. */
export function wasmOnHeap(build?: Parameters<typeof loadKernels>[0]) {
  const k = () => loadKernels(build);
  return {
    conv2d: (x: number, w: number, bias: number, y: number, g: Conv2dGeom) => wc.wasmConv2d(k(), x, w, bias, y, g),
    conv2dBackwardInput: (gy: number, w: number, gx: number, g: Conv2dGeom) => wc.wasmConv2dBackwardInput(k(), gy, w, gx, g),
    conv2dBackwardWeight: (x: number, gy: number, gw: number, g: Conv2dGeom) => wc.wasmConv2dBackwardWeight(k(), x, gy, gw, g),
    maxPool2d: (x: number, y: number, i: number, g: Pool2dGeom) => wc.wasmMaxPool2d(k(), x, y, i, g),
    maxPool2dBackward: (gy: number, i: number, gx: number, g: Pool2dGeom) => wc.wasmMaxPool2dBackward(k(), gy, i, gx, g),
    avgPool2d: (x: number, y: number, g: Pool2dGeom) => wc.wasmAvgPool2d(k(), x, y, g),
    avgPool2dBackward: (gy: number, gx: number, g: Pool2dGeom) => wc.wasmAvgPool2dBackward(k(), gy, gx, g),
  };
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
