// Convolution and pooling on the wasm kernels (im2col + GEMM; direct loops for pooling).
// Threads take whole images when the batch divides well, else output positions (forward),
// input channels (backward input) or weight rows/columns (backward weight), so no two threads
// ever write the same output and results do not depend on the thread count.

import type { Conv2dGeom, Pool2dGeom } from '../backend.js';
import { heap } from './heap.js';
import type { Kernels } from './loader.js';
import { poolThreads, runParallel, threadScratch } from './pool.js';
import { ranges } from './reduce.js';

/** Multiply-adds from which a convolution is split across threads. */
const PARALLEL_MIN_MACS = 1 << 18;
/** Window taps from which pooling is split. */
const PARALLEL_MIN_TAPS = 1 << 17;

let geomPtr = 0;

/** Writes a geometry struct for the kernels (16 i32, on the heap) and returns its address. */
function writeGeom(values: readonly number[]): number {
  if (geomPtr === 0) geomPtr = heap().allocateScratch(64);
  heap().i32.set(values, geomPtr >>> 2);
  return geomPtr;
}

function convGeom(g: Conv2dGeom): number {
  return writeGeom([g.n, g.c, g.h, g.w, g.o, g.kh, g.kw, g.oh, g.ow, g.strideH, g.strideW, g.padH, g.padW, g.dilH, g.dilW, g.groups]);
}

/** Per-thread scratch for a conv kernel: GEMM packing buffers, an im2col chunk of `rows` rows, `extra` floats. */
function convScratch(kern: Kernels, t: number, rows: number, extra = 0): number {
  const ex = kern.exports;
  return threadScratch(t, ex.gemmScratchBytes() + 4 * (Math.max(ex.convColFloats(), 8 * rows) + extra));
}

/** Dims of a conv problem: im2col rows per group, output positions, multiply-adds. */
function dims(g: Conv2dGeom): { ckk: number; ohw: number; macs: number; threads: number } {
  const ckk = (g.c / g.groups) * g.kh * g.kw;
  const ohw = g.oh * g.ow;
  const macs = g.n * g.o * ohw * ckk;
  return { ckk, ohw, macs, threads: macs >= PARALLEL_MIN_MACS ? poolThreads() : 1 };
}

/** Whether `n` items split evenly enough over `t` threads. */
function splitsWell(n: number, t: number): boolean {
  return n % t === 0 || n >= 4 * t;
}

/** y (N, O, OH, OW) = conv2d(x (N, C, H, W), w (O, C/groups, KH, KW)) + bias (O; 0 for none). */
export function wasmConv2d(kern: Kernels, x: number, w: number, bias: number, y: number, g: Conv2dGeom): void {
  if (directPays(g)) directConv2d(kern, x, w, bias, y, g);
  else if (winogradPays(g, 'forward')) winogradConv2d(kern, x, w, bias, y, g);
  else im2colConv2d(kern, x, w, bias, y, g);
}

/** gx (N, C, H, W) = gradient of conv2d with respect to x, given gy (N, O, OH, OW). */
export function wasmConv2dBackwardInput(kern: Kernels, gy: number, w: number, gx: number, g: Conv2dGeom): void {
  if (winogradPays(g, 'input')) winogradConv2dBackwardInput(kern, gy, w, gx, g);
  else im2colConv2dBackwardInput(kern, gy, w, gx, g);
}

/** The forward by im2col + GEMM (any geometry), the bias (0 for none) added by the GEMM. */
export function im2colConv2d(kern: Kernels, x: number, w: number, bias: number, y: number, g: Conv2dGeom): void {
  const { ckk, ohw, threads: t } = dims(g);
  if (g.n === 0 || g.o === 0 || ohw === 0) return;
  const gp = convGeom(g);
  const parts = splitsWell(g.n, t)
    ? ranges(g.n, t).map(([n0, nn], i) => [gp, x, w, bias, y, n0, n0 + nn, 0, ohw, convScratch(kern, i, ckk)])
    : ranges(ohw, t, 8).map(([s0, ns], i) => [gp, x, w, bias, y, 0, g.n, s0, s0 + ns, convScratch(kern, i, ckk)]);
  runParallel(kern, 'conv2dForward', parts);
}

/** The gradient with respect to the input by GEMM + col2im (any geometry). */
export function im2colConv2dBackwardInput(kern: Kernels, gy: number, w: number, gx: number, g: Conv2dGeom): void {
  const { ckk, threads: t } = dims(g);
  if (g.n === 0 || g.c === 0) return;
  const gp = convGeom(g);
  const parts =
    splitsWell(g.n, t) || g.c < t
      ? ranges(g.n, t).map(([n0, nn], i) => [gp, gy, w, gx, n0, n0 + nn, 0, g.c, convScratch(kern, i, ckk)])
      : ranges(g.c, t).map(([c0, nc], i) => [gp, gy, w, gx, 0, g.n, c0, c0 + nc, convScratch(kern, i, ckk)]);
  runParallel(kern, 'conv2dBackwardInput', parts);
}

/** gw (O, C/groups, KH, KW) = gradient of conv2d with respect to w, summed over the batch. */
export function wasmConv2dBackwardWeight(kern: Kernels, x: number, gy: number, gw: number, g: Conv2dGeom): void {
  if (directPays(g)) directConv2dBackwardWeight(kern, x, gy, gw, g);
  else if (winogradPays(g, 'weight')) winogradConv2dBackwardWeight(kern, x, gy, gw, g);
  else im2colConv2dBackwardWeight(kern, x, gy, gw, g);
}

/** The weight gradient by im2col + GEMM (any geometry). */
export function im2colConv2dBackwardWeight(kern: Kernels, x: number, gy: number, gw: number, g: Conv2dGeom): void {
  const { ckk, threads: t } = dims(g);
  if (g.o === 0 || ckk === 0) return;
  const gp = convGeom(g);
  if (ckk < 16) {
    // few im2col rows (e.g. one input channel): compute gw^T, output channels split across threads
    const parts = ranges(g.o, t).map(([o0, no], i) => [gp, x, gy, gw, o0, o0 + no, convScratch(kern, i, ckk, ckk * no)]);
    runParallel(kern, 'conv2dBackwardWeightT', parts);
    return;
  }
  const parts =
    ckk >= 16 * t || g.o < t
      ? ranges(ckk, t, 8).map(([q0, nq], i) => [gp, x, gy, gw, 0, g.o, q0, q0 + nq, convScratch(kern, i, nq)])
      : ranges(g.o, t).map(([o0, no], i) => [gp, x, gy, gw, o0, o0 + no, 0, ckk, convScratch(kern, i, ckk)]);
  runParallel(kern, 'conv2dBackwardWeight', parts);
}

// Winograd F(2x2, 3x3) (src/kernels/winograd.ts, winograd-weight.ts) for 3x3, stride-1,
// undilated, ungrouped convolutions. The backward input is the forward convolution of gy
// (N, O, OH, OW) with the flipped filter w'[c][o] = rot180(w[o][c]) and padding 2 - pad, which
// gives back (N, C, H, W); the weight gradient is the adjoint of the forward's transforms.

/** Which of a convolution's three computations: y, gx or gw. */
export type ConvPass = 'forward' | 'input' | 'weight';

/** Whether Winograd can compute this pass of this convolution. */
export function winogradApplies(g: Conv2dGeom, pass: ConvPass): boolean {
  const k3s1 = g.kh === 3 && g.kw === 3 && g.strideH === 1 && g.strideW === 1 && g.dilH === 1 && g.dilW === 1 && g.groups === 1;
  return k3s1 && g.oh >= 1 && g.ow >= 1 && (pass !== 'input' || (g.padH <= 2 && g.padW <= 2));
}

/**
 * Whether Winograd is expected to beat im2col here. Measured with bench/kernels/conv.ts and by hand on
 * the 2-core Zen 4 box, batch 64, 1 thread (Winograd time / im2col time, lower is better):
 *   forward / input, the pass's channels in -> out: 2 -> 32 28x28: 1.5; 4 -> 32: 1.0; 4 -> 8: 0.8;
 *     8 -> 4: 0.5; 32 -> 64 13x13: 0.43; input 32 -> 2: 1.85, 32 -> 4: 1.0
 *   weight: C = 2: 2.8; C = 4: 1.8-1.9; C = 8, O = 4 or 8: 0.8-0.9; C = 32, O = 64 13x13: 0.64
 * so forward and input need at least 4 channels in and out of the pass, the weight gradient 8 input
 * channels (its GEMMs are (O, C) deep in tiles; few channels leave them short and the transforms dominate).
 */
function winogradPays(g: Conv2dGeom, pass: ConvPass): boolean {
  if (!winogradApplies(g, pass)) return false;
  if (pass === 'weight') return g.c >= 8 && g.o >= 4;
  const cin = pass === 'input' ? g.o : g.c;
  const cout = pass === 'input' ? g.c : g.o;
  return cin >= 4 && cout >= 4;
}

let filterPtr = 0;
let filterBytes = 0;

/** Runs winogradConv over x (n, cin, h, w) into y (n, cout, oh, ow) (+ bias (cout), 0 for none), with w's transform packed once. */
function winograd(kern: Kernels, x: number, w: number, bias: number, y: number, g: Conv2dGeom, backward: boolean): void {
  const ex = kern.exports;
  const [cin, cout] = backward ? [g.o, g.c] : [g.c, g.o];
  const [h, wd, oh, ow] = backward ? [g.oh, g.ow, g.h, g.w] : [g.h, g.w, g.oh, g.ow];
  const [padH, padW] = backward ? [2 - g.padH, 2 - g.padW] : [g.padH, g.padW];
  if (g.n === 0 || cout === 0 || oh === 0 || ow === 0) return;
  const bytes = ex.winogradFilterBytes(cin, cout);
  if (bytes > filterBytes) {
    if (filterPtr !== 0) heap().freeScratch(filterPtr, filterBytes);
    filterPtr = heap().allocateScratch(bytes);
    filterBytes = bytes;
  }
  ex.winogradFilter(w, filterPtr, g.o, g.c, backward ? 1 : 0);
  const gp = writeGeom([g.n, cin, h, wd, cout, oh, ow, padH, padW]);
  const rows = g.n * Math.ceil(oh / 2);
  const macs = g.n * cout * oh * ow * cin * 9;
  const t = macs >= PARALLEL_MIN_MACS ? poolThreads() : 1;
  const ws = ex.winogradScratchBytes(gp);
  const parts = ranges(rows, t).map(([r0, nr], i) => [gp, x, filterPtr, bias, y, r0, r0 + nr, threadScratch(i, ws)]);
  runParallel(kern, 'winogradConv', parts);
}

/** y (N, O, OH, OW) = conv2d(x, w) + bias (O; 0 for none) by Winograd; needs winogradApplies(g, 'forward'). */
export function winogradConv2d(kern: Kernels, x: number, w: number, bias: number, y: number, g: Conv2dGeom): void {
  winograd(kern, x, w, bias, y, g, false);
}

/** gx (N, C, H, W) from gy (N, O, OH, OW) by Winograd; needs winogradApplies(g, 'input'). */
export function winogradConv2dBackwardInput(kern: Kernels, gy: number, w: number, gx: number, g: Conv2dGeom): void {
  winograd(kern, gy, w, 0, gx, g, true);
}

/** A heap buffer kept between calls, grown as needed. */
interface Buffer {
  ptr: number;
  bytes: number;
}

/** The address of at least `bytes` in `b`, reallocated when it is too small. */
function grow(b: Buffer, bytes: number): number {
  if (bytes > b.bytes) {
    if (b.ptr !== 0) heap().freeScratch(b.ptr, b.bytes);
    b.ptr = heap().allocateScratch(bytes);
    b.bytes = bytes;
  }
  return b.ptr;
}

const weightBuffer: Buffer = { ptr: 0, bytes: 0 };
const weightSums: Buffer = { ptr: 0, bytes: 0 };

/**
 * gw (O, C, 3, 3) from x (N, C, H, W) and gy (N, O, OH, OW) by Winograd. Per chunk of tile rows,
 * two parallel calls: the threads transform x and gy into shared buffers (split over tile rows),
 * then add the chunk's GEMMs to the sums gU (split over output channels, so that every sum runs
 * in the same order whatever the thread count).
 */
export function winogradConv2dBackwardWeight(kern: Kernels, x: number, gy: number, gw: number, g: Conv2dGeom): void {
  if (g.o === 0 || g.c === 0) return;
  const ex = kern.exports;
  const gp = writeGeom([g.n, g.c, g.h, g.w, g.o, g.oh, g.ow, g.padH, g.padW]);
  const macs = g.n * g.o * g.oh * g.ow * g.c * 9;
  const t = macs >= PARALLEL_MIN_MACS ? poolThreads() : 1;
  const rows = g.n * Math.ceil(g.oh / 2);
  const chunk = ex.winogradWeightChunkRows(gp);
  const buf = grow(weightBuffer, ex.winogradWeightBufferBytes(gp));
  const gu = grow(weightSums, 4 * 16 * g.o * g.c);
  const ws = Array.from({ length: t }, (_, i) => threadScratch(i, ex.winogradWeightScratchBytes(gp)));
  const channels = ranges(g.o, t);
  for (let c0 = 0; c0 < Math.max(rows, 1); c0 += chunk) {
    const nr = Math.min(rows, c0 + chunk) - c0;
    const parts = ranges(nr, t).map(([r0, n], i) => [gp, x, gy, c0, c0 + r0, c0 + r0 + n, buf, ws[i]]);
    if (nr > 0) runParallel(kern, 'winogradWeightTransform', parts);
    runParallel(
      kern,
      'winogradWeightProducts',
      channels.map(([o0, no], i) => [gp, buf, c0, gu, gw, o0, o0 + no, ws[i]]),
    );
  }
}

// Direct convolution (src/kernels/conv_direct.ts) for few input channels, the first layer of an
// image network: the forward and the weight gradient (that layer needs no input gradient).

/** Whether the direct kernels can compute this convolution (one group, at least 4 output columns). */
export function directApplies(g: Conv2dGeom): boolean {
  return g.groups === 1 && g.ow >= 4 && g.oh >= 1 && g.n >= 1 && g.o >= 1 && g.c >= 1;
}

/**
 * Whether the direct kernels are expected to beat im2col and Winograd, forward and weight gradient.
 * Measured with bench/kernels/conv.ts on the 2-core Zen 4 box, 3x3 kernels, 32 output channels, 1 thread
 * (im2col time / direct time, higher is better; Winograd was slower than im2col in all but C = 8):
 *   C = 1 28x28: forward 1.22, weight 1.78; C = 3 32x32 padding 1: 1.30, 1.69; the same, stride 2:
 *   1.61, 1.74; C = 2: 1.19, 2.02; C = 4: 1.11, 1.45; C = 8: 1.11 (Winograd 1.5), 1.15 (Winograd 0.97)
 * so both take it up to 4 input channels (and 48 taps per output channel, for larger kernels).
 */
function directPays(g: Conv2dGeom): boolean {
  return directApplies(g) && g.c <= 4 && g.c * g.kh * g.kw <= 48;
}

/** y (N, O, OH, OW) = conv2d(x, w) + bias (0 for none) by the direct kernel; needs directApplies(g). */
export function directConv2d(kern: Kernels, x: number, w: number, bias: number, y: number, g: Conv2dGeom): void {
  const { threads: t } = dims(g);
  const gp = convGeom(g);
  const ws = (i: number): number => threadScratch(i, kern.exports.conv2dDirectScratchBytes(gp, 0));
  const parts = splitsWell(g.n, t)
    ? ranges(g.n, t).map(([n0, nn], i) => [gp, x, w, bias, y, n0, n0 + nn, 0, g.o, ws(i)])
    : ranges(g.o, t, 4).map(([o0, no], i) => [gp, x, w, bias, y, 0, g.n, o0, o0 + no, ws(i)]);
  runParallel(kern, 'conv2dDirectForward', parts);
}

/** gw (O, C, KH, KW) from x and gy by the direct kernel, output channels split across threads; needs directApplies(g). */
export function directConv2dBackwardWeight(kern: Kernels, x: number, gy: number, gw: number, g: Conv2dGeom): void {
  const { threads: t } = dims(g);
  const gp = convGeom(g);
  const parts = ranges(g.o, t).map(([o0, no], i) => [
    gp,
    x,
    gy,
    gw,
    o0,
    o0 + no,
    threadScratch(i, kern.exports.conv2dDirectScratchBytes(gp, no)),
  ]);
  runParallel(kern, 'conv2dDirectBackwardWeight', parts);
}

function poolGeom(g: Pool2dGeom): number {
  return writeGeom([g.n, g.c, g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.strideH, g.strideW, g.padH, g.padW, g.countIncludePad ? 1 : 0]);
}

/** Thread shares of the (n, c) planes of a pooling op. */
function planeParts(g: Pool2dGeom, make: (p0: number, p1: number) => number[]): number[][] {
  const planes = g.n * g.c;
  const taps = planes * g.oh * g.ow * g.kh * g.kw;
  const t = taps >= PARALLEL_MIN_TAPS ? poolThreads() : 1;
  return ranges(planes, t).map(([p0, np]) => make(p0, p0 + np));
}

/** y, indices (N, C, OH, OW) = max pooling of x (N, C, H, W). */
export function wasmMaxPool2d(kern: Kernels, x: number, y: number, indices: number, g: Pool2dGeom): void {
  const gp = poolGeom(g);
  runParallel(
    kern,
    'maxPool2d',
    planeParts(g, (p0, p1) => [gp, x, y, indices, p0, p1]),
  );
}

/** gx (N, C, H, W) from gy (N, C, OH, OW) and the forward's indices. */
export function wasmMaxPool2dBackward(kern: Kernels, gy: number, indices: number, gx: number, g: Pool2dGeom): void {
  const gp = poolGeom(g);
  runParallel(
    kern,
    'maxPool2dBackward',
    planeParts(g, (p0, p1) => [gp, gy, indices, gx, p0, p1]),
  );
}

/** y (N, C, OH, OW) = average pooling of x (N, C, H, W). */
export function wasmAvgPool2d(kern: Kernels, x: number, y: number, g: Pool2dGeom): void {
  const gp = poolGeom(g);
  runParallel(
    kern,
    'avgPool2d',
    planeParts(g, (p0, p1) => [gp, x, y, p0, p1]),
  );
}

/** gx (N, C, H, W) from gy (N, C, OH, OW) of average pooling. */
export function wasmAvgPool2dBackward(kern: Kernels, gy: number, gx: number, g: Pool2dGeom): void {
  const gp = poolGeom(g);
  runParallel(
    kern,
    'avgPool2dBackward',
    planeParts(g, (p0, p1) => [gp, gy, gx, p0, p1]),
  );
}
