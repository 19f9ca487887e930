// The webgpu convolutions: conv2d forward and both backward passes as implicit GEMMs on the tile
// engine of matmul.ts (no im2col buffer: the (n, oh, ow) and (c, kh, kw) decompositions are
// computed in the tile loads), NCHW input, OIHW weight, groups (one grid z slice per group),
// stride, padding and dilation. Each pass overwrites its output (y, gx, gw), as the reference does.
//
// Per group z, with cg = C/groups and og = O/groups:
//   forward          y  (N*OH*OW, og)     = x patches (N*OH*OW, cg*KH*KW) @ w^T (cg*KH*KW, og)  + bias
//   backward input   gx (N*H*W, cg)       = gy taps (N*H*W, og*KH*KW)     @ w (og*KH*KW, cg)
//   backward weight  gw (og, cg*KH*KW)    = gy (og, N*OH*OW)              @ x patches (N*OH*OW, cg*KH*KW)
// The backward-input GEMM gathers, for each input pixel and tap, the output pixel that read it
// (zero where the stride skips it or it falls outside), so each gx element is written once.

import type { Conv2dGeom, View } from '../backend.js';
import type { GpuBuf, WebGpuDevice } from './device.js';
import { GEMM_PARAMS, type GemmCodes, gemm, gemmCodes } from './matmul.js';

/** The geometry's params words, in the order of the names the WGSL below reads (P.<name>). */
const GEOM = ['n', 'c', 'h', 'w', 'o', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'cg', 'og'] as const;
/** Param words: the engine's, 3 offsets (out, in0, in1), the bias offset, then GEOM. */
const at = (i: number) => `p[${GEMM_PARAMS + i}u]`;
const P = Object.fromEntries(GEOM.map((k, i) => [k, at(4 + i)])) as Record<(typeof GEOM)[number], string>;
const OUT = at(0);
const IN0 = at(1);
const IN1 = at(2);
const BIAS = at(3);

function geomParams(g: Conv2dGeom): number[] {
  const v = { ...g, sh: g.strideH, sw: g.strideW, ph: g.padH, pw: g.padW, dh: g.dilH, dw: g.dilW, cg: g.c / g.groups, og: g.o / g.groups };
  return GEOM.map((k) => v[k]);
}

/** WGSL: x[n, z*cg + ci, oh*sh - ph + ky*dh, ow*sw - pw + kx*dw], 0 in the padding (x is in0). */
function patch(): string {
  return `
  let iy = i32(oh * ${P.sh} + ky * ${P.dh}) - i32(${P.ph});
  let ix = i32(ow * ${P.sw} + kx * ${P.dw}) - i32(${P.pw});
  if (iy < 0 || ix < 0 || iy >= i32(${P.h}) || ix >= i32(${P.w})) { return 0.0; }
  return f(in0[${IN0} + ((n * ${P.c} + z * ${P.cg} + ci) * ${P.h} + u32(iy)) * ${P.w} + u32(ix)]);`;
}

/** WGSL lets splitting a flat (n, oh, ow) index `v`. */
const pixel = (v: string) => `let ow = ${v} % ${P.ow}; let oh = (${v} / ${P.ow}) % ${P.oh}; let n = ${v} / (${P.ow} * ${P.oh});`;
/** WGSL lets splitting a flat (c, ky, kx) index `v` (c named `name`). */
const tap = (v: string, name: string) =>
  `let kx = ${v} % ${P.kw}; let ky = (${v} / ${P.kw}) % ${P.kh}; let ${name} = ${v} / (${P.kw} * ${P.kh});`;

/** Forward: in0 = x, in1 = w, in2 = bias (when `bias`); out = y. */
function forwardCodes(bias: boolean): GemmCodes {
  return gemmCodes(`conv2d ${bias}`, () => ({
    loadA: `fn loadA(z: u32, row: u32, kk: u32) -> f32 { ${pixel('row')} ${tap('kk', 'ci')} ${patch()} }`,
    // w (O, cg*KH*KW): row z*og + col, column kk
    loadB: `fn loadB(z: u32, kk: u32, col: u32) -> f32 { return f(in1[${IN1} + (z * ${P.og} + col) * ${P.cg} * ${P.kh} * ${P.kw} + kk]); }`,
    storeC: `fn storeC(z: u32, row: u32, col: u32, v: f32) {
  let o = z * ${P.og} + col; let plane = ${P.oh} * ${P.ow};
  out[${OUT} + ((row / plane) * ${P.o} + o) * plane + row % plane] = bitcast<u32>(v${bias ? ` + f(in2[${BIAS} + o])` : ''}); }`,
    aKFast: false,
    bKFast: true,
    inputs: bias ? 3 : 2,
  }));
}

/** Backward input: in0 = gy, in1 = w; out = gx. Rows (n, iy, ix), columns ci, k (ol, ky, kx). */
function backwardInputCodes(): GemmCodes {
  return gemmCodes('conv2dBackwardInput', () => ({
    loadA: `fn loadA(z: u32, row: u32, kk: u32) -> f32 {
  let ix = row % ${P.w}; let iy = (row / ${P.w}) % ${P.h}; let n = row / (${P.w} * ${P.h});
  ${tap('kk', 'ol')}
  let ty = i32(iy + ${P.ph}) - i32(ky * ${P.dh});
  let tx = i32(ix + ${P.pw}) - i32(kx * ${P.dw});
  if (ty < 0 || tx < 0) { return 0.0; }
  if (u32(ty) % ${P.sh} != 0u || u32(tx) % ${P.sw} != 0u) { return 0.0; }
  let oh = u32(ty) / ${P.sh}; let ow = u32(tx) / ${P.sw};
  if (oh >= ${P.oh} || ow >= ${P.ow}) { return 0.0; }
  return f(in0[${IN0} + ((n * ${P.o} + z * ${P.og} + ol) * ${P.oh} + oh) * ${P.ow} + ow]); }`,
    // w (O, cg, KH, KW): [z*og + ol, col, ky, kx]
    loadB: `fn loadB(z: u32, kk: u32, col: u32) -> f32 {
  let taps = ${P.kh} * ${P.kw}; let ol = kk / taps;
  return f(in1[${IN1} + ((z * ${P.og} + ol) * ${P.cg} + col) * taps + kk % taps]); }`,
    storeC: `fn storeC(z: u32, row: u32, col: u32, v: f32) {
  let plane = ${P.h} * ${P.w};
  out[${OUT} + ((row / plane) * ${P.c} + z * ${P.cg} + col) * plane + row % plane] = bitcast<u32>(v); }`,
    aKFast: false,
    bKFast: false,
    inputs: 2,
  }));
}

/** Backward weight: in0 = x, in1 = gy; out = gw. Rows ol, columns (ci, ky, kx), k (n, oh, ow). */
function backwardWeightCodes(): GemmCodes {
  return gemmCodes('conv2dBackwardWeight', () => ({
    loadA: `fn loadA(z: u32, row: u32, kk: u32) -> f32 {
  let plane = ${P.oh} * ${P.ow};
  return f(in1[${IN1} + ((kk / plane) * ${P.o} + z * ${P.og} + row) * plane + kk % plane]); }`,
    loadB: `fn loadB(z: u32, kk: u32, col: u32) -> f32 { ${pixel('kk')} ${tap('col', 'ci')} ${patch()} }`,
    storeC: `fn storeC(z: u32, row: u32, col: u32, v: f32) {
  out[${OUT} + (z * ${P.og} + row) * ${P.cg} * ${P.kh} * ${P.kw} + col] = bitcast<u32>(v); }`,
    aKFast: true,
    bKFast: true,
    inputs: 2,
  }));
}

/** One conv GEMM per group: `views` are the output then in0, in1 (bias is in2). */
function run(dev: WebGpuDevice, code: GemmCodes, m: number, n: number, k: number, views: View[], bias: View | null, g: Conv2dGeom): void {
  const own = [views[0].offset, views[1].offset, views[2].offset, bias?.offset ?? 0, ...geomParams(g)];
  const inputs = [views[1].buffer as GpuBuf, views[2].buffer as GpuBuf];
  if (bias !== null) inputs.push(bias.buffer as GpuBuf);
  gemm(dev, code, m, n, k, g.groups, own, views[0].buffer as GpuBuf, inputs);
}

/**
 * y (N, O, OH, OW) = conv2d(x (N, C, H, W), w (O, C/groups, KH, KW)) + bias (O) (null: none).
 * @example conv2d(dev, x, w, null, y, { n: 1, c: 3, h: 8, w: 8, o: 4, kh: 3, kw: 3, oh: 6, ow: 6, strideH: 1, strideW: 1, padH: 0, padW: 0, dilH: 1, dilW: 1, groups: 1 })
 */
export function conv2d(dev: WebGpuDevice, x: View, w: View, bias: View | null, y: View, g: Conv2dGeom): void {
  const cg = g.c / g.groups;
  run(dev, forwardCodes(bias !== null), g.n * g.oh * g.ow, g.o / g.groups, cg * g.kh * g.kw, [y, x, w], bias, g);
}

/**
 * gx (N, C, H, W) = the gradient of conv2d with respect to x, from gy (N, O, OH, OW) and w (overwritten).
 * @example conv2dBackwardInput(dev, gy, w, gx, geom) // gx (N, C, H, W)
 */
export function conv2dBackwardInput(dev: WebGpuDevice, gy: View, w: View, gx: View, g: Conv2dGeom): void {
  const og = g.o / g.groups;
  run(dev, backwardInputCodes(), g.n * g.h * g.w, g.c / g.groups, og * g.kh * g.kw, [gx, gy, w], null, g);
}

/**
 * gw (O, C/groups, KH, KW) = the gradient of conv2d with respect to w, from x and gy (overwritten).
 * @example conv2dBackwardWeight(dev, x, gy, gw, geom) // gw (O, C/groups, KH, KW)
 */
export function conv2dBackwardWeight(dev: WebGpuDevice, x: View, gy: View, gw: View, g: Conv2dGeom): void {
  const cg = g.c / g.groups;
  run(dev, backwardWeightCodes(), g.o / g.groups, cg * g.kh * g.kw, g.n * g.oh * g.ow, [gw, x, gy], null, g);
}
